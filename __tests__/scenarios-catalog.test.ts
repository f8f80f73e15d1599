/**
 * The scenario library as catalog files (alerts/scenarios/): validated and located like every catalog file — each
 * problem at `file:line:column` with its field path and what was expected — and cross-checked against the metric
 * contract, the background, the alerts and the runbook; every alert has a scenario that makes it fire and every
 * threshold a quiet one next to it. Fixture catalog copies, edited per test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { formatIssue } from '../lib/catalog/errors';
import { backgroundSeries } from '../lib/catalog/background';
import { scenarioEnvironments } from '../lib/catalog/crosscheck-scenarios';
import { catalogIssues, copyCatalog, edit, FIXTURE_ALERTS, issueAt, positionOf, where } from './helpers';

describe('the fixture scenario library', () => {
  const c = loadCatalog(FIXTURE_ALERTS);

  it('loads: a background and scenario files, located by their own schemas', () => {
    expect(c.background?.scrape_interval).toBe('30s');
    expect(c.scenarioFiles.map((f) => path.basename(f.source.name))).toContain('http.yml');
    expect(c.scenarioFiles.map((f) => path.basename(f.source.name))).not.toContain('background.yml');
  });

  it('expands the background per environment: one probe_success per synthetic check and probe location, with its URL', () => {
    const probes = backgroundSeries(c, 'staging').filter((s) => s.metric === 'probe_success');
    const checks = c.synthetics!.checks;
    expect(probes).toHaveLength(checks.length * c.synthetics!.defaults.probes.length);
    expect(probes[0].labels).toMatchObject({ job: checks[0].name, instance: `${c.synthetics!.base_urls.staging}${checks[0].path}`, probe: c.synthetics!.defaults.probes[0] });
    expect(probes[0].everySeconds).toBe(60);
  });

  it('runs a scenario where its expectations say, else in every environment that pages', () => {
    const all = c.scenarioFiles.flatMap((f) => f.data.scenarios);
    expect(scenarioEnvironments(c, all.find((s) => s.name === 'health-check-fails')!)).toEqual(['production', 'staging']);
    expect(scenarioEnvironments(c, all.find((s) => s.name === 'worker-5xx-6-percent')!)).toEqual(['production']);
  });
});

describe('scenario files: schema errors, located', () => {
  it('a change with two shapes, and one with none', () => {
    const dir = copyCatalog();
    const text = edit(
      dir,
      'scenarios/http.yml',
      "      - ratio: { of: 'http_requests_total{service=\"deltacrown-worker\", code=~\"5..\"}', in: 'http_requests_total{service=\"deltacrown-worker\"}', to: 0.06 }\n",
      "      - ratio: { of: 'http_requests_total{service=\"deltacrown-worker\", code=~\"5..\"}', in: 'http_requests_total{service=\"deltacrown-worker\"}', to: 0.06 }\n        vanish: { select: pg_up }\n      - at: 2m\n",
    );
    const issues = catalogIssues(dir);
    const two = issueAt(issues, 'scenarios/http.yml', 'scenarios[0].changes[0]');
    expect(two.message).toBe('expected one shape per change, got ratio and vanish');
    expect(where(two)).toEqual(positionOf(text, "ratio: { of: 'http_requests_total{service=\"deltacrown-worker\", code=~\"5..\"}', in", 0));
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].changes[1]').message).toBe(
      'expected one of the shapes rate, value, ratio, latency, vanish, reset, crash_loop, probes_fail, sawtooth, series',
    );
  });

  it('an unknown field, with the nearest known one', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'scenarios/http.yml', '    duration: 20m\n', '    durration: 20m\n');
    const i = issueAt(catalogIssues(dir), 'scenarios/http.yml', 'scenarios[0].durration');
    expect(i.message).toMatch(/^unknown field 'durration' \(did you mean 'duration'\?\)/);
    expect(where(i)).toEqual(positionOf(text, 'durration'));
  });

  it("an expectation that says two things, and 'firing' without 'at'", () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/http.yml', '      - { pages: critical, service: deltacrown-worker, within: 10m }\n', '      - { pages: critical, quiet: true }\n      - { firing: high }\n');
    const issues = catalogIssues(dir);
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].expect[0]').message).toBe('expected one expectation per item, got pages and quiet');
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].expect[1].firing').message).toBe("expected 'at' (when, after the onset) with 'firing', and 'at' only with 'firing'");
  });

  it('a ratio outside 0..1 and a p95 without its unit', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/http.yml', "to: 0.06 }", 'to: 6 }');
    const text = edit(dir, 'scenarios/http.yml', 'p95: 450ms }', 'p95: 450 }');
    const issues = catalogIssues(dir);
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].changes[0].ratio.to').message).toBe('expected a number ≤ 1, got 6');
    const p95 = issueAt(issues, 'scenarios/http.yml', 'scenarios[8].changes[0].latency.p95');
    expect(p95.message).toBe('expected a time with its unit such as 120ms or 2.5s, got number');
    expect(where(p95)).toEqual(positionOf(text, 'p95: 450 }', 'p95: '.length));
  });
});

describe('scenario files: cross-checks, located', () => {
  it('a selector that does not parse, pointed at inside the string', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'scenarios/database.yml', "select: 'pg_stat_activity_count{state=\"active\"}', to: 81", "select: 'pg_stat_activity_count{state=active}', to: 81");
    const i = issueAt(catalogIssues(dir), 'scenarios/database.yml', 'scenarios[0].changes[0].value.select');
    expect(i.message).toBe("expected a series selector such as metric{label=\"value\"}: expected a quoted value after 'state='");
    expect(where(i)).toEqual(positionOf(text, 'active}', 0));
  });

  it('a metric the contract does not have, a label it does not promise', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/database.yml', "select: 'pg_stat_activity_count{state=\"active\"}', to: 81", "select: 'pg_connections{state=\"active\"}', to: 81");
    edit(dir, 'scenarios/database.yml', "select: 'pg_stat_activity_count{state=\"active\"}', to: 79", "select: 'pg_stat_activity_count{status=\"active\"}', to: 79");
    const issues = catalogIssues(dir);
    expect(issueAt(issues, 'scenarios/database.yml', 'scenarios[0].changes[0].value.select').message).toBe("unknown metric 'pg_connections': not in the metric contract (metrics.yml)");
    expect(issueAt(issues, 'scenarios/database.yml', 'scenarios[1].changes[0].value.select').message).toBe(
      "metric 'pg_stat_activity_count' has no label 'status' in the metric contract (expected one of: datname, state)",
    );
  });

  it('a selector that selects nothing of the background, and a shape on the wrong kind of metric', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/database.yml', "select: 'pg_stat_activity_count{state=\"active\"}', to: 81", "select: 'pg_stat_activity_count{state=\"waiting\"}', to: 81");
    edit(dir, 'scenarios/database.yml', "- value: { select: 'pg_stat_activity_count{state=\"active\"}', to: 79 }", "- rate: { select: 'pg_stat_activity_count{state=\"active\"}', to: 79 }");
    const issues = catalogIssues(dir);
    expect(issueAt(issues, 'scenarios/database.yml', 'scenarios[0].changes[0].value.select').message).toBe(
      "'pg_stat_activity_count{state=\"waiting\"}' selects no series of the background (scenarios/background.yml)",
    );
    expect(issueAt(issues, 'scenarios/database.yml', 'scenarios[1].changes[0].rate.select').message).toBe("rate needs counter series; 'pg_stat_activity_count{state=\"active\"}' selects pg_stat_activity_count, a gauge");
  });

  it('unknown severity, service and environment in expectations; a time past the end', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/http.yml', '      - { pages: critical, service: deltacrown-worker, within: 10m }\n', '      - { pages: urgent, service: deltacrown-web, within: 30m, environment: qa }\n');
    const issues = catalogIssues(dir);
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].expect[0].pages').message).toBe("unknown severity 'urgent'; expected one of critical, high, warning, or none");
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].expect[0].service').message).toBe("unknown service 'deltacrown-web'; expected one of deltacrown-api, deltacrown-worker");
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].expect[0].environment').message).toBe("unknown environment 'qa'; expected one of production, staging");
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[0].expect[0].within').message).toBe("expected a time within the scenario's duration 20m, got 30m");
  });

  it('a synthetic check or probe location that does not exist', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'scenarios/synthetics.yml', 'probes_fail: { check: deltacrown-health, probes: [Frankfurt, London] }', 'probes_fail: { check: deltacrown-health, probes: [Frankfurt, Tokyo] }');
    edit(dir, 'scenarios/synthetics.yml', 'check: deltacrown-transactions,', 'check: deltacrown-payments,');
    const issues = catalogIssues(dir);
    const probe = issueAt(issues, 'scenarios/synthetics.yml', 'scenarios[0].changes[0].probes_fail.probes[1]');
    expect(probe.message).toBe("check deltacrown-health does not run from 'Tokyo'; it runs from Frankfurt, London, NorthVirginia");
    expect(where(probe)).toEqual(positionOf(text, 'Tokyo'));
    expect(issueAt(issues, 'scenarios/synthetics.yml', 'scenarios[1].changes[0].probes_fail.check').message).toMatch(/^unknown synthetic check 'deltacrown-payments'; expected one of deltacrown-health/);
  });

  it('a duplicate name, an incident without runbook section, a section the runbook does not have', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/http.yml', 'name: worker-5xx-2.5-percent', 'name: worker-5xx-6-percent');
    edit(dir, 'scenarios/database.yml', '    runbook: database-connections\n', '');
    const text = edit(dir, 'scenarios/redis.yml', 'runbook: redis-down', 'runbook: redis-unreachable');
    const issues = catalogIssues(dir);
    expect(issueAt(issues, 'scenarios/http.yml', 'scenarios[2].name').message).toMatch(/^duplicate scenario 'worker-5xx-6-percent' \(first defined at .*scenarios\/http\.yml:\d+:\d+\)$/);
    expect(issueAt(issues, 'scenarios/database.yml', 'scenarios[0]').message).toBe("an incident scenario names the runbook section the on-call follows: 'runbook: <anchor>'");
    const rb = issueAt(issues, 'scenarios/redis.yml', 'scenarios[6].runbook');
    expect(rb.message).toMatch(/^no section '#redis-unreachable' in docs\/runbook\.md/);
    expect(where(rb)).toEqual(positionOf(text, 'redis-unreachable', 0, 2));
  });

  it('an evaluation step that is not a multiple of the environment’s, and samples between evaluations', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/slo.yml', '    evaluation_interval: 15m\n', '    evaluation_interval: 45s\n');
    edit(dir, 'scenarios/database.yml', '    scrape_interval: 15s\n', '    scrape_interval: 20s\n');
    const issues = catalogIssues(dir);
    expect(issueAt(issues, 'scenarios/slo.yml', 'scenarios[0].evaluation_interval').message).toBe(
      "expected a multiple of production's evaluation interval 30s (a coarser step for a scenario of days), got 45s",
    );
    expect(issueAt(issues, 'scenarios/database.yml', 'scenarios[2].scrape_interval').message).toBe(
      'the evaluation step 30s in production is not a multiple of the scrape interval 20s: rules would be evaluated between samples',
    );
  });

  it('next_to an alert the catalog does not have, pointed at its key', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'scenarios/http.yml', 'next_to: { DeltaCrownHttp5xxRatioCritical: firing }', 'next_to: { DeltaCrownHttp5xxCritical: firing, DeltaCrownHttp5xxRatioCritical: firing }');
    const i = issueAt(catalogIssues(dir), 'scenarios/http.yml', 'scenarios[0].next_to.DeltaCrownHttp5xxCritical');
    expect(i.message).toBe("unknown alert 'DeltaCrownHttp5xxCritical'");
    expect(where(i)).toEqual(positionOf(text, 'DeltaCrownHttp5xxCritical: firing'));
  });

  it('scenarios without a background', () => {
    const dir = copyCatalog();
    fs.rmSync(path.join(dir, 'scenarios', 'background.yml'));
    const issues = catalogIssues(dir);
    expect(issues.map((i) => i.message)).toContain('scenarios need the healthy background they start from: scenarios/background.yml (every metric of metrics.yml, healthy)');
  });
});

describe('every threshold has a scenario', () => {
  it('an alert without a firing scenario is reported at its name, a threshold without a quiet one at the threshold', () => {
    const dir = copyCatalog();
    const rules = fs.readFileSync(path.join(dir, 'rules', 'database.yml'), 'utf8');
    edit(dir, 'scenarios/database.yml', 'next_to: { DeltaCrownDatabaseConnectionsHigh: firing }', 'next_to: {}');
    edit(dir, 'scenarios/incidents.yml', 'next_to: { DeltaCrownDatabaseConnectionsHigh: firing, DeltaCrownHttpLatencyHigh: firing }', 'next_to: { DeltaCrownHttpLatencyHigh: firing }');
    edit(dir, 'scenarios/database.yml', 'next_to: { DeltaCrownDatabaseConnectionsHigh: quiet }', 'next_to: {}');
    const issues = catalogIssues(dir);
    expect(issues.map(formatIssue)).toHaveLength(2);
    const fire = issueAt(issues, 'rules/database.yml', 'families[0].alerts[0].name');
    expect(fire.message).toBe("alert DeltaCrownDatabaseConnectionsHigh has no scenario that makes it fire: add one to scenarios/*.yml with 'next_to: { DeltaCrownDatabaseConnectionsHigh: firing }'");
    expect(where(fire)).toEqual(positionOf(rules, 'DeltaCrownDatabaseConnectionsHigh'));
    const quiet = issueAt(issues, 'rules/database.yml', 'families[0].alerts[0].threshold');
    expect(quiet.message).toBe("the threshold of DeltaCrownDatabaseConnectionsHigh has no quiet scenario next to it: add one to scenarios/*.yml with 'next_to: { DeltaCrownDatabaseConnectionsHigh: quiet }'");
    expect(where(quiet)).toEqual(positionOf(rules, 'threshold: 80', 'threshold: '.length));
  });

  it('an SLO burn tier counts as a threshold (its burn rate)', () => {
    const dir = copyCatalog();
    const slos = fs.readFileSync(path.join(dir, 'slos.yml'), 'utf8');
    edit(dir, 'scenarios/http.yml', 'next_to: { DeltaCrownApiErrorBudgetFastBurn: quiet }', 'next_to: {}');
    const i = issueAt(catalogIssues(dir), 'slos.yml', 'slos[0].alerts.fast_burn.burn_rate');
    expect(where(i)).toEqual(positionOf(slos, 'burn_rate: 14.4', 'burn_rate: '.length));
  });

  it('the always-firing heartbeat needs no scenario', () => {
    const dir = copyCatalog();
    expect(fs.readFileSync(path.join(dir, 'rules', 'pipeline.yml'), 'utf8')).toContain('name: Watchdog');
    expect(() => loadCatalog(dir)).not.toThrow();
  });
});

describe('the background: the metric contract, healthy', () => {
  it('every metric of the contract has an entry, every source a series', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'scenarios/background.yml', /  redis_evicted_keys_total:\n    - \{ rate: 0 \}\n/, '');
    const issues = catalogIssues(dir);
    const i = issues.find((x) => x.message.startsWith("metric 'redis_evicted_keys_total'"))!;
    expect(formatIssue(i)).toMatch(/scenarios\/background\.yml:\d+:\d+: metrics: metric 'redis_evicted_keys_total' of the contract has no background: list its healthy series \(or \[\] when a healthy system exposes none\)$/);
    expect(where(i)).toEqual(positionOf(text, 'http_requests_total:'));
  });

  it('a source without series would fire its liveness rule in every scenario', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/background.yml', /  pg_up:\n    - \{ value: 1 \}\n/, '  pg_up: []\n');
    edit(dir, 'scenarios/background.yml', /  pg_settings_max_connections:\n    - \{ value: 100 \}\n/, '  pg_settings_max_connections: []\n');
    edit(dir, 'scenarios/background.yml', /  pg_stat_activity_count:\n(    - .*\n)+/, '  pg_stat_activity_count: []\n');
    edit(dir, 'scenarios/background.yml', /  pg_stat_activity_max_tx_duration:\n(    - .*\n)+/, '  pg_stat_activity_max_tx_duration: []\n');
    edit(dir, 'scenarios/background.yml', /  pg_stat_activity_max_query_duration_seconds:\n(    - .*\n)+/, '  pg_stat_activity_max_query_duration_seconds: []\n');
    const messages = catalogIssues(dir).map((i) => i.message);
    expect(messages).toContain("source 'postgres_exporter' (metrics.yml) has no series in the background: its liveness rule would fire in every scenario");
  });

  it('labels of the contract only, and the fields of the metric’s type', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'scenarios/background.yml', '    - { value: 1 }\n  pg_settings_max_connections', '    - { labels: { instance: db-1 }, rate: 1 }\n  pg_settings_max_connections');
    const issues = catalogIssues(dir);
    const label = issueAt(issues, 'scenarios/background.yml', 'metrics.pg_up[0].labels.instance');
    expect(label.message).toBe("metric 'pg_up' has no label 'instance' in the metric contract (expected one of: none)");
    expect(where(label)).toEqual(positionOf(text, 'instance: db-1'));
    expect(issueAt(issues, 'scenarios/background.yml', 'metrics.pg_up[0].rate').message).toBe("'rate' does not apply to a gauge (expected value)");
    expect(issueAt(issues, 'scenarios/background.yml', 'metrics.pg_up[0]').message).toBe("a gauge needs 'value'");
  });

  it('a histogram needs rate, buckets and a p95 within them', () => {
    const dir = copyCatalog();
    edit(dir, 'scenarios/background.yml', 'rate: 10, buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8], p95: 40ms', 'rate: 10, buckets: [0.01, 0.025, 0.05], p95: 400ms');
    const i = issueAt(catalogIssues(dir), 'scenarios/background.yml', 'metrics.moderation_gate_duration_seconds[0].p95');
    expect(i.message).toBe('expected a p95 within the buckets (at most 0.05s)');
  });
});
