/** Who is on call at an instant, from the plan's on-call model (the instant is always passed in). */
export { onCallAt } from '../catalog/resolve-oncall';
