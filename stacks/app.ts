import { App } from 'cdktf';
import type { CatalogPlan } from '../lib/plan/types';
import { renderEnvironment } from '../lib/render/environment';
import { AlertingStack } from './alerting-stack';
import { GrafanaStack } from './grafana-stack';
import { PagerDutyStack } from './pagerduty-stack';
import { GuardrailsStack } from './guardrails-stack';
import { quietTokenTraces } from '../constructs/synthesis';

export interface BuildOptions {
  /** Output directory (default: cdktf's, `cdktf.out` or `CDKTF_OUTDIR`). */
  readonly outdir?: string;
}

/**
 * The cdktf app: every stack of every environment of the plan (lib/plan/resolve.ts `resolveCatalog`). Each
 * environment's outputs are rendered once (lib/render/environment.ts); the stacks only place constructs.
 */
export function buildApp(plan: CatalogPlan, opts: BuildOptions = {}): App {
  // No stack trace per token (set DEBUG or CDKTF_TOKEN_TRACES to get them back): constructs/synthesis.ts.
  quietTokenTraces();
  const app = new App({ outdir: opts.outdir, skipValidation: false });
  for (const env of plan.environments) {
    const rendered = renderEnvironment(env);
    const environment = env.name;
    // Before the alerting stack: its Alertmanager configuration references this stack's integration keys.
    const pagerduty = env.pagerduty ? new PagerDutyStack(app, { environment, plan: env.pagerduty }) : undefined;
    new AlertingStack(app, { environment, rendered, pagerduty });
    // Its critical/high SNS topics subscribe to the PagerDuty stack's CloudWatch integrations (remote state).
    if (env.guardrails) new GuardrailsStack(app, { environment, plan: env.guardrails, pagerduty });
    if (env.dashboards) new GrafanaStack(app, { environment, rendered });
  }
  return app;
}
