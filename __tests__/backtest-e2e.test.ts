/**
 * `npm run backtest` end to end against the real Prometheus (2.42) on loopback, over a TSDB that
 * `promtool tsdb create-blocks-from openmetrics` builds from generated history (__tests__/e2e/history.ts): four
 * days of a fixed week in 2026 with steady traffic on both services and three error incidents on deltacrown-api —
 * 6 % of 5xx for 20 minutes, 8 % for 10 minutes, a 2-minute blip of 9 % — plus a recorded p95 latency series with a
 * 15-minute spike. The catalog is a git copy of the fixture catalog: the base is its commit, the head loosens the
 * critical 5xx threshold from 5 % to 7 %.
 *
 * The firing times below are derived by hand from the generated samples (one a minute), the 5-minute rate window
 * (both ends included in Prometheus 2.42), the evaluation grid (30 s in production, 1 m in staging) and `for: 2m`:
 * the critical ratio rule sees a 6 % incident above 5 % only when every increase in its window is an incident one,
 * an 8 % incident when 3 of 4 (or 4 of 5) are; the healthy 0.3 % never. No threshold is within 0.08 points of a
 * window's ratio, so floating point cannot move an edge.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { loadCatalog } from '../lib/catalog/load';
import { backtest, BacktestReport } from '../lib/backtest/backtest';
import { authFromEnv, PrometheusClient } from '../lib/backtest/prometheus';
import { inlineRecords } from '../lib/backtest/promql';
import { exportedRules } from '../lib/backtest/rules';
import { renderMarkdown } from '../lib/backtest/report';
import { copyCatalog, edit, FIXTURE_ALERTS, requireBinary, ROOT, runCommand, tempDir } from './helpers';
import { freePort, startProcess, stopAll } from './e2e/harness';
import { openMetricsHistory } from './e2e/history';

jest.setTimeout(120000);

const at = (iso: string) => Date.parse(iso);
const FROM = '2026-03-02T00:00:00Z';
const TO = '2026-03-06T00:00:00Z';
const INCIDENT_6 = '2026-03-02T10:00:00Z';
const INCIDENT_8 = '2026-03-03T14:00:00Z';
const LATENCY_SPIKE = '2026-03-04T08:00:00Z';
/** `base` + a duration (`4m30s`), as the report writes instants. */
const plus = (base: string, d: string) => {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(d)!;
  return new Date(at(base) + (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 1000).toISOString().replace('.000Z', 'Z');
};

let promUrl = '';
let repo = '';
let history = '';

beforeAll(async () => {
  const promtool = requireBinary('promtool', 'prometheus');
  const prometheus = requireBinary('prometheus', 'prometheus');
  const dir = tempDir('deltacrown-backtest-');
  history = path.join(dir, 'history.om');
  fs.writeFileSync(
    history,
    openMetricsHistory({
      start: at(FROM),
      length: at(TO) - at(FROM),
      stepS: 60,
      traffic: [
        { service: 'deltacrown-api', perSecond: 20, errorRatio: 0.003 },
        { service: 'deltacrown-worker', perSecond: 10, errorRatio: 0.003 },
      ],
      incidents: [
        { service: 'deltacrown-api', start: at(INCIDENT_6), minutes: 20, errorRatio: 0.06 },
        { service: 'deltacrown-api', start: at(INCIDENT_8), minutes: 10, errorRatio: 0.08 },
        { service: 'deltacrown-api', start: at('2026-03-04T18:00:00Z'), minutes: 2, errorRatio: 0.09 },
      ],
      gauges: [
        { name: 'service:http_request_duration_seconds:p95_rate5m', labels: { service: 'deltacrown-api' }, value: 0.25, override: [{ start: at(LATENCY_SPIKE), minutes: 15, value: 0.6 }] },
      ],
    }),
  );
  const data = path.join(dir, 'data');
  const blocks = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', history, data], { encoding: 'utf8' });
  if (blocks.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics failed: ${blocks.stderr}`);
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  // The blocks lie in the past of the wall clock: a retention of 100 years keeps them.
  await startProcess(
    'prometheus',
    prometheus,
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, '--storage.tsdb.retention.time=100y', `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    `${promUrl}/-/ready`,
  );

  // The catalog: the fixture committed (the base), then the critical 5xx threshold loosened in the working tree.
  const alerts = copyCatalog();
  repo = path.dirname(alerts);
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  edit(alerts, 'rules/http.yml', /(name: DeltaCrownHttp5xxRatioCritical\n\s+severity: critical\n\s+threshold: )0\.05/, '$10.07');
}, 120000);

afterAll(() => stopAll());

const backtestCli = (args: string[], env: Record<string, string> = {}) => runCommand('bin/backtest', ['--catalog', 'alerts', ...args], { cwd: repo, env });

/** The command in a child process without blocking this one (whose servers it talks to). */
function backtestCliAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'run.cjs'), 'bin/backtest', '--catalog', 'alerts', ...args], { cwd: repo, env: { ...process.env, ...env } });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The fixture catalog replayed in-process over the generated history. */
function replay(over: Partial<Parameters<typeof backtest>[0]> = {}): Promise<BacktestReport> {
  return backtest({ client: new PrometheusClient(promUrl), head: loadCatalog(FIXTURE_ALERTS), from: at(FROM), to: at(TO), alerts: 'all', ...over });
}

