/**
 * Reading the plan's on-call model: who is on call at an instant (the instant is always passed in), and one
 * environment's routing and urgency.
 */
export { onCallAt, onCallEnvironment } from '../catalog/resolve-oncall';
