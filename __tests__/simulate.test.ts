/**
 * `npm run simulate`: the scenario library through the exported rules (the real promtool) and the exported
 * Alertmanager routing. On the live catalog, a property: every scenario's expectations hold — the library is the
 * catalog's own claim about what pages, and a change that breaks it turns this red. On the fixture catalog, the
 * values a user reads (detection times, who is paged), a rule broken on purpose, the shapes as promtool reads them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { loadCatalog } from '../lib/catalog/load';
import type { Catalog } from '../lib/catalog/model';
import { simulate, Simulation, libraryScenarios } from '../lib/simulate/simulate';
import { scenarioEnvironments } from '../lib/catalog/crosscheck-scenarios';
import { renderTable } from '../lib/simulate/report';
import { compress, crashLoopWaits, expandPromtool, scenarioSeries, timeline } from '../lib/simulate/series';
import { parseSamples } from '../lib/simulate/promtool';
import { formatDuration } from '../lib/duration';
import { FIXTURE_ALERTS, LIVE_ALERTS, copyCatalog, edit, requireBinary, runCommand, tempDir } from './helpers';

beforeAll(() => requireBinary('promtool', 'prometheus'));

const scenario = (c: Catalog, name: string) => libraryScenarios(c).find((x) => x.scenario.name === name)!.scenario;

describe('the live scenario library', () => {
  const catalog = loadCatalog(LIVE_ALERTS);
  let sim: Simulation;
  beforeAll(async () => {
    sim = await simulate(catalog);
  }, 600000);

  it('holds every expectation of every scenario, in every environment it runs in', () => {
    const failed = sim.outcomes.filter((o) => !o.ok);
    expect({ failed: failed.map((o) => `${o.scenario} (${o.environment})`), table: failed.length ? renderTable(failed) : '' }).toEqual({ failed: [], table: '' });
  });

  it('ran each scenario once per environment it names (or that pages)', () => {
    const expected = libraryScenarios(catalog).flatMap(({ scenario: s }) => scenarioEnvironments(catalog, s).map((e) => `${s.name} ${e}`));
    expect(sim.outcomes.map((o) => `${o.scenario} ${o.environment}`).sort()).toEqual(expected.sort());
  });

  it('tells someone of every incident: a page or a Slack message', () => {
    const unheard = sim.outcomes.filter((o) => o.kind === 'incident' && !o.topPage && !o.firstNotice);
    expect(unheard.map((o) => `${o.scenario} (${o.environment})`)).toEqual([]);
  });

  it('keeps the healthy history quiet before every onset', () => {
    expect(sim.outcomes.filter((o) => o.historyNoise.length).map((o) => o.scenario)).toEqual([]);
  });
});

describe('on the fixture catalog', () => {
  const catalog = loadCatalog(FIXTURE_ALERTS);
  let sim: Simulation;
  const row = (name: string, env = 'production') => sim.outcomes.find((o) => o.scenario === name && o.environment === env)!;
  beforeAll(async () => {
    sim = await simulate(catalog, { scenarios: ['worker-5xx-6-percent', 'health-check-fails', 'pagerduty-rejects-notifications', 'worker-crash-loop', 'api-no-available-replica'] });
  }, 300000);

  it('worker 5xx at 6 %: the warning at 2m30s, high paged at 4m, critical paged at 6m10s (2 minutes of `for`, 10 s of group_wait)', () => {
    const o = row('worker-5xx-6-percent');
    expect(o.firstAlert).toMatchObject({ alertname: 'DeltaCrownHttp5xxRatioWarning', severity: 'warning', at: 150 });
    expect(o.notifications.map((n) => [n.alerts[0].alertname, n.at, n.receiver])).toEqual([
      ['DeltaCrownHttp5xxRatioHigh', 240, 'pagerduty-deltacrown-worker-high'],
      ['DeltaCrownHttp5xxRatioCritical', 370, 'pagerduty-deltacrown-worker-critical'],
    ]);
    expect(o.topPage).toMatchObject({ severity: 'critical', at: 370, notified: { kind: 'pagerduty', service: 'deltacrown-worker', policy: 'DeltaCrown critical', firstLevel: 'primary on-call' } });
    // The warning is muted by the high alert of the same family before its group_wait of 1m has passed.
    expect(o.notifications.some((n) => n.notified.kind === 'slack')).toBe(false);
    expect(o.budget).toMatchObject({ key: 'critical', seconds: 300, verdict: 'over, with exception' });
    expect(renderTable([o])).toContain(
      '| ✅ | worker-5xx-6-percent | production | DeltaCrownHttp5xxRatioWarning | warning | 2m30s | critical page at 6m10s: PagerDuty deltacrown-worker · DeltaCrown critical → primary on-call | ✓ pages critical for deltacrown-worker within 10m | critical at 6m: over 5m (detection_exception) |',
    );
  });

  it('a failing synthetic check pages in production and goes to Slack in staging', () => {
    expect(row('health-check-fails').topPage).toMatchObject({ severity: 'critical', at: 70, alertname: 'DeltaCrownSyntheticCheckCritical' });
    const staging = row('health-check-fails', 'staging');
    expect(staging.topPage).toBeUndefined();
    expect(staging.firstNotice).toMatchObject({ at: 70, notified: { kind: 'slack', channel: '#infra-alerts' } });
    expect(staging.expectations.map((e) => e.text)).toEqual(['does not page in staging', 'notifies Slack of critical within 4m in staging']);
  });

  it('PagerDuty failing to deliver is told by Slack, never by PagerDuty', () => {
    expect(row('pagerduty-rejects-notifications').firstNotice).toMatchObject({ notified: { kind: 'slack' }, alerts: [{ alertname: 'DeltaCrownAlertmanagerNotificationFailures', severity: 'high' }] });
  });

  it('a crash-loop keeps paging high as long as the kubelet backs off', () => {
    const o = row('worker-crash-loop');
    expect(o.topPage).toMatchObject({ severity: 'high', alertname: 'DeltaCrownPodCrashLooping' });
    expect(o.expectations.find((e) => e.text.includes('still firing'))).toMatchObject({ text: 'high for deltacrown-worker still firing at +39m', ok: true });
  });

  it('no available replica: the critical page mutes nothing of other families, and what cannot be judged is said', () => {
    const o = row('api-no-available-replica');
    expect(o.topPage).toMatchObject({ severity: 'critical' });
    expect(o.ok).toBe(true);
  });
});

describe('npm run simulate (command line)', () => {
  it('a threshold raised past its scenario turns the run red, with a row that says what was expected and what came', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.07');
    const r = runCommand('bin/simulate', ['--catalog', dir, '--scenario', 'worker-5xx-6-percent,worker-5xx-0.8-percent']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      '| ❌ | worker-5xx-6-percent | production | DeltaCrownHttp5xxRatioWarning | warning | 2m30s | high page at 4m: PagerDuty deltacrown-worker · DeltaCrown high → primary on-call | ✗ **pages critical for deltacrown-worker within 10m**: got pages: high DeltaCrownHttp5xxRatioHigh at 4m (pagerduty) |',
    );
    expect(r.stdout).toMatch(/\| ✅ \| worker-5xx-0\.8-percent \| production \|/);
    expect(r.stdout).toContain('❌ 1 failed (worker-5xx-6-percent in production)');
    expect(r.stderr).toContain('simulate: 1 scenario run failed an expectation: worker-5xx-6-percent (production)');
  }, 120000);

  it('--json for machines, --env to pick an environment, an unknown scenario named', () => {
    const r = runCommand('bin/simulate', ['--catalog', FIXTURE_ALERTS, '--scenario', 'health-check-fails', '--env', 'staging', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.outcomes.map((o: { scenario: string; environment: string }) => `${o.scenario} ${o.environment}`)).toEqual(['health-check-fails staging']);
    const bad = runCommand('bin/simulate', ['--catalog', FIXTURE_ALERTS, '--scenario', 'health-check-fail']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: unknown scenario 'health-check-fail'; expected one of /);
  }, 120000);
});

describe('the series, as promtool reads them', () => {
  const catalog = loadCatalog(FIXTURE_ALERTS);

  /** Values of PromQL expressions over a scenario's series at instants after the onset, from the real promtool. */
  function promtoolValues(name: string, exprs: string[], after: string): number[] {
    const s = scenario(catalog, name);
    const t = timeline(catalog, s);
    const evalAt = formatDuration(t.onset + Number(after));
    const dir = tempDir('deltacrown-series-');
    fs.writeFileSync(path.join(dir, 'empty.yml'), 'groups: []\n');
    const file = path.join(dir, 'series.test.yml');
    fs.writeFileSync(
      file,
      JSON.stringify({
        rule_files: ['empty.yml'],
        evaluation_interval: '1m',
        tests: [{ interval: formatDuration(t.scrape), input_series: scenarioSeries(catalog, 'production', s), promql_expr_test: exprs.map((expr) => ({ expr, eval_time: evalAt, exp_samples: [] })) }],
      }),
    );
    const out = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
    const got = [...(out.stdout + out.stderr).matchAll(/got: (.*)/g)].map((m) => m[1]);
    return got.map((g) => Number(/\} (\S+)$/.exec(g)![1]));
  }

  it('a p95 step: histogram_quantile(0.95, …) over 5 minutes reads the wanted latency, exactly', () => {
    const [p95, before] = promtoolValues(
      'api-latency-p95-450ms',
      ['histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="deltacrown-api"}[5m])))', 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="deltacrown-api"}[5m] offset 10m)))'],
      '600',
    );
    expect(p95).toBeCloseTo(0.45, 9);
    expect(before).toBeCloseTo(0.12, 9);
  });

  it('a ratio step: the 5xx share of the worker is 6 %, its traffic unchanged', () => {
    const [ratio, total] = promtoolValues(
      'worker-5xx-6-percent',
      ['sum(rate(http_requests_total{service="deltacrown-worker", code=~"5.."}[5m])) / sum(rate(http_requests_total{service="deltacrown-worker"}[5m]))', 'sum(rate(http_requests_total{service="deltacrown-worker"}[5m]))'],
      '600',
    );
    expect(ratio).toBeCloseTo(0.06, 9);
    expect(total).toBeCloseTo(5, 9);
  });

  it("a crash-loop follows the kubelet's back-off: 10 s doubling, capped at 5 minutes", () => {
    expect(crashLoopWaits(0, 1800).slice(0, 7)).toEqual([
      [5, 15],
      [20, 40],
      [45, 85],
      [90, 170],
      [175, 335],
      [340, 640],
      [645, 945],
    ]);
    const s = scenario(catalog, 'worker-crash-loop');
    const waiting = scenarioSeries(catalog, 'production', s).find((x) => x.series.startsWith('kube_pod_container_status_waiting_reason'))!;
    const tokens = expandPromtool(waiting.values);
    const t = timeline(catalog, s);
    const waits = crashLoopWaits(0, t.end - t.onset);
    // Scraped every 15 s from the onset: the reason is there while the container waits, a staleness marker the first
    // scrape it runs (a 5-second run between two scrapes of a 5-minute back-off goes unseen), nothing before.
    tokens.forEach((tok, j) => {
      const at = j * t.scrape - t.onset;
      const waitingNow = waits.some(([c0, s0]) => c0 <= at && at < s0);
      const before = j > 0 && waits.some(([c0, s0]) => c0 <= at - t.scrape && at - t.scrape < s0);
      expect({ at, tok }).toEqual({ at, tok: waitingNow ? '1' : before ? 'stale' : '_' });
    });
    expect(tokens.filter((x) => x === 'stale').length).toBeGreaterThan(0);
  });

  it('writes counters in promtool’s expanding notation, and reads it back', () => {
    const tokens = ['0', '15', '30', '45', '_', '_', 'stale', '7', '7', '7', '1.5', '1', '0.5'];
    expect(compress(tokens)).toBe('0+15x3 _x2 stale 7x2 1.5-0.5x2');
    expect(expandPromtool(compress(tokens))).toEqual(tokens);
  });

  it("reads promtool's got: samples, label values escaped as Go quotes them", () => {
    expect(parseSamples('{__name__="ALERTS", alertname="A", summary="a \\"b\\", c}"} 1E+00, {alertname="B"} 1E+00')).toEqual([
      { __name__: 'ALERTS', alertname: 'A', summary: 'a "b", c}' },
      { alertname: 'B' },
    ]);
  });
});