describe('backtest of a loosened threshold over real history (5xx critical 5 % → 7 %)', () => {
  let report: BacktestReport;
  beforeAll(() => {
    const r = backtestCli(['--prometheus', promUrl, '--from', FROM, '--to', TO, '--base', 'HEAD', '--json']);
    if (r.status !== 0) throw new Error(`backtest failed: ${r.stderr}`);
    report = JSON.parse(r.stdout);
  });
  const row = (env: string) => report.results.find((x) => x.environment === env && x.alert === 'DeltaCrownHttp5xxRatioCritical')!;
  const firings = (v?: { episodes: unknown[] }) => v?.episodes;

  it('replays only the changed alert, base and head, in both environments', () => {
    expect(report.results.map((x) => [x.alert, x.environment, x.change])).toEqual([
      ['DeltaCrownHttp5xxRatioCritical', 'production', 'changed'],
      ['DeltaCrownHttp5xxRatioCritical', 'staging', 'changed'],
    ]);
    expect(report).toMatchObject({ base: 'HEAD', compared: true, alerts: 'changed', from: FROM, to: TO });
    expect(report.inhibitors).toEqual([]); // nothing inhibits a critical alert
  });

  it('finds exactly the two incidents above 5 % in production, with the firing times Prometheus would have had, and their pages', () => {
    // 6 %: true from +4m30s (4 of 4 increases), firing 2 minutes later, false at +21m (4 of 5). 8 %: true from +3m30s
    // (3 of 4), false at +12m (3 of 5). Critical pages go to PagerDuty after group_wait (10 s).
    expect(firings(row('production').base)).toEqual([
      { labels: { service: 'deltacrown-api' }, pendingSince: plus(INCIDENT_6, '4m30s'), firedAt: plus(INCIDENT_6, '6m30s'), resolvedAt: plus(INCIDENT_6, '21m'), firingSeconds: 870, pagedAt: plus(INCIDENT_6, '6m40s'), pagedReceiver: 'pagerduty-deltacrown-api-critical' },
      { labels: { service: 'deltacrown-api' }, pendingSince: plus(INCIDENT_8, '3m30s'), firedAt: plus(INCIDENT_8, '5m30s'), resolvedAt: plus(INCIDENT_8, '12m'), firingSeconds: 390, pagedAt: plus(INCIDENT_8, '5m40s'), pagedReceiver: 'pagerduty-deltacrown-api-critical' },
    ]);
    expect(row('production').base).toMatchObject({ status: 'ok', firings: 2, firingSeconds: 1260, pages: 2, notifications: 2, forSeconds: 120, intervalSeconds: 30, missingSeries: [], lateSeries: [] });
  });

  it('with the threshold at 7 %, fires for the 8 % incident only, later and shorter: fewer firings and pages than the base', () => {
    // 8 % above 7 % only when every increase in the window is an incident one: from +4m30s to +11m.
    expect(firings(row('production').head)).toEqual([
      { labels: { service: 'deltacrown-api' }, pendingSince: plus(INCIDENT_8, '4m30s'), firedAt: plus(INCIDENT_8, '6m30s'), resolvedAt: plus(INCIDENT_8, '11m'), firingSeconds: 270, pagedAt: plus(INCIDENT_8, '6m40s'), pagedReceiver: 'pagerduty-deltacrown-api-critical' },
    ]);
    const { base, head } = row('production');
    expect([base!.firings, head!.firings, base!.pages, head!.pages]).toEqual([2, 1, 2, 1]);
    expect(head!.firings).toBeLessThan(base!.firings);
  });

  it('evaluates staging at its own interval (1m) and sends its firings to Slack, never paging', () => {
    expect(firings(row('staging').base)).toEqual([
      { labels: { service: 'deltacrown-api' }, pendingSince: plus(INCIDENT_6, '5m'), firedAt: plus(INCIDENT_6, '7m'), resolvedAt: plus(INCIDENT_6, '21m'), firingSeconds: 840 },
      { labels: { service: 'deltacrown-api' }, pendingSince: plus(INCIDENT_8, '4m'), firedAt: plus(INCIDENT_8, '6m'), resolvedAt: plus(INCIDENT_8, '12m'), firingSeconds: 360 },
    ]);
    expect(firings(row('staging').head)).toEqual([
      { labels: { service: 'deltacrown-api' }, pendingSince: plus(INCIDENT_8, '5m'), firedAt: plus(INCIDENT_8, '7m'), resolvedAt: plus(INCIDENT_8, '11m'), firingSeconds: 240 },
    ]);
    expect(row('staging').base).toMatchObject({ intervalSeconds: 60, pages: 0, notifications: 2, receivers: ['slack-infra-alerts'] });
    expect(row('staging').head).toMatchObject({ pages: 0, notifications: 1 });
  });

  it('evaluates the ratio record from its expression, since the history holds only the raw counters', () => {
    expect(row('production').base!.inlinedRecords).toEqual(['service:http_requests_5xx:ratio_rate5m']);
    expect(row('production').head!.query).toContain('http_requests_total{code=~"5.."}');
    expect(row('production').head!.query).toMatch(/> 0\.07$/);
  });

  it('prints the report the README shows', () => {
    const r = backtestCli(['--prometheus', promUrl, '--from', FROM, '--to', TO, '--base', 'HEAD']);
    expect(r.status).toBe(0);
    const text = r.stdout.split(promUrl).join('http://prometheus:9090');
    expect(text).toContain('| DeltaCrownHttp5xxRatioCritical (critical) | production | 2 → 1 | 21m → 4m30s | 2 → 1 | 2 → 1 | ⚠️ fewer pages |');
    expect(text).toContain('| DeltaCrownHttp5xxRatioCritical (critical) | staging | 2 → 1 | 20m → 4m | 0 → 0 | 2 → 1 | fires less |');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /<!-- backtest-example:begin -->\n```markdown\n([\s\S]*?)```\n<!-- backtest-example:end -->/.exec(readme);
    expect(example?.[1]).toBe(text);
  });
});

