import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { CatalogIssue, formatIssue } from '../lib/catalog/errors';
import { FIXTURE_ALERTS, copyCatalog, edit, positionOf, catalogIssues } from './helpers';

const issuesOf = (dir: string): CatalogIssue[] => catalogIssues(dir);

describe('loadCatalog', () => {
  it('accepts the committed catalog', () => {
    const c = loadCatalog(FIXTURE_ALERTS);
    expect(c.catalog.services.map((s) => s.name)).toEqual(['deltacrown-api', 'deltacrown-worker']);
    expect(c.catalog.environments.map((e) => e.name)).toEqual(['production', 'staging']);
    expect(c.ruleFiles.length).toBeGreaterThanOrEqual(6);
  });

  it('holds the runbook values: SLO 99.9 % over 30 days, burn rates 14.4 and 1.5, MTTA/MTTR targets', () => {
    const c = loadCatalog(FIXTURE_ALERTS);
    const slo = c.slos.slos.find((s) => s.name === 'api-availability')!;
    expect([slo.objective, slo.window, slo.service]).toEqual([99.9, '30d', 'deltacrown-api']);
    expect(slo.alerts.fast_burn).toMatchObject({ burn_rate: 14.4, long_window: '1h', short_window: '5m', severity: 'critical' });
    expect(slo.alerts.slow_burn).toMatchObject({ burn_rate: 1.5, long_window: '24h', short_window: '2h', severity: 'high' });
    expect(c.catalog.severities).toMatchObject({
      critical: { mtta: '5m', mttr: '15m' },
      high: { mtta: '15m', mttr: '30m' },
      warning: { mtta: '30m', mttr: '60m' },
    });
  });
});

/**
 * Malformed catalogs: each case edits one copy of alerts/ and names the file, the position (found by a marker
 * in the edited text) and the message it expects.
 */
