/** The hand-written Grafana provider binding: synthesized shape, provider schema, validation, HCL. */
import { Testing, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { GrafanaProvider } from '../constructs/grafana/provider';
import { Folder } from '../constructs/grafana/folder';
import { Dashboard } from '../constructs/grafana/dashboard';
import { SyntheticMonitoringCheck, SyntheticMonitoringCheckConfig } from '../constructs/grafana/synthetic-monitoring-check';
import { DataGrafanaSyntheticMonitoringProbes } from '../constructs/grafana/data-synthetic-monitoring-probes';
import * as grafana from '../constructs/grafana';
import 'cdktf/lib/testing/adapters/jest'; // types of the matchers
import { blockProblems, GRAFANA_SCHEMA, grafanaSchemaProblems } from './helpers-grafana';

// cdktf's matchers (toHaveResource …) find resources by their class's static tfResourceType.
Testing.setupJest();

/** A stack with one of everything the binding offers, every optional field set. */
function fullStack() {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const token = new TerraformVariable(stack, 'token', { type: 'string', sensitive: true });
  new GrafanaProvider(stack, 'grafana', { url: 'https://grafana.example.com', auth: token.stringValue, orgId: 1, smUrl: 'https://sm.example.com', smAccessToken: token.stringValue, retries: 5, retryWait: 2 });
  new GrafanaProvider(stack, 'grafana-other', { alias: 'other' });
  const folder = new Folder(stack, 'folder', { title: 'DeltaCrown', uid: 'deltacrown', parentFolderUid: 'parent', preventDestroyIfNotEmpty: true, orgId: '1' });
  const dashboard = new Dashboard(stack, 'dashboard', {
    configJson: JSON.stringify({ uid: 'x_overview', title: 'X', panels: [] }),
    folder: folder.uid,
    overwrite: true,
    message: 'from cdktf',
    orgId: '1',
  });
  const probes = new DataGrafanaSyntheticMonitoringProbes(stack, 'probes', { filterDeprecated: true });
  const check = new SyntheticMonitoringCheck(stack, 'check', {
    job: 'health',
    target: 'https://example.com/health',
    probes: [probes.probeId('Frankfurt'), probes.probeId('London')],
    enabled: true,
    frequency: 60000,
    timeout: 3000,
    labels: { environment: 'production', service: 'deltacrown-api' },
    alertSensitivity: 'none',
    basicMetricsOnly: true,
    settings: {
      http: {
        method: 'GET',
        validStatusCodes: [200, 204],
        validHttpVersions: ['HTTP/1.1', 'HTTP/2.0'],
        failIfBodyNotMatchesRegexp: ['"status"\\s*:\\s*"ok"'],
        failIfBodyMatchesRegexp: ['maintenance'],
        failIfNotSsl: true,
        failIfSsl: false,
        headers: ['Accept: application/json'],
        body: 'deltacrown synthetic check',
        ipVersion: 'V4',
        noFollowRedirects: false,
        cacheBustingQueryParamName: 'cb',
      },
    },
  });
  const outputs: Record<string, unknown> = {
    folder_uid: folder.uid,
    folder_id: folder.id,
    folder_url: folder.url,
    dashboard_uid: dashboard.uid,
    dashboard_url: dashboard.url,
    dashboard_id: dashboard.dashboardId,
    dashboard_version: dashboard.version,
    check_id: check.id,
    check_tenant: check.tenantId,
    probes_id: probes.id,
    probes_map: probes.probes,
  };
  for (const [name, value] of Object.entries(outputs)) new TerraformOutput(stack, name, { value });
  return { stack };
}

describe('Grafana binding', () => {
  const { stack } = fullStack();
  const json = Testing.synth(stack);
  const tf = JSON.parse(json);

  it('declares grafana/grafana ~> 4.0 in required_providers', () => {
    expect(tf.terraform.required_providers.grafana).toEqual({ source: 'grafana/grafana', version: '~> 4.0' });
  });

  it('uses only attribute names of the provider schema, with every required attribute, blocks as arrays', () => {
    expect(grafanaSchemaProblems(tf)).toEqual([]);
  });

  it('binds every attribute of the schema it claims (no silently dropped field)', () => {
    // Everything set above appears, snake_cased.
    expect(Object.keys(tf.resource.grafana_folder.folder).filter((k) => k !== '//').sort()).toEqual(['org_id', 'parent_folder_uid', 'prevent_destroy_if_not_empty', 'title', 'uid']);
    expect(Object.keys(tf.resource.grafana_dashboard.dashboard).filter((k) => k !== '//').sort()).toEqual(['config_json', 'folder', 'message', 'org_id', 'overwrite']);
    expect(Object.keys(tf.provider.grafana[0]).sort()).toEqual(['auth', 'org_id', 'retries', 'retry_wait', 'sm_access_token', 'sm_url', 'url']);
    expect(tf.provider.grafana[1]).toEqual({ alias: 'other' });
    const http = tf.resource.grafana_synthetic_monitoring_check.check.settings[0].http[0];
    expect(Object.keys(http).sort()).toEqual([
      'body',
      'cache_busting_query_param_name',
      'fail_if_body_matches_regexp',
      'fail_if_body_not_matches_regexp',
      'fail_if_not_ssl',
      'fail_if_ssl',
      'headers',
      'ip_version',
      'method',
      'no_follow_redirects',
      'valid_http_versions',
      'valid_status_codes',
    ]);
  });

  it('synthesizes nested blocks as arrays, even the single settings block', () => {
    const c = tf.resource.grafana_synthetic_monitoring_check.check;
    expect(Array.isArray(c.settings)).toBe(true);
    expect(c.settings).toHaveLength(1);
    expect(Array.isArray(c.settings[0].http)).toBe(true);
    expect(c.settings[0].http[0]).toMatchObject({ method: 'GET', valid_status_codes: [200, 204], ip_version: 'V4' });
    expect(c).toMatchObject({ job: 'health', frequency: 60000, timeout: 3000, enabled: true, labels: { environment: 'production', service: 'deltacrown-api' } });
  });

  it('resolves probe names through the probes data source map', () => {
    expect(tf.resource.grafana_synthetic_monitoring_check.check.probes).toEqual([
      '${data.grafana_synthetic_monitoring_probes.probes.probes["Frankfurt"]}',
      '${data.grafana_synthetic_monitoring_probes.probes.probes["London"]}',
    ]);
    expect(tf.data.grafana_synthetic_monitoring_probes.probes).toMatchObject({ filter_deprecated: true });
  });

  it('references computed attributes as Terraform expressions', () => {
    expect(tf.resource.grafana_dashboard.dashboard.folder).toBe('${grafana_folder.folder.uid}');
    const out = Object.fromEntries(Object.entries<{ value: unknown }>(tf.output).map(([k, v]) => [k, v.value]));
    expect(out).toEqual({
      folder_uid: '${grafana_folder.folder.uid}',
      folder_id: '${grafana_folder.folder.id}',
      folder_url: '${grafana_folder.folder.url}',
      dashboard_uid: '${grafana_dashboard.dashboard.uid}',
      dashboard_url: '${grafana_dashboard.dashboard.url}',
      dashboard_id: '${grafana_dashboard.dashboard.dashboard_id}',
      dashboard_version: '${grafana_dashboard.dashboard.version}',
      check_id: '${grafana_synthetic_monitoring_check.check.id}',
      check_tenant: '${grafana_synthetic_monitoring_check.check.tenant_id}',
      probes_id: '${data.grafana_synthetic_monitoring_probes.probes.id}',
      probes_map: '${data.grafana_synthetic_monitoring_probes.probes.probes}',
    });
    // Every computed attribute read above exists in the schema as computed.
    const computed = (block: { attributes?: Record<string, { computed?: boolean }> }, names: string[]) => names.every((n) => block.attributes?.[n]?.computed);
    expect(computed(GRAFANA_SCHEMA.resource_schemas.grafana_folder.block, ['uid', 'id', 'url'])).toBe(true);
    expect(computed(GRAFANA_SCHEMA.resource_schemas.grafana_dashboard.block, ['uid', 'url', 'dashboard_id', 'version'])).toBe(true);
    expect(computed(GRAFANA_SCHEMA.resource_schemas.grafana_synthetic_monitoring_check.block, ['id', 'tenant_id'])).toBe(true);
    expect(computed(GRAFANA_SCHEMA.data_source_schemas.grafana_synthetic_monitoring_probes.block, ['id', 'probes'])).toBe(true);
  });

  it('has static tfResourceType, so cdktf test matchers find the resources', () => {
    expect([GrafanaProvider, Folder, Dashboard, SyntheticMonitoringCheck, DataGrafanaSyntheticMonitoringProbes].map((c) => c.tfResourceType)).toEqual([
      'grafana',
      'grafana_folder',
      'grafana_dashboard',
      'grafana_synthetic_monitoring_check',
      'grafana_synthetic_monitoring_probes',
    ]);
    for (const c of [Folder, Dashboard, SyntheticMonitoringCheck]) expect(GRAFANA_SCHEMA.resource_schemas[c.tfResourceType]).toBeDefined();
    expect(GRAFANA_SCHEMA.data_source_schemas[DataGrafanaSyntheticMonitoringProbes.tfResourceType]).toBeDefined();
    expect(json).toHaveProvider(GrafanaProvider);
    expect(json).toHaveResourceWithProperties(Folder, { uid: 'deltacrown', title: 'DeltaCrown' });
    expect(json).toHaveResource(Dashboard);
    expect(json).toHaveResourceWithProperties(SyntheticMonitoringCheck, { job: 'health' });
    expect(json).toHaveDataSource(DataGrafanaSyntheticMonitoringProbes);
  });

  it('exports every class from the index', () => {
    expect(grafana.GrafanaProvider).toBe(GrafanaProvider);
    expect(grafana.Folder).toBe(Folder);
    expect(grafana.Dashboard).toBe(Dashboard);
    expect(grafana.SyntheticMonitoringCheck).toBe(SyntheticMonitoringCheck);
    expect(grafana.DataGrafanaSyntheticMonitoringProbes).toBe(DataGrafanaSyntheticMonitoringProbes);
  });

  it('renders as HCL too (cdktf synth --hcl)', () => {
    const hcl = Testing.synthHcl(stack);
    expect(hcl).toContain('resource "grafana_synthetic_monitoring_check" "check"');
    expect(hcl).toMatch(/settings \{\s*http \{\s*method = "GET"/);
    expect(hcl).toContain('body = "deltacrown synthetic check"');
    expect(hcl).toContain('provider "grafana"');
    expect(hcl).toContain('data "grafana_synthetic_monitoring_probes" "probes"');
    expect(hcl).not.toContain('[object Object]');
  });
});

describe('Grafana provider schema check (the test helper)', () => {
  const check = GRAFANA_SCHEMA.resource_schemas.grafana_synthetic_monitoring_check.block;

  it('reports unknown attributes, missing required ones and non-array blocks', () => {
    expect(blockProblems('c', { job: 'x', target: 'y', probes: [1], settings: [{ http: [{ methd: 'GET' }] }] }, check)).toEqual(['c.settings[0].http[0].methd: unknown attribute (not in the provider schema)']);
    expect(blockProblems('c', { job: 'x', probes: [1], settings: [{}] }, check)).toEqual(['c.target: required attribute missing']);
    expect(blockProblems('c', { job: 'x', target: 'y', probes: [1], settings: { http: [{}] } }, check)[0]).toMatch(/settings: nested block must synthesize as an array/);
    expect(blockProblems('c', { job: 'x', target: 'y', probes: [1] }, check)).toEqual(['c.settings: required block missing']);
    expect(blockProblems('c', { job: 'x', target: 'y', probes: ['a'], settings: [{}], tenant_id: 1 }, check)).toEqual([
      'c.probes[0]: expected a number, got "a"',
      'c.tenant_id: computed-only attribute set',
    ]);
  });
});

describe('validation at construction time', () => {
  const stack = () => new TerraformStack(Testing.app(), 's');
  const base = (over: Partial<SyntheticMonitoringCheckConfig> = {}): SyntheticMonitoringCheckConfig => ({
    job: 'j',
    target: 'https://x',
    probes: [1, 2, 3],
    settings: { http: {} },
    ...over,
  });

  it.each([
    [{ frequency: 500 }, /frequency must be an integer between 1000 ms and 3600000 ms/],
    [{ timeout: 200000 }, /timeout must be an integer between 1000 ms and 180000 ms/],
    [{ frequency: 5000, timeout: 10000 }, /timeout \(10000 ms\) must not exceed frequency/],
    [{ probes: [] }, /probes must name at least one probe/],
    [{ labels: { a: '1', b: '1', c: '1', d: '1', e: '1', f: '1' } }, /at most 5 labels, got 6/],
    [{ labels: { service: 'x'.repeat(33) } }, /label service must have a non-empty value of at most 32 bytes/],
    [{ labels: { 'bad-name': 'x' } }, /label name "bad-name" must be a Prometheus label name/],
    [{ labels: { service: '' } }, /non-empty value/],
    [{ settings: { http: { validStatusCodes: [99] } } }, /invalid status code 99/],
  ])('a synthetic check with %j fails: %s', (over, message) => {
    expect(() => new SyntheticMonitoringCheck(stack(), 'c', base(over as Partial<SyntheticMonitoringCheckConfig>))).toThrow(message);
  });

  it('accepts the limits themselves (5 labels of 32 bytes)', () => {
    const labels = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, 'v'.repeat(32)]));
    expect(() => new SyntheticMonitoringCheck(stack(), 'c', base({ labels, frequency: 1000, timeout: 1000 }))).not.toThrow();
  });

  it.each([
    ['not json', /configJson is not JSON/],
    ['[]', /must be a JSON object/],
    ['{"uid":"x"}', /needs a non-empty title/],
    [JSON.stringify({ title: 't', uid: 'u'.repeat(41) }), /uid must be at most 40 characters/],
    [JSON.stringify({ title: 't', uid: 'bad uid' }), /uid must be at most 40 characters/],
  ])('a dashboard with config %s fails', (configJson, message) => {
    expect(() => new Dashboard(stack(), 'd', { configJson })).toThrow(message);
  });

  it('checks folder uids and titles', () => {
    expect(() => new Folder(stack(), 'f', { title: 'T', uid: 'has space' })).toThrow(/uid must be at most 40 characters/);
    expect(() => new Folder(stack(), 'f', { title: ' ' })).toThrow(/non-empty title/);
  });

  it('leaves values Terraform resolves (tokens) to Terraform', () => {
    const s = stack();
    const v = new TerraformVariable(s, 'freq', { type: 'number' });
    expect(() => new SyntheticMonitoringCheck(s, 'c', base({ frequency: v.numberValue, timeout: 1000 }))).not.toThrow();
    expect(() => new Dashboard(s, 'd', { configJson: new TerraformVariable(s, 'json', { type: 'string' }).stringValue })).not.toThrow();
  });
});
