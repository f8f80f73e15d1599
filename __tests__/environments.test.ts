/**
 * Staging and production side by side: deployed into one Kubernetes cluster and one Grafana, neither touches the
 * other's objects (names and uids carry the environment's name_suffix), and every stack names its own target (kube
 * context, Grafana URL) instead of whatever the deploy environment points at. Read from the synthesized JSON.
 */
import { loadCatalog } from '../lib/catalog/load';
import { FIXTURE_ALERTS, catalogIssues, copyCatalog, edit, positionOf } from './helpers';
import { synthApp, TfJson } from './helpers-synth';
import * as fs from 'fs';
import * as path from 'path';

const catalog = loadCatalog(FIXTURE_ALERTS);
const stacks = synthApp(catalog);
const ENVS = catalog.catalog.environments.map((e) => e.name);
const stack = (env: string, concern: string): TfJson => stacks.get(`deltacrown-${env}-${concern}`)!;

/** The Kubernetes objects a stack manages, as the cluster identifies them: kind/namespace/name (context ignored). */
function kubernetesObjects(tf: TfJson): string[] {
  const manifests = Object.values<any>(tf.resource.kubernetes_manifest ?? {}).map((m) => `${m.manifest.kind}/${m.manifest.metadata.namespace}/${m.manifest.metadata.name}`);
  const secrets = Object.values<any>(tf.resource.kubernetes_secret_v1 ?? {}).map((s) => `Secret/${s.metadata.namespace}/${s.metadata.name}`);
  return [...manifests, ...secrets];
}

/** The Grafana objects a stack manages, as one Grafana identifies them: folder and dashboard uids, SM job+target. */
function grafanaObjects(tf: TfJson): string[] {
  const folders = Object.values<any>(tf.resource.grafana_folder ?? {}).map((f) => `folder/${f.uid}`);
  const dashboards = Object.values<any>(tf.resource.grafana_dashboard ?? {}).map((d) => `dashboard/${JSON.parse(d.config_json.replace(/\$\$\{/g, '${')).uid}`);
  const checks = Object.values<any>(tf.resource.grafana_synthetic_monitoring_check ?? {}).map((c) => `check/${c.job}/${c.target}`);
  return [...folders, ...dashboards, ...checks];
}

describe('both environments in one cluster and one Grafana', () => {
  it('manage disjoint Kubernetes objects', () => {
    const [a, b] = ENVS.map((e) => kubernetesObjects(stack(e, 'alerting')));
    expect(a.length).toBeGreaterThanOrEqual(2);
    expect(b.length).toBe(a.length);
    expect(a.filter((x) => b.includes(x))).toEqual([]);
  });

  it('manage disjoint Grafana objects', () => {
    const [a, b] = ENVS.map((e) => grafanaObjects(stack(e, 'grafana')));
    expect(a.length).toBeGreaterThanOrEqual(5);
    expect(a.filter((x) => b.includes(x))).toEqual([]);
  });

  it('keep production’s names, the ones the runbook links', () => {
    expect(kubernetesObjects(stack('production', 'alerting')).sort()).toEqual(['PrometheusRule/monitoring/deltacrown-alerts', 'Secret/monitoring/alertmanager-deltacrown']);
    expect(grafanaObjects(stack('production', 'grafana'))).toEqual(expect.arrayContaining(['folder/deltacrown', 'dashboard/slo_burn_alerts_deltacrown']));
    const runbook = fs.readFileSync(path.join(FIXTURE_ALERTS, '..', 'docs', 'runbook.md'), 'utf8');
    for (const uid of runbook.match(/\/d\/([A-Za-z0-9_-]+)/g) ?? []) expect(grafanaObjects(stack('production', 'grafana'))).toContain(`dashboard/${uid.slice(3)}`);
  });
});

describe('provider targets', () => {
  it('every alerting stack names its own kube context; no two environments share one', () => {
    const contexts = ENVS.map((e) => stack(e, 'alerting').provider.kubernetes[0].config_context);
    expect(contexts).toEqual(catalog.catalog.environments.map((e) => e.kubernetes.context));
    for (const c of contexts) expect(c).toMatch(/\S/);
    expect(new Set(contexts).size).toBe(contexts.length);
  });

  it('every grafana stack names its own Grafana URL (a literal from the catalog, no variable, no environment fallback)', () => {
    for (const e of ENVS) {
      const p = stack(e, 'grafana').provider.grafana[0];
      expect(p.url).toBe(catalog.dashboards!.grafana.urls[e]);
      expect(p.url).toMatch(/^https:\/\//);
    }
  });

  it('every guardrails stack names its region; PagerDuty objects carry the environment in their names', () => {
    for (const e of ENVS) expect(stack(e, 'guardrails').provider.aws[0].region).toBe(catalog.guardrails!.environments[e].region);
    const names = ENVS.map((e) => Object.values<any>(stack(e, 'pagerduty').resource.pagerduty_service).map((s) => s.name));
    expect(names[0].filter((n) => names[1].includes(n))).toEqual([]);
  });
});

describe('catalog.yml validation', () => {
  it('rejects two environments with one name_suffix, at its line', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'catalog.yml', 'name_suffix: -stg', 'name_suffix: ""');
    const issues = catalogIssues(dir);
    const i = issues.find((x) => x.field === 'environments[1].name_suffix')!;
    expect(i.message).toMatch(/name_suffix '' is also another environment's: their Kubernetes objects and Grafana uids would collide/);
    const at = positionOf(text, '""', 0, 2); // the second empty suffix: staging's
    expect({ line: i.line, column: i.column }).toEqual(at);
    expect(i.file.endsWith('catalog.yml')).toBe(true);
  });

  it('rejects an environment without a kube context, at its line', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', '      context: deltacrown-staging\n', '');
    const issues = catalogIssues(dir);
    expect(issues.map((x) => x.field)).toContain('environments[1].kubernetes.context');
    const i = issues.find((x) => x.field === 'environments[1].kubernetes.context')!;
    expect(i.line).toBeGreaterThan(1);
  });

  it('rejects a suffix that is not a name part', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', 'name_suffix: -stg', 'name_suffix: " (staging)"');
    expect(catalogIssues(dir).find((x) => x.field === 'environments[1].name_suffix')!.message).toMatch(/empty or '-' and lower-case letters and digits/);
  });
});