interface Case {
  name: string;
  file: string;
  from: string | RegExp;
  to: string;
  /** Text whose position (first occurrence, + shift) the issue must point at. */
  at: string;
  shift?: number;
  field?: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'broken YAML (unclosed flow sequence)',
    file: 'rules/http.yml',
    from: 'services: [deltacrown-api, deltacrown-worker]\n    signal:\n      record: service:http_requests_5xx',
    to: 'services: [deltacrown-api, deltacrown-worker\n    signal:\n      record: service:http_requests_5xx',
    // The parser notices at the next line, where the sequence should have been closed.
    at: 'signal:\n      record: service:http_requests_5xx',
    message: /invalid YAML/,
  },
  {
    name: 'duplicate key',
    file: 'catalog.yml',
    from: '    mtta: 5m\n',
    to: '    mtta: 5m\n    mtta: 10m\n',
    at: 'mtta: 10m',
    message: /invalid YAML: Map keys must be unique/,
  },
  {
    name: 'PromQL syntax error in a one-line expression',
    file: 'rules/http.yml',
    from: 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))',
    to: 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))',
    at: 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))',
    shift: 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m]))'.length,
    field: 'families[2].signal.expr',
    message: /PromQL syntax error: unexpected end of expression/,
  },
  {
    name: 'PromQL syntax error on the second line of a block scalar',
    file: 'rules/http.yml',
    from: '          / (sum by (service) (rate(http_requests_total[5m])) >= 100 / 300)',
    to: '          / (sum by (service) (rate(http_requests_total[5m])) >>= 100 / 300)',
    at: '>>= 100',
    shift: 1,
    field: 'families[0].signal.expr',
    message: /PromQL syntax error: unexpected '>= 100 \/ 300'/,
  },
  {
    name: 'unknown function in PromQL',
    file: 'rules/redis.yml',
    from: 'expr: sum(rate(redis_evicted_keys_total[5m])) * 60',
    to: 'expr: sum(rat(redis_evicted_keys_total[5m])) * 60',
    at: 'rat(redis',
    message: /PromQL syntax error: unknown function 'rat'/,
  },
  {
    name: 'unknown severity',
    file: 'rules/database.yml',
    from: 'severity: high',
    to: 'severity: urgent',
    at: 'urgent',
    field: 'families[0].alerts[0].severity',
    message: /unknown severity 'urgent'; expected one of critical, high, warning, none, info/,
  },
  {
    name: 'warning threshold above the critical one',
    file: 'rules/http.yml',
    from: 'threshold: 0.01',
    to: 'threshold: 0.06',
    at: 'threshold: 0.06',
    shift: 'threshold: '.length,
    field: 'families[0].alerts[2].threshold',
    message: /thresholds out of order: warning threshold 0.06 must be strictly below the critical threshold 0.05/,
  },
  {
    name: 'below-threshold family out of order is also caught',
    file: 'rules/http.yml',
    from: 'threshold: 0.02',
    to: 'threshold: 0.07',
    at: 'threshold: 0.07',
    shift: 'threshold: '.length,
    message: /thresholds out of order: high threshold 0.07/,
  },
  {
    name: 'unknown service',
    file: 'rules/database.yml',
    from: 'service: deltacrown-api',
    to: 'service: deltacrown-billing',
    at: 'deltacrown-billing',
    message: /unknown service 'deltacrown-billing'; expected one of deltacrown-api, deltacrown-worker/,
  },
  {
    name: 'duplicate alert name across files',
    file: 'rules/redis.yml',
    from: 'name: DeltaCrownRedisMemoryHigh',
    to: 'name: DeltaCrownDatabaseConnectionsHigh',
    at: 'DeltaCrownDatabaseConnectionsHigh',
    message: /duplicate alert name 'DeltaCrownDatabaseConnectionsHigh' \(first defined at .*database\.yml:\d+:\d+\)/,
  },
  {
    name: 'SLO objective of 100 %',
    file: 'slos.yml',
    from: 'objective: 99.9',
    to: 'objective: 100',
    at: 'objective: 100',
    shift: 'objective: '.length,
    field: 'slos[0].objective',
    message: /SLO objective in % strictly between 0 and 100, got 100/,
  },
  {
    name: 'SLO objective written as a fraction below 0',
    file: 'slos.yml',
    from: 'objective: 99.9',
    to: 'objective: -0.5',
    at: '-0.5',
    message: /strictly between 0 and 100, got -0.5/,
  },
  {
    name: 'burn rate that does not match the budget arithmetic',
    file: 'slos.yml',
    from: 'burn_rate: 14.4',
    to: 'burn_rate: 14',
    at: 'burn_rate: 14',
    shift: 'burn_rate: '.length,
    message: /expected burn_rate 14.4 \(= 2% of the budget × 30d ÷ 1h\), got 14/,
  },
  {
    name: 'alert without a quiet example',
    file: 'rules/database.yml',
    from: /          quiet:\n            - description: a 29-second query\n[\s\S]*$/,
    to: '',
    at: 'fires:\n            - description: a 45-second query',
    message: /alert DeltaCrownDatabaseLongRunningQuery has no 'quiet' example/,
  },
  {
    name: 'misspelt field',
    file: 'rules/redis.yml',
    from: 'threshold: 1000',
    to: 'treshold: 1000',
    at: 'treshold',
    message: /unknown field 'treshold' \(did you mean 'threshold'\?\); expected one of: name, severity, threshold/,
  },
  {
    name: 'threshold of the wrong type',
    file: 'rules/http.yml',
    from: 'threshold: 0.05',
    to: 'threshold: "5%"',
    at: '"5%"',
    field: 'families[0].alerts[0].threshold',
    message: /expected a number in the unit of the signal/,
  },
  {
    name: 'ratio written as a percentage',
    file: 'rules/http.yml',
    from: 'threshold: 0.05',
    to: 'threshold: 5',
    at: 'threshold: 5',
    shift: 'threshold: '.length,
    message: /expected a ratio between 0 and 1 \(write 5 % as 0.05\), got 5/,
  },
  {
    name: 'latency written in milliseconds',
    file: 'rules/http.yml',
    from: 'threshold: 400ms',
    to: 'threshold: 4000',
    at: 'threshold: 4000',
    shift: 'threshold: '.length,
    message: /^4000 on a seconds signal is 1.1 hours; write 4000ms if you meant milliseconds/,
  },
  {
    name: 'malformed duration',
    file: 'rules/database.yml',
    from: 'for: 5m',
    to: 'for: 5 minutes',
    at: '5 minutes',
    message: /expected a Prometheus duration such as 30s, 5m, 1h or 30d, got "5 minutes"/,
  },
  {
    name: 'metric outside the contract (typo)',
    file: 'rules/database.yml',
    from: 'sum(pg_stat_activity_count{state="active"})',
    to: 'sum(pg_stat_activity_cnt{state="active"})',
    at: 'pg_stat_activity_cnt',
    message: /unknown metric 'pg_stat_activity_cnt': not in the metric contract/,
  },
  {
    name: 'selector on a label the contract does not promise',
    file: 'rules/redis.yml',
    from: 'rate(redis_evicted_keys_total[5m])',
    to: 'rate(redis_evicted_keys_total{job="redis"}[5m])',
    at: 'redis_evicted_keys_total{job',
    message: /metric 'redis_evicted_keys_total' is selected on label 'job', which the metric contract does not promise/,
  },
  {
    name: 'override for an unknown environment',
    file: 'rules/http.yml',
    from: 'staging: { enabled: false }',
    to: 'stagging: { enabled: false }',
    at: 'stagging',
    message: /unknown environment 'stagging'; expected one of production, staging/,
  },
  {
    name: 'missing required field',
    file: 'rules/redis.yml',
    from: '    summary: "Redis evicts more than $threshold keys"\n',
    to: '',
    at: '- family: redis-evictions',
    shift: 2,
    field: 'families[0].summary',
    message: /required field is missing/,
  },
  {
    name: 'example values not in promtool notation',
    file: 'rules/redis.yml',
    from: "values: '0+1001x20'",
    to: "values: '0 plus 1001 times 20'",
    at: "'0 plus",
    message: /expected samples in promtool notation/,
  },
  {
    name: 'wrong kind of value for a list',
    file: 'catalog.yml',
    from: /services:\n  - name: deltacrown-api\n.*\n  - name: deltacrown-worker\n.*\n/,
    to: 'services: deltacrown-api\n',
    at: 'services: deltacrown-api',
    shift: 'services: '.length,
    field: 'services',
    message: /expected array, got string/,
  },
];