describe('recorded signals', () => {
  it('reads a record the history holds from the history: the latency spike fires once, for 11 minutes', async () => {
    const report = await replay({ only: ['DeltaCrownHttpLatencyHigh'], environments: ['production'] });
    const head = report.results[0].head!;
    expect(head.inlinedRecords).toEqual([]);
    // 0.6 s from the spike's first sample: active at once, `for: 4m`, gone with the first sample back at 0.25 s.
    expect(head.episodes).toEqual([
      { labels: { service: 'deltacrown-api' }, pendingSince: LATENCY_SPIKE, firedAt: plus(LATENCY_SPIKE, '4m'), resolvedAt: plus(LATENCY_SPIKE, '15m'), firingSeconds: 660, pagedAt: plus(LATENCY_SPIKE, '4m30s'), pagedReceiver: 'pagerduty-deltacrown-api-high' },
    ]);
  });

  it('evaluated from its expression instead (--inline-records), the same alert reads histogram buckets the history lacks: no series', async () => {
    const report = await replay({ only: ['DeltaCrownHttpLatencyHigh'], environments: ['production'], inlineAllRecords: true });
    expect(report.results[0].head).toMatchObject({ status: 'no-series', firings: 0, missingSeries: ['http_request_duration_seconds_bucket'] });
  });

  it('gives, on the real Prometheus, the series the record would have had', async () => {
    const client = new PrometheusClient(promUrl);
    const [production] = exportedRules(loadCatalog(FIXTURE_ALERTS), ['production']);
    const inlined = inlineRecords('service:http_requests_5xx:ratio_rate5m{service="deltacrown-api"}', { records: production.records, inline: () => true });
    const record = production.records.find((r) => r.record === 'service:http_requests_5xx:ratio_rate5m')!;
    const time = String(at(plus(INCIDENT_6, '10m')) / 1000);
    const ours = await client.api('/api/v1/query', { query: inlined, time });
    const direct = await client.api('/api/v1/query', { query: record.expr, time });
    expect(direct.result.length).toBe(2); // both services
    const api = direct.result.find((s: { metric: { service: string } }) => s.metric.service === 'deltacrown-api');
    expect(ours.result).toEqual([{ metric: { __name__: record.record, service: 'deltacrown-api' }, value: api.value }]);
    expect(Number(api.value[1])).toBeCloseTo(0.06, 6);
  });
});

