/**
 * The Grafana dashboards (lib/render/dashboards.ts) and their catalog (alerts/dashboards.yml): JSON that imports
 * through Terraform and the API, thresholds that come from the catalog, and the dashboard_url of every alert.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import type { Catalog } from '../lib/catalog/model';
import { formatIssue } from '../lib/catalog/errors';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { renderDashboards, RenderedDashboard } from '../lib/render/dashboards';
import { renderRuleGroups } from '../lib/render/prometheus-rules';
import { renderExport } from '../lib/export';
import { resolveChecks } from '../lib/plan/synthetics';
import { parsePromql } from '../lib/promql';
import { parse, stringify } from 'yaml';
import { spawnSync } from 'child_process';
import { FIXTURE_ALERTS, LIVE_ALERTS, copyCatalog, edit, positionOf, catalogIssues, requireBinary, tempDir, withoutScenarios } from './helpers';
import { resolve } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);
const ENVS = catalog.catalog.environments.map((e) => e.name);

type Json = Record<string, any>;

/** Every panel of a model, row children included (Grafana keeps collapsed rows' panels inside the row). */
function panelsOf(model: Json): Json[] {
  return (model.panels as Json[]).flatMap((p) => [p, ...((p.panels as Json[]) ?? [])]);
}

/** Every PromQL expression of a model: panel targets, variable queries, annotation queries. */
function exprsOf(model: Json): string[] {
  const out: string[] = [];
  for (const p of panelsOf(model)) for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
  for (const a of model.annotations.list) if (a.expr) out.push(a.expr);
  return out;
}

/** A dashboard query made parseable: template variables replaced by what Grafana substitutes. */
function substitute(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$\{?service\}?/g, 'deltacrown-api');
}

const loadError = (dir: string): string[] => catalogIssues(dir).map(formatIssue);