describe('a malformed catalog is rejected with a located message', () => {
  it.each(cases)('$name', (c) => {
    const dir = copyCatalog();
    const text = edit(dir, c.file, c.from, c.to);
    const issues = issuesOf(dir);
    const expected = positionOf(text, c.at, c.shift ?? 0);
    const match = issues.find((i) => i.file.endsWith(`alerts/${c.file}`) && c.message.test(i.message));
    expect({ found: !!match, issues: issues.map(formatIssue) }).toMatchObject({ found: true });
    expect({ line: match!.line, column: match!.column }).toEqual(expected);
    if (c.field) expect(match!.field).toBe(c.field);
  });

  it('reports every error of every file at once, sorted by file and position', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', 'threshold: 0.05', 'threshold: 5');
    edit(dir, 'rules/http.yml', 'threshold: 0.01', 'threshold: 0.06');
    edit(dir, 'rules/redis.yml', 'severity: warning', 'severity: minor');
    edit(dir, 'slos.yml', 'objective: 99.9', 'objective: 100');
    const issues = issuesOf(dir);
    expect(issues.length).toBeGreaterThanOrEqual(4);
    const files = issues.map((i) => path.basename(i.file));
    expect(files).toEqual(expect.arrayContaining(['http.yml', 'redis.yml', 'slos.yml']));
    const keys = issues.map((i) => `${i.file}\0${String(i.line).padStart(6, '0')}\0${String(i.column).padStart(6, '0')}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('reports a missing required file', () => {
    const dir = copyCatalog();
    fs.rmSync(path.join(dir, 'catalog.yml'));
    expect(issuesOf(dir).map((i) => i.message)).toContain('required catalog file is missing');
  });

  it('reports a file that is no catalog file (a typo in a file name is not silently ignored)', () => {
    const dir = copyCatalog();
    fs.copyFileSync(path.join(dir, 'slos.yml'), path.join(dir, 'slo.yml'));
    const issue = issuesOf(dir).find((i) => i.file.endsWith('slo.yml'));
    expect(issue?.message).toMatch(/unknown catalog file; expected one of catalog.yml, metrics.yml/);
  });

  it('reports a missing directory', () => {
    expect(issuesOf('/nonexistent/alerts')[0].message).toBe('catalog directory not found');
  });

  it('formats an issue as file:line:column: field: message', () => {
    expect(formatIssue({ file: 'alerts/x.yml', line: 3, column: 7, field: 'a.b[1]', message: 'expected a number' })).toBe(
      'alerts/x.yml:3:7: a.b[1]: expected a number',
    );
  });
});
