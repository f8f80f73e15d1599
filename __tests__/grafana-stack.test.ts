/** `deltacrown-<env>-grafana`: the folder, the four dashboards and the synthetic checks of each environment. */
import { Testing } from 'cdktf';
import { loadCatalog } from '../lib/catalog/load';
import { buildApp } from '../stacks/app';
import { GrafanaStack, GRAFANA_VARIABLES } from '../stacks/grafana-stack';
import { resolveChecks } from '../lib/plan/synthetics';
import { grafanaSchemaProblems } from './helpers-grafana';
import { FIXTURE_ALERTS } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';
import { POST_CHECK, catalogWithPostCheck } from './helpers-synthetics';

const catalog = loadCatalog(FIXTURE_ALERTS);
const ENVS = catalog.catalog.environments.map((e) => e.name);

function synthGrafana(env: string): Record<string, any> {
  const app = buildApp(resolveCatalog(catalog));
  const stack = app.node.findChild(`deltacrown-${env}-grafana`) as GrafanaStack;
  return JSON.parse(Testing.synth(stack));
}

/** What Terraform hands Grafana: the config_json string with `$${` unescaped, parsed. */
function dashboardModel(configJson: string): Record<string, any> {
  return JSON.parse(configJson.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
}

describe('npm run synth', () => {
  it('writes a grafana stack for every environment', () => {
    const app = buildApp(resolveCatalog(catalog));
    const names = app.node.children.map((c) => c.node.id).filter((n) => n.endsWith('-grafana'));
    expect(names.sort()).toEqual(['deltacrown-production-grafana', 'deltacrown-staging-grafana']);
  });
});

describe.each(ENVS)('deltacrown-%s-grafana', (env) => {
  const tf = synthGrafana(env);
  const sfx = catalog.catalog.environments.find((e) => e.name === env)!.name_suffix;

  it('uses only attribute names of the provider schema, with every required attribute present', () => {
    expect(grafanaSchemaProblems(tf)).toEqual([]);
  });

  it('points the provider at the environment’s Grafana from the catalog, credentials from the deploy environment', () => {
    expect(tf.provider.grafana).toEqual([
      { url: catalog.dashboards!.grafana.urls[env], auth: '${var.grafana_auth}', sm_url: '${var.grafana_sm_url}', sm_access_token: '${var.grafana_sm_access_token}' },
    ]);
    expect(tf.variable.grafana_url).toBeUndefined();
    for (const [name, spec] of Object.entries(GRAFANA_VARIABLES)) {
      expect(tf.variable[name]).toMatchObject({ type: 'string', nullable: true, default: null, sensitive: spec.sensitive });
      expect(tf.variable[name].description).toContain(spec.env);
    }
    expect(tf.variable.grafana_auth.sensitive).toBe(true);
    expect(tf.variable.grafana_sm_access_token.sensitive).toBe(true);
    expect(tf.terraform.required_providers.grafana).toEqual({ source: 'grafana/grafana', version: '~> 4.0' });
    // No credential-looking literal anywhere in the stack.
    expect(JSON.stringify(tf)).not.toMatch(/glsa_|glc_|Bearer |eyJ[A-Za-z0-9]/);
  });

  it('holds the DeltaCrown folder and the four dashboards in it', () => {
    const folder = tf.resource.grafana_folder.folder;
    expect(folder).toMatchObject({ uid: `${catalog.dashboards!.grafana.folder.uid}${sfx}`, title: 'DeltaCrown' });
    const dashboards = Object.values<Record<string, any>>(tf.resource.grafana_dashboard);
    expect(dashboards).toHaveLength(4);
    const uids = dashboards.map((d) => {
      expect(d.folder).toBe('${grafana_folder.folder.uid}');
      expect(d.overwrite).toBe(true);
      const model = dashboardModel(d.config_json);
      expect(model.templating.list.find((v: any) => v.type === 'datasource')).toMatchObject({ name: 'datasource', query: 'prometheus' });
      const ids = (model.panels as any[]).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((i) => i > 0)).toBe(true);
      return model.uid;
    });
    expect(uids.sort()).toEqual(['infra_overview', 'moderation_enforcement_deltacrown', 'slo_burn_alerts_deltacrown', 'synthetics_deltacrown'].map((u) => `${u}${sfx}`));
  });

  it('escapes ${…} in the dashboards so Terraform passes it through to Grafana', () => {
    for (const d of Object.values<Record<string, any>>(tf.resource.grafana_dashboard)) {
      // Every `${` in config_json is escaped as `$${`, i.e. no unescaped interpolation is left.
      expect(d.config_json.replace(/\$\$\{/g, '')).not.toContain('${');
      expect(d.config_json).toContain('$${datasource}');
    }
  });

  it('runs the four synthetic checks from their probe locations, resolved to ids by the probes data source', () => {
    const checks = resolveChecks(catalog, env);
    const sm = Object.values<Record<string, any>>(tf.resource.grafana_synthetic_monitoring_check);
    expect(sm.map((c) => c.job).sort()).toEqual(checks.map((c) => c.name).sort());
    for (const c of checks) {
      const r = sm.find((x) => x.job === c.name)!;
      expect(r).toMatchObject({ target: c.url, enabled: true, frequency: c.frequencySeconds * 1000, timeout: c.timeoutSeconds * 1000, labels: { environment: env, service: c.service } });
      expect(r.probes).toEqual(c.probes.map((p) => `\${data.grafana_synthetic_monitoring_probes.probes.probes["${p}"]}`));
      expect(r.probes.length).toBeGreaterThanOrEqual(3);
      expect(r.settings).toEqual([{ http: [expect.objectContaining({ method: c.method, valid_status_codes: c.validStatusCodes, ip_version: 'V4' })] }]);
    }
    expect(tf.data.grafana_synthetic_monitoring_probes.probes).toMatchObject({ filter_deprecated: true });
  });
});

describe('a synthetic check that sends a body', () => {
  const post = loadCatalog(catalogWithPostCheck());
  const app = buildApp(resolveCatalog(post));
  const tf = JSON.parse(Testing.synth(app.node.findChild('deltacrown-production-grafana') as GrafanaStack));
  const check = Object.values<Record<string, any>>(tf.resource.grafana_synthetic_monitoring_check).find((c) => c.job === POST_CHECK.name)!;

  it('synthesizes settings.http method, body and headers within the provider schema (body: string, headers: set of "Name: value")', () => {
    expect(grafanaSchemaProblems(tf)).toEqual([]);
    expect(check.settings).toEqual([
      {
        http: [
          expect.objectContaining({
            method: 'POST',
            body: POST_CHECK.body,
            headers: [`Content-Type: ${POST_CHECK.contentType}`, `X-DeltaCrown-Synthetic: ${POST_CHECK.marker}`],
            valid_status_codes: [200],
          }),
        ],
      },
    ]);
  });

  it('leaves the GET checks without body and headers', () => {
    for (const c of Object.values<Record<string, any>>(tf.resource.grafana_synthetic_monitoring_check).filter((x) => x.job !== POST_CHECK.name)) {
      expect(c.settings[0].http[0].body).toBeUndefined();
      expect(c.settings[0].http[0].headers).toBeUndefined();
    }
  });
});
