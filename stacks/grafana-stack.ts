import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import type { RenderedEnvironment } from '../lib/render/environment';
import { GrafanaProvider } from '../constructs/grafana/provider';
import { Folder } from '../constructs/grafana/folder';
import { Dashboard } from '../constructs/grafana/dashboard';
import { SyntheticMonitoringCheck } from '../constructs/grafana/synthetic-monitoring-check';
import { DataGrafanaSyntheticMonitoringProbes } from '../constructs/grafana/data-synthetic-monitoring-probes';
import { escapeTerraform } from '../constructs/terraform-strings';
import { DeltaCrownStack } from './base';

export interface GrafanaStackProps {
  readonly environment: string;
  /** The environment's rendered outputs (lib/render/environment.ts). */
  readonly rendered: RenderedEnvironment;
}

/**
 * The deploy-time credentials of the Grafana provider, as Terraform variables that default to null: set
 * `TF_VAR_grafana_auth` … or leave them unset, and the provider reads its own environment variables instead
 * (`GRAFANA_AUTH`, `GRAFANA_SM_URL`, `GRAFANA_SM_ACCESS_TOKEN`). No value is ever synthesized. The Grafana URL is no
 * variable: it is the environment's (dashboards.yml `grafana.urls`), so a stack can only ever talk to its own Grafana.
 */
export const GRAFANA_VARIABLES = {
  grafana_auth: { env: 'GRAFANA_AUTH', sensitive: true, description: 'Grafana service account token of this environment’s Grafana (unset: the provider reads GRAFANA_AUTH).' },
  grafana_sm_url: { env: 'GRAFANA_SM_URL', sensitive: false, description: 'Synthetic Monitoring API URL (unset: the provider reads GRAFANA_SM_URL).' },
  grafana_sm_access_token: {
    env: 'GRAFANA_SM_ACCESS_TOKEN',
    sensitive: true,
    description: 'Synthetic Monitoring access token (unset: the provider reads GRAFANA_SM_ACCESS_TOKEN).',
  },
} as const;

/**
 * `deltacrown-<environment>-grafana`: the environment's Grafana — the DeltaCrown folder, the runbook's dashboards
 * (lib/render/dashboards.ts), and the synthetic uptime checks as Grafana Synthetic Monitoring HTTP checks run
 * from the probe locations the catalog names (resolved to ids by the probes data source at plan time).
 */
export class GrafanaStack extends DeltaCrownStack {
  readonly folder: Folder;
  readonly dashboards: Dashboard[] = [];
  readonly checks: SyntheticMonitoringCheck[] = [];

  constructor(scope: Construct, props: GrafanaStackProps) {
    super(scope, 'grafana', props);
    const { environment, rendered } = props;
    const spec = rendered.plan.dashboards;
    if (!spec) throw new Error('GrafanaStack: the catalog has no dashboards.yml');
    if (!spec.grafanaUrl) throw new Error(`environment ${environment} has no Grafana URL in dashboards.yml: the Grafana provider would use whatever GRAFANA_URL says`);

    const v = Object.fromEntries(
      Object.entries(GRAFANA_VARIABLES).map(([name, x]) => {
        const variable = new TerraformVariable(this, name, { type: 'string', sensitive: x.sensitive, nullable: true, description: x.description });
        // default = null makes the variable optional; a null provider argument falls back to the provider's env var.
        variable.addOverride('default', null);
        return [name, variable];
      }),
    ) as Record<keyof typeof GRAFANA_VARIABLES, TerraformVariable>;

    new GrafanaProvider(this, 'grafana', {
      // The environment's own Grafana, from the catalog; synth refuses an environment without one.
      url: spec.grafanaUrl,
      auth: v.grafana_auth.stringValue,
      smUrl: v.grafana_sm_url.stringValue,
      smAccessToken: v.grafana_sm_access_token.stringValue,
    });

    this.folder = new Folder(this, 'folder', { uid: spec.folder.uid, title: spec.folder.title, preventDestroyIfNotEmpty: true });

    for (const d of rendered.dashboards) {
      this.dashboards.push(
        new Dashboard(this, `dashboard-${d.kind}`, {
          folder: this.folder.uid,
          // Catalog text (PromQL, `${datasource}`) is data: escaped so Terraform does not interpolate it.
          configJson: escapeTerraform(JSON.stringify(d.model)),
          overwrite: true,
          message: 'Managed by deltacrown-alerting (alerts/dashboards.yml); changes made in the UI are overwritten.',
        }),
      );
    }

    const checks = rendered.checks;
    if (checks.length) {
      const probes = new DataGrafanaSyntheticMonitoringProbes(this, 'probes', { filterDeprecated: true });
      for (const chk of checks) {
        this.checks.push(
          new SyntheticMonitoringCheck(this, `check-${chk.job}`, {
            job: chk.job,
            target: escapeTerraform(chk.target),
            enabled: true,
            probes: chk.probeNames.map((name) => probes.probeId(name)),
            frequency: chk.frequency,
            timeout: chk.timeout,
            labels: chk.labels,
            // The catalog's Prometheus rules alert on these checks (rules/synthetics.yml), not Synthetic Monitoring.
            alertSensitivity: 'none',
            settings: { http: { ...escapeTerraform(chk.http), noFollowRedirects: false } },
          }),
        );
      }
    }
  }
}