describe('the dashboards catalog', () => {
  it('holds the runbook’s dashboards under their runbook uids, and one for the synthetic checks', () => {
    expect(catalog.dashboards!.dashboards.map((d) => [d.kind, d.uid])).toEqual([
      ['slo-burn-rate', 'slo_burn_alerts_deltacrown'],
      ['moderation-enforcement', 'moderation_enforcement_deltacrown'],
      ['infrastructure', 'infra_overview'],
      ['synthetics', 'synthetics_deltacrown'],
    ]);
  });

  it('links the runbook’s dashboard URLs for production', () => {
    const runbook = fs.readFileSync(path.join(FIXTURE_ALERTS, '..', 'docs', 'runbook.md'), 'utf8');
    for (const uid of ['slo_burn_alerts_deltacrown', 'moderation_enforcement_deltacrown', 'infra_overview']) {
      const url = `${catalog.dashboards!.grafana.urls.production}/d/${uid}`;
      expect(url).toMatch(/^https:\/\/grafana\.deltacrown\.internal\/d\//);
      if (runbook.includes('/d/')) expect(runbook).toContain(uid);
    }
  });
});

describe.each(ENVS)('dashboards of %s', (env) => {
  const rendered = renderDashboards(resolve(catalog, env));
  // What Grafana receives: the JSON text, parsed back.
  const models: [RenderedDashboard, Json][] = rendered.map((d) => [d, JSON.parse(JSON.stringify(d.model))]);

  it('are the four dashboards of dashboards.yml', () => {
    expect(rendered.map((d) => d.kind)).toEqual(['slo-burn-rate', 'moderation-enforcement', 'infrastructure', 'synthetics']);
  });

  it.each(models.map(([d, m]) => [d.uid, m]))('%s imports cleanly: stable uid, title, datasource variable, no import placeholders', (uid, m) => {
    expect(m.uid).toBe(uid);
    expect(m.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(m.title).toBeTruthy();
    expect(m.id ?? null).toBeNull();
    const text = JSON.stringify(m);
    expect(text).not.toMatch(/\$\{DS_|__inputs|__requires/);
    const ds = m.templating.list.filter((v: Json) => v.type === 'datasource');
    expect(ds).toEqual([expect.objectContaining({ name: 'datasource', query: 'prometheus' })]);
  });

  it.each(models.map(([d, m]) => [d.uid, m]))('%s: every panel has a unique non-zero id and a place on the grid', (_uid, m) => {
    const panels = panelsOf(m);
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Expanded rows hold no panels (Grafana strips panels inside an expanded row).
    for (const p of m.panels.filter((x: Json) => x.type === 'row')) expect(p).toMatchObject({ collapsed: false, panels: [] });
    // No two panels overlap; none leaves the 24-column grid.
    const cells = new Set<string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it.each(models.map(([d, m]) => [d.uid, m]))('%s: every panel and query reads the ${datasource} variable', (_uid, m) => {
    for (const p of panelsOf(m).filter((x) => x.type !== 'row')) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it.each(models.map(([d, m]) => [d.uid, m]))('%s: every query is valid PromQL over the metric contract and the recording rules', (_uid, m) => {
    const recorded = new Set(resolveEnvironment(catalog, env).groups.flatMap((g) => g.recordings.map((r) => r.record)));
    const contract = catalog.metrics.metrics;
    for (const expr of exprsOf(m)) {
      const parsed = parsePromql(substitute(expr));
      expect({ expr, error: parsed.error }).toEqual({ expr, error: undefined });
      for (const sel of parsed.selectors) {
        const base = sel.metric?.replace(/_(bucket|sum|count)$/, '');
        const known = sel.metric === 'ALERTS' || recorded.has(sel.metric!) || contract[sel.metric!] !== undefined || contract[base!] !== undefined;
        expect({ expr, metric: sel.metric, known }).toEqual({ expr, metric: sel.metric, known: true });
      }
    }
  });

  it.each(models.map(([d, m]) => [d.uid, m]))('%s: links to the runbook, to the other dashboards, and marks deploys', (uid, m) => {
    // The environment's uid is the catalog uid with its name_suffix.
    const spec = catalog.dashboards!.dashboards.find((d) => uid === d.uid || uid.startsWith(`${d.uid}-`))!;
    const base = catalog.catalog.project.runbook_base_url;
    expect(m.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'link', url: `${base}#${spec.runbook}`, targetBlank: true }),
        expect.objectContaining({ type: 'dashboards', tags: ['deltacrown'], asDropdown: true }),
      ]),
    );
    for (const l of m.links) expect(l.placement).toBeUndefined();
    for (const p of panelsOf(m)) for (const l of p.links ?? []) expect(l.url.startsWith(`${base}#`)).toBe(true);
    const deploy = catalog.dashboards!.deploy_annotations;
    expect(m.annotations.list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ builtIn: 1 }),
        expect.objectContaining({ name: 'Rollouts', enable: true, expr: deploy.expr, datasource: { type: 'prometheus', uid: '${datasource}' } }),
        expect.objectContaining({ name: 'Deploys', enable: true, target: expect.objectContaining({ type: 'tags', tags: [deploy.tag] }) }),
      ]),
    );
    expect(m.tags).toContain('deltacrown');
  });

  it.each(models.map(([d, m]) => [d.uid, m]))('%s: every line it draws is a value of the catalog', (_uid, m) => {
    const allowed = new Set<number>([0, 1]); // "budget exhausted" and "any firing alert / failing probe"
    for (const a of allAlerts(resolveEnvironment(catalog, env))) if (a.threshold !== undefined) allowed.add(a.threshold);
    for (const slo of catalog.slos.slos) {
      allowed.add(Number((slo.objective / 100).toPrecision(12)));
      allowed.add(Number(((100 - slo.objective) / 100).toPrecision(12)));
      for (const b of Object.values(slo.alerts)) allowed.add(b.burn_rate);
    }
    allowed.add(catalog.dashboards!.limits.database_pool_size);
    for (const chk of resolveChecks(catalog, env)) allowed.add(chk.timeoutSeconds);
    for (const p of panelsOf(m)) {
      for (const step of p.fieldConfig?.defaults?.thresholds?.steps ?? []) {
        if (step.value !== null) expect({ panel: p.title, value: step.value, fromCatalog: allowed.has(step.value) }).toEqual({ panel: p.title, value: step.value, fromCatalog: true });
      }
    }
  });

  it('opens with the firing alerts of the dashboard’s families', () => {
    for (const [, m] of models) {
      const [row, count, list] = m.panels;
      expect(row).toMatchObject({ type: 'row', title: 'Firing alerts' });
      expect(count.targets[0].expr).toMatch(/^count\(ALERTS\{alertstate="firing", family=~"[a-z0-9|-]+", severity!~"none\|info"\}\) or vector\(0\)$/);
      expect(list).toMatchObject({ type: 'table' });
    }
    const infra = models.find(([d]) => d.kind === 'infrastructure')![1];
    // The default dashboard also covers the families no other dashboard lists (the alerting pipeline).
    expect(infra.panels[1].targets[0].expr).toContain('alerting-pipeline');
  });

  it('counts 0 firing alerts while only the Watchdog fires, 1 with a page (promtool)', () => {
    const infra = models.find(([d]) => d.kind === 'infrastructure')![1];
    const expr = infra.panels[1].targets[0].expr as string;
    const dir = tempDir('deltacrown-firing-');
    const watchdog = { series: 'ALERTS{alertname="Watchdog", alertstate="firing", family="alerting-pipeline", severity="none"}', values: '1x10' };
    const page = { series: 'ALERTS{alertname="DeltaCrownAlertmanagerNotificationFailures", alertstate="firing", family="alerting-pipeline", severity="high"}', values: '_x5 1x5' };
    const test = {
      rule_files: [],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [watchdog, page],
          promql_expr_test: [
            { expr, eval_time: '2m', exp_samples: [{ labels: '{}', value: 0 }] },
            { expr, eval_time: '7m', exp_samples: [{ labels: '{}', value: 1 }] },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'firing.test.yml'), stringify(test));
    const r = spawnSync(requireBinary('promtool', 'prometheus'), ['test', 'rules', path.join(dir, 'firing.test.yml')], { encoding: 'utf8' });
    expect({ status: r.status, output: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ status: 0, output: '' });
  });
});

