/**
 * Everything the stacks place for one environment, rendered from its plan: the rule groups, the Alertmanager
 * configuration (given its secrets, which only the stack's edge knows), the dashboards and the Synthetic
 * Monitoring checks. The stacks take this and only place constructs; `npm run export` renders the same outputs
 * from the same plan (lib/export.ts).
 */
import type { EnvironmentPlan } from '../plan/types';
import { PromRuleFile, renderRuleGroups } from './prometheus-rules';
import { AlertmanagerConfig, AlertmanagerSecrets, renderAlertmanagerConfig } from './alertmanager';
import { RenderedDashboard, renderDashboards } from './dashboards';
import { renderSmChecks, SmCheckSpec } from './synthetics';

export interface RenderedEnvironment {
  /** The plan the outputs come from: names, targets, the PagerDuty and guardrails plans. */
  readonly plan: EnvironmentPlan;
  readonly rules: PromRuleFile;
  /** The Alertmanager configuration with the given secrets; absent without an on-call model. */
  readonly alertmanager?: (secrets: AlertmanagerSecrets) => AlertmanagerConfig;
  readonly dashboards: readonly RenderedDashboard[];
  readonly checks: readonly SmCheckSpec[];
}

export function renderEnvironment(plan: EnvironmentPlan): RenderedEnvironment {
  return {
    plan,
    rules: renderRuleGroups(plan.rules),
    ...(plan.onCall ? { alertmanager: (secrets: AlertmanagerSecrets) => renderAlertmanagerConfig(plan, { secrets }) } : {}),
    dashboards: renderDashboards(plan),
    checks: renderSmChecks(plan.checks, plan.name),
  };
}