describe('what the backtest refuses or reports as such', () => {
  it('reports an alert whose metrics have no series in the range as "no series", not as never fired', async () => {
    const report = await replay({ only: ['DeltaCrownDatabaseConnectionsHigh'], environments: ['production'] });
    expect(report.results[0].head).toMatchObject({ status: 'no-series', missingSeries: ['pg_stat_activity_count{state="active"}'], inlinedRecords: ['deltacrown:pg_stat_activity_active:sum'] });
    expect(renderMarkdown(report)).toContain('| DeltaCrownDatabaseConnectionsHigh (high) | production | no series | — | — | — |');
  });

  it('refuses a range that starts before the history Prometheus holds (past retention)', () => {
    const r = backtestCli(['--prometheus', promUrl, '--from', '2026-02-20T00:00:00Z', '--to', TO, '--alerts', 'all', '--alert', 'DeltaCrownHttp5xxRatioCritical', '--env', 'production']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: the range is past retention: the history Prometheus holds for the 2 series selectors the alerts read begins between 2026-03-01T23:\d\d:00Z and 2026-03-02T00:\d\d:00Z, after --from 2026-02-20T00:00:00Z \(retention: 100y\)/);
  });

  it('refuses a range before what a server keeps by its retention, and a URL that is no Prometheus API', async () => {
    // A server that says it keeps 15 days up to 2026-03-20 (as /api/v1/status/runtimeinfo and /tsdb do), and serves HTML elsewhere.
    const stub = http.createServer((req, res) => {
      const json = (data: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data }));
      };
      if (req.url === '/prom/api/v1/status/runtimeinfo') return json({ storageRetention: '15d' });
      if (req.url === '/prom/api/v1/status/tsdb') return json({ headStats: { minTime: at('2026-03-19T22:00:00Z'), maxTime: at('2026-03-20T00:00:00Z') } });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>a dashboard</html>');
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
    try {
      await expect(replay({ client: new PrometheusClient(`${url}/prom`) })).rejects.toThrow(
        'the range is past retention: Prometheus keeps 15d and its newest sample is at 2026-03-20T00:00:00Z, so nothing before 2026-03-05T00:00:00Z remains; --from is 2026-03-02T00:00:00Z',
      );
      await expect(replay({ client: new PrometheusClient(url) })).rejects.toThrow(
        `${url}/api/v1/query answered HTTP 200 without a Prometheus API response (text/html): is --prometheus the Prometheus server's base URL?`,
      );
    } finally {
      stub.closeAllConnections();
      await new Promise<void>((r) => stub.close(() => r()));
    }
  });

  it('says when the server cannot be reached', async () => {
    const port = await freePort();
    const r = backtestCli(['--prometheus', `http://127.0.0.1:${port}`, '--from', FROM, '--to', TO, '--alerts', 'all']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`error: cannot reach Prometheus at http://127.0.0.1:${port}: connection refused (ECONNREFUSED)\n`);
  });

  it('rejects a time it cannot read, or a range that ends before it starts', () => {
    const bad = backtestCli(['--prometheus', promUrl, '--from', 'last-week', '--to', TO]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: --from: 'last-week' is not a time; expected an ISO 8601 instant/);
    const reversed = backtestCli(['--prometheus', promUrl, '--from', TO, '--to', FROM, '--alerts', 'all']);
    expect(reversed.stderr).toBe(`error: --from (${TO}) must be before --to (${FROM})\n`);
  });

  it('needs a base to know what changed', () => {
    const r = backtestCli(['--prometheus', promUrl, '--from', FROM, '--to', TO, '--alerts', 'changed']);
    expect(r.stderr).toMatch(/--alerts changed compares with a base: pass --base <git ref>, or --alerts all/);
  });
});