/** A panel's threshold steps, by dashboard kind and panel title. */
function steps(c: Catalog, env: string, kind: string, title: string | RegExp): Json[] {
  const d = renderDashboards(resolve(c, env)).find((x) => x.kind === kind)!;
  const p = panelsOf(JSON.parse(JSON.stringify(d.model))).find((x) => (typeof title === 'string' ? x.title === title : title.test(x.title)));
  if (!p) throw new Error(`no panel ${String(title)} in ${kind}`);
  return p.fieldConfig.defaults.thresholds.steps;
}

describe('the live catalog’s dashboards draw the resolved thresholds (any valid catalog)', () => {
  const live = loadCatalog(LIVE_ALERTS);
  it.each(live.catalog.environments.map((e) => e.name))('%s: every panel that names a threshold alert draws its resolved threshold, and nothing else', (env) => {
    const alerts = allAlerts(resolveEnvironment(live, env)).filter((a) => a.kind === 'threshold' && a.threshold !== undefined);
    const panels = renderDashboards(resolve(live, env)).flatMap((d) => panelsOf(JSON.parse(JSON.stringify(d.model))));
    let checked = 0;
    for (const p of panels) {
      const named = alerts.filter((a) => (p.description ?? '').includes(`${a.name} (${a.severity}) fires`));
      if (named.length === 0) continue;
      const drawn = (p.fieldConfig.defaults.thresholds.steps as Json[]).map((x) => x.value).filter((v) => v !== null);
      for (const a of named) {
        expect({ panel: p.title, alert: a.name, drawn: drawn.includes(a.threshold) }).toEqual({ panel: p.title, alert: a.name, drawn: true });
        expect(p.description).toContain(`fires ${a.comparison} ${a.thresholdText} for ${a.for}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('the live catalog’s dashboards query only what exists (any valid catalog)', () => {
  const live = loadCatalog(LIVE_ALERTS);
  it.each(live.catalog.environments.map((e) => e.name))('%s: every query is valid PromQL over the metric contract and the recording rules', (env) => {
    const recorded = new Set(resolveEnvironment(live, env).groups.flatMap((g) => g.recordings.map((r) => r.record)));
    const contract = live.metrics.metrics;
    let n = 0;
    for (const d of renderDashboards(resolve(live, env))) {
      for (const expr of exprsOf(JSON.parse(JSON.stringify(d.model)))) {
        const parsed = parsePromql(substitute(expr));
        expect({ expr, error: parsed.error }).toEqual({ expr, error: undefined });
        for (const sel of parsed.selectors) {
          const base = sel.metric?.replace(/_(bucket|sum|count)$/, '');
          const known = sel.metric === 'ALERTS' || recorded.has(sel.metric!) || contract[sel.metric!] !== undefined || contract[base!] !== undefined;
          expect({ env, expr, metric: sel.metric, known }).toEqual({ env, expr, metric: sel.metric, known: true });
        }
        n++;
      }
    }
    expect(n).toBeGreaterThan(10);
  });
});

describe('thresholds drawn on the panels', () => {
  it('SLO burn rate: the fast and slow burn thresholds of slos.yml, as lines', () => {
    const slo = catalog.slos.slos[0];
    expect(steps(catalog, 'production', 'slo-burn-rate', /^Fast burn/)).toEqual([{ value: null, color: 'green' }, { value: slo.alerts.fast_burn.burn_rate, color: 'red' }]);
    expect(steps(catalog, 'production', 'slo-burn-rate', /^Slow burn/)).toEqual([{ value: null, color: 'green' }, { value: slo.alerts.slow_burn.burn_rate, color: 'orange' }]);
    const d = renderDashboards(resolve(catalog, 'production')).find((x) => x.kind === 'slo-burn-rate')!;
    const fast = panelsOf(d.model as Json).find((p) => /^Fast burn/.test(p.title))!;
    expect(fast.fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: 'line' });
    expect(fast.targets.map((t: Json) => t.expr)).toEqual(['slo:sli_error:ratio_rate1h{slo="api-availability"} / 0.001', 'slo:sli_error:ratio_rate5m{slo="api-availability"} / 0.001']);
  });

  it('moderation: the 200 ms gate latency line and the 70 % cache hit rate line', () => {
    expect(steps(catalog, 'production', 'moderation-enforcement', 'Moderation gate latency p50 / p95')).toEqual([{ value: null, color: 'green' }, { value: 0.2, color: 'orange' }]);
    expect(steps(catalog, 'production', 'moderation-enforcement', 'Cache hit rate')).toEqual([{ value: null, color: 'yellow' }, { value: 0.7, color: 'green' }]);
  });

  it('infrastructure: DB connections against 80 (alert) and 100 (pool), 5xx ratio per severity', () => {
    expect(steps(catalog, 'production', 'infrastructure', /^Active connections/)).toEqual([
      { value: null, color: 'green' },
      { value: 80, color: 'orange' },
      { value: 100, color: 'red' },
    ]);
    expect(steps(catalog, 'production', 'infrastructure', '5xx ratio per service')).toEqual([
      { value: null, color: 'green' },
      { value: 0.01, color: 'yellow' },
      { value: 0.02, color: 'orange' },
      { value: 0.05, color: 'red' },
    ]);
    expect(steps(catalog, 'production', 'infrastructure', 'Redis evictions per minute')).toEqual([{ value: null, color: 'green' }, { value: 1000, color: 'yellow' }]);
  });

  it('follows the environment: no traffic-drop line where the alert is disabled (staging)', () => {
    expect(steps(catalog, 'production', 'infrastructure', 'Traffic vs one week ago')).toEqual([{ value: null, color: 'red' }, { value: 0.5, color: 'green' }]);
    expect(steps(catalog, 'staging', 'infrastructure', 'Traffic vs one week ago')).toEqual([{ value: null, color: 'green' }]);
  });

  it('leaves out the panel of a family the catalog no longer has', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/redis.yml', /  - family: redis-memory[\s\S]*$/, '');
    withoutScenarios(dir);
    const infra = renderDashboards(resolve(loadCatalog(dir), 'production')).find((d) => d.kind === 'infrastructure')!;
    const titles = panelsOf(infra.model as Json).map((p) => p.title);
    expect(titles).not.toContain('Redis memory used of maxmemory');
    expect(titles).toContain('Redis evictions per minute');
  });

  it('follows the catalog: a threshold changed in the YAML moves the line', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/moderation.yml', /threshold: 0\.7\b/, 'threshold: 0.75');
    edit(dir, 'rules/database.yml', /threshold: 80\b/, 'threshold: 85');
    edit(dir, 'dashboards.yml', /database_pool_size: 100\b/, 'database_pool_size: 120');
    const c = loadCatalog(dir);
    expect(steps(c, 'production', 'moderation-enforcement', 'Cache hit rate')).toEqual([{ value: null, color: 'yellow' }, { value: 0.75, color: 'green' }]);
    expect(steps(c, 'production', 'infrastructure', /^Active connections/)).toEqual([
      { value: null, color: 'green' },
      { value: 85, color: 'orange' },
      { value: 120, color: 'red' },
    ]);
  });
});

describe('dashboard_url on every alert', () => {
  it.each(ENVS)('%s: every alert opens its family’s dashboard at the environment’s Grafana', (env) => {
    const grafana = catalog.dashboards!.grafana.urls[env];
    const sfx = catalog.catalog.environments.find((e) => e.name === env)!.name_suffix;
    const expected: Record<string, string> = {
      'slo-burn-rate': 'slo_burn_alerts_deltacrown',
      'moderation-cache-hit-rate': 'moderation_enforcement_deltacrown',
      'moderation-gate-latency': 'moderation_enforcement_deltacrown',
      'redis-down': 'moderation_enforcement_deltacrown',
      'synthetic-checks': 'synthetics_deltacrown',
      'database-connections': 'infra_overview',
      'alerting-pipeline': 'infra_overview',
    };
    const alerts = allAlerts(resolveEnvironment(catalog, env));
    expect(alerts.length).toBeGreaterThan(10);
    for (const a of alerts) {
      // A dashboard with a service variable opens with the alert's service selected.
      expect(a.annotations.dashboard_url).toMatch(new RegExp(`^${grafana.replace(/[.]/g, '\\.')}/d/[a-zA-Z0-9_-]+(\\?var-service=\\{\\{ \\$labels\\.service \\}\\})?$`));
      const selects = /moderation_enforcement|infra_overview/.test(expected[a.family] ?? '') ? '?var-service={{ $labels.service }}' : '';
      if (expected[a.family]) expect({ alert: a.name, url: a.annotations.dashboard_url }).toEqual({ alert: a.name, url: `${grafana}/d/${expected[a.family]}${sfx}${selects}` });
    }
  });

  it('reaches the Prometheus rules (PrometheusRule and the exported rules.yml)', () => {
    const rules = renderRuleGroups(resolveEnvironment(catalog, 'production'));
    const fast = rules.groups.flatMap((g) => g.rules).find((r) => 'alert' in r && r.alert === 'DeltaCrownApiErrorBudgetFastBurn')!;
    expect((fast as { annotations: Record<string, string> }).annotations.dashboard_url).toBe('https://grafana.deltacrown.internal/d/slo_burn_alerts_deltacrown');
    const exported = parse(renderExport(catalog, { environments: ['staging'] }).get('staging/prometheus/rules.yml')!);
    const synthetic = exported.groups.flatMap((g: Json) => g.rules).find((r: Json) => r.alert === 'DeltaCrownSyntheticCheckCritical');
    expect(synthetic.annotations.dashboard_url).toBe('https://grafana.staging.deltacrown.internal/d/synthetics_deltacrown-stg');
  });

  it('is absent from a catalog without dashboards.yml', () => {
    const dir = copyCatalog();
    fs.rmSync(path.join(dir, 'dashboards.yml'));
    const c = loadCatalog(dir);
    expect(allAlerts(resolveEnvironment(c, 'production')).every((a) => a.annotations.dashboard_url === undefined)).toBe(true);
    expect(renderDashboards(resolve(c, 'production'))).toEqual([]);
  });
});

describe('dashboards.yml validation', () => {
  const cases: [string, (dir: string) => string, string, string][] = [
    [
      'an unknown family',
      (dir) => edit(dir, 'dashboards.yml', 'families: [synthetic-checks]', 'families: [synthetic-check]'),
      'synthetic-check]',
      "dashboards[3].families[0]: unknown alert family 'synthetic-check'",
    ],
    [
      'a family on two dashboards',
      (dir) => edit(dir, 'dashboards.yml', 'families: [synthetic-checks]', 'families: [synthetic-checks, redis-down]'),
      'synthetic-checks, redis-down]',
      "dashboards[3].families[1]: family 'redis-down' already links to dashboards[1]",
    ],
    [
      'an environment without a Grafana URL',
      (dir) => edit(dir, 'dashboards.yml', /\n    staging: https:\/\/grafana\.staging\.deltacrown\.internal/, ''),
      'production: https://grafana',
      "grafana.urls: missing Grafana URL for environment 'staging'",
    ],
    [
      'a uid too long for Grafana with the staging suffix',
      (dir) => edit(dir, 'dashboards.yml', 'uid: synthetics_deltacrown', 'uid: synthetics_deltacrown_and_more_words_x'),
      'synthetics_deltacrown_and_more_words_x',
      "dashboards[3].uid: 'synthetics_deltacrown_and_more_words_x-stg' (environment staging) is longer than Grafana's 40 characters",
    ],
    [
      'a duplicate uid',
      (dir) => edit(dir, 'dashboards.yml', 'uid: synthetics_deltacrown', 'uid: infra_overview'),
      'infra_overview\n    title: DeltaCrown / Synthetic',
      "dashboards[3].uid: duplicate dashboard uid 'infra_overview'",
    ],
    [
      'a uid longer than 40 characters',
      (dir) => edit(dir, 'dashboards.yml', 'uid: synthetics_deltacrown', `uid: ${'s'.repeat(41)}`),
      's'.repeat(41),
      'dashboards[3].uid: expected a dashboard uid: at most 40 characters',
    ],
    [
      'a deploy marker outside the metric contract',
      (dir) => edit(dir, 'dashboards.yml', 'changes(kube_deployment_metadata_generation{', 'changes(kube_deployment_generation{'),
      'kube_deployment_generation{',
      "deploy_annotations.expr: unknown metric 'kube_deployment_generation'",
    ],
    [
      'no default dashboard and an orphan family',
      (dir) => edit(dir, 'dashboards.yml', '    default: true\n', ''),
      '- kind: slo-burn-rate',
      'dashboards: families without a dashboard: database-connections, database-long-running-query, http-5xx-ratio',
    ],
  ];

  it.each(cases)('reports %s at its line', (_what, mutate, at, message) => {
    const dir = copyCatalog();
    const text = mutate(dir);
    const errors = loadError(dir);
    const pos = positionOf(text, at);
    const line = errors.find((e) => e.includes(message as string));
    expect({ errors, found: line !== undefined }).toEqual({ errors, found: true });
    expect(line).toContain(`dashboards.yml:${pos.line}:`);
  });
});
