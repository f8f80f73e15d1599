import { App } from 'cdktf';
import type { Catalog } from '../lib/catalog/model';
import { AlertingStack } from './alerting-stack';
import { GrafanaStack } from './grafana-stack';
import { PagerDutyStack } from './pagerduty-stack';
import { GuardrailsStack } from './guardrails-stack';
import { guardrailEnvironments } from '../lib/render/guardrails';

export interface BuildOptions {
  /** Output directory (default: cdktf's, `cdktf.out` or `CDKTF_OUTDIR`). */
  readonly outdir?: string;
}

/** The cdktf app: every stack of every environment of the catalog. */
export function buildApp(catalog: Catalog, opts: BuildOptions = {}): App {
  const app = new App({ outdir: opts.outdir, skipValidation: false });
  for (const env of catalog.catalog.environments) {
    // Before the alerting stack: its Alertmanager configuration references this stack's integration keys.
    const pagerduty = catalog.oncall ? new PagerDutyStack(app, { catalog, environment: env.name }) : undefined;
    new AlertingStack(app, { catalog, environment: env.name, pagerduty });
    // Its critical/high SNS topics subscribe to the PagerDuty stack's CloudWatch integrations (remote state).
    if (guardrailEnvironments(catalog).includes(env.name)) new GuardrailsStack(app, { catalog, environment: env.name, pagerduty });
    if (catalog.dashboards) new GrafanaStack(app, { catalog, environment: env.name });
  }
  return app;
}