describe('limits and credentials', () => {
  it('splits a range past the points limit and bounds the requests in flight without changing the result', async () => {
    const only = ['DeltaCrownHttp5xxRatioCritical'];
    const whole = await replay({ only, environments: ['production'] });
    const client = new PrometheusClient(promUrl, { maxPoints: 1000, concurrency: 1 });
    const split = await backtest({ client, head: loadCatalog(FIXTURE_ALERTS), from: at(FROM), to: at(TO), alerts: 'all', only, environments: ['production'] });
    expect(split.results).toEqual(whole.results);
    // 4 days at 30 s are 11 525 evaluations (with the 2 minutes of `for` before --from): 12 ranges of 1 000 points.
    expect(split.requests - whole.requests).toBeGreaterThanOrEqual(10);
  });

  it('sends a bearer token or basic auth from the environment, and says when the server refuses', async () => {
    // A gate in front of the real Prometheus, as a reverse proxy with authentication would be.
    const seen: string[] = [];
    const gate = http.createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      const ok = req.headers.authorization === 'Bearer s3cret' || req.headers.authorization === `Basic ${Buffer.from('backtest:pa:ss').toString('base64')}`;
      if (!ok) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('Unauthorized\n');
        return;
      }
      const up = http.request(`${promUrl}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(promUrl).host } }, (pr) => {
        res.writeHead(pr.statusCode ?? 502, pr.headers);
        pr.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
    const gateUrl = `http://127.0.0.1:${(gate.address() as { port: number }).port}`;
    try {
      const args = ['--prometheus', gateUrl, '--from', '2026-03-04T00:00:00Z', '--to', '2026-03-05T00:00:00Z', '--alerts', 'all', '--alert', 'DeltaCrownHttpLatencyHigh', '--env', 'production', '--json'];
      const token = await backtestCliAsync(args, { PROMETHEUS_BEARER_TOKEN: 's3cret' });
      expect(token.stderr).toBe('');
      expect(JSON.parse(token.stdout).results[0].head.firings).toBe(1);

      const basic = new PrometheusClient(gateUrl, { auth: authFromEnv({ PROMETHEUS_USERNAME: 'backtest', PROMETHEUS_PASSWORD: 'pa:ss' }) });
      expect((await basic.api('/api/v1/query', { query: 'vector(1)' })).result[0].value[1]).toBe('1');

      const none = await backtestCliAsync(args, { PROMETHEUS_BEARER_TOKEN: '' });
      expect(none.status).toBe(2);
      expect(none.stderr).toBe(`error: Prometheus at ${gateUrl} refused the request (HTTP 401) with no credentials: set PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD\n`);
      expect(seen).toContain('Bearer s3cret');
      expect(() => authFromEnv({ PROMETHEUS_BEARER_TOKEN: 'a', PROMETHEUS_USERNAME: 'b' })).toThrow(/either PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/);
    } finally {
      gate.closeAllConnections();
      await new Promise<void>((r) => gate.close(() => r()));
    }
  });
});
