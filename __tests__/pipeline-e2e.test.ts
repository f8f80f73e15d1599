/**
 * The whole alerting path, end to end, with the real Debian `prometheus` (2.42) and `alertmanager` (0.25) on
 * loopback: a metric crosses a threshold → Prometheus fires → Alertmanager routes → the PagerDuty Events API v2
 * stub (or the Slack stub) receives the event — and the incident resolves when the metric recovers.
 *
 * The live catalog's exported production configuration is used as is; only timings are shortened, through the
 * export's options (evaluation interval, `for`, group timings). Every value a scenario sends is derived from the
 * resolved thresholds (a ratio above the critical one, one between warning and high, …), so a threshold change in
 * the catalog moves the scenarios with it. The scenarios touch different services and signals and run at the same
 * time, started once both processes scrape; each test awaits its scenario and records onset → delivery.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { allAlerts, resolveEnvironment, ResolvedAlert } from '../lib/catalog/resolve';
import { renderExport, writeFiles, toYaml } from '../lib/export';
import { expectedFlags } from '../lib/catalog/feature-flags';
import { LIVE_ALERTS, requireBinary, tempDir } from './helpers';
import { freePort, get, MetricsStub, Received, ReceiverStub, RunningProcess, startProcess, stopAll, waitFor } from './e2e/harness';

jest.setTimeout(60000);

const catalog = loadCatalog(LIVE_ALERTS);
const alerts = allAlerts(resolveEnvironment(catalog, 'production'));
/** The resolved production alert of that name (the scenarios follow its threshold, whatever the catalog says). */
function alert(name: string): ResolvedAlert & { threshold: number } {
  const a = alerts.find((x) => x.name === name);
  if (!a || a.threshold === undefined) throw new Error(`the production catalog has no threshold alert ${name}`);
  return a as ResolvedAlert & { threshold: number };
}
const http5xx = { critical: alert('DeltaCrownHttp5xxRatioCritical'), high: alert('DeltaCrownHttp5xxRatioHigh'), warning: alert('DeltaCrownHttp5xxRatioWarning') };
const dbConnections = alert('DeltaCrownDatabaseConnectionsHigh');

const ROUTING_KEYS = { 'deltacrown-api': 'e2e-routing-key-api-0001', 'deltacrown-worker': 'e2e-routing-key-worker-0002' };
const latencies: Record<string, number> = {};

let metrics: MetricsStub;
let pagerduty: ReceiverStub;
let slack: ReceiverStub;
let heartbeat: ReceiverStub;
/** The two real processes, kept to show their logs when a scenario fails. */
const processes: RunningProcess[] = [];
let promUrl = '';

/** PagerDuty events of one alert (AM puts the alert name in `payload.class`). */
const pdEvents = (alertname: string) => pagerduty.received.filter((r) => r.json?.payload?.class === alertname);
const slackMessages = (alertname: string) => slack.received.filter((r) => String(r.json?.attachments?.[0]?.title ?? '').includes(alertname));

async function firingAlerts(): Promise<{ labels: Record<string, string>; state: string }[]> {
  const r = await get(`${promUrl}/api/v1/alerts`);
  return JSON.parse(r.body).data.alerts;
}

beforeAll(async () => {
  const promtool = requireBinary('prometheus', 'prometheus');
  const am = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const dir = tempDir('deltacrown-e2e-');
  [metrics, pagerduty, slack, heartbeat] = await Promise.all([new MetricsStub().start(), new ReceiverStub().start(), new ReceiverStub().start(), new ReceiverStub().start()]);
  slack.status = 200;
  const [promPort, amPort] = [await freePort(), await freePort()];
  promUrl = `http://127.0.0.1:${promPort}`;

  const files = renderExport(catalog, {
    environments: ['production'],
    evaluationInterval: '1s',
    alertFor: '2s',
    alertmanager: {
      pagerdutyUrl: pagerduty.url('/v2/enqueue'),
      routingKeys: ROUTING_KEYS,
      slackWebhookUrl: slack.url('/slack'),
      heartbeatUrl: heartbeat.url('/heartbeat'),
      timings: { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
      heartbeatTimings: { repeat_interval: '2s' },
    },
  });
  writeFiles(files, dir);
  const promDir = path.join(dir, 'production', 'prometheus');
  // Prometheus starts without rules and loads them once the first scrapes are in: the liveness rules (series
  // absent, with every `for` shortened to 2s) would otherwise page for the seconds before the first scrape.
  fs.renameSync(path.join(promDir, 'rules.yml'), path.join(promDir, 'rules.full.yml'));
  fs.writeFileSync(path.join(promDir, 'rules.yml'), 'groups: []\n');
  // A healthy baseline of every source the liveness rules watch (the scenarios' traffic uses route "/").
  for (const service of catalog.catalog.services.map((s) => s.name)) {
    metrics.rate('http_requests_total', { service, code: '200', route: '/health', method: 'GET' }, 1);
    metrics.gauge('kube_deployment_status_replicas_available', { namespace: 'deltacrown', deployment: service }, 2);
  }
  metrics.gauge('pg_up', {}, 1);
  metrics.gauge('kube_pod_status_phase', { namespace: 'deltacrown', pod: 'deltacrown-api-0', phase: 'Running' }, 1);
  for (const check of catalog.synthetics?.checks ?? []) metrics.gauge('probe_success', { job: check.name, instance: check.path, probe: 'e2e' }, 1);
  // What the application exposes from its start (metrics.yml): its payment counters at 0, and every feature flag at the
  // value production expects (the absence rules over them would page otherwise).
  for (const service of catalog.catalog.services.map((s) => s.name)) {
    metrics.rate('deltacrown_payment_attempts_total', { service, provider: 'e2e', outcome: 'succeeded' }, 0);
    for (const f of expectedFlags(catalog, 'production')) metrics.gauge('deltacrown_feature_flag_enabled', { service, flag: f.name }, f.expected === true ? 1 : 0);
  }
  fs.writeFileSync(
    path.join(promDir, 'prometheus.yml'),
    toYaml({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yml'],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [
        // honor_labels: the stub's probe_success carries the check name as `job`, as Synthetic Monitoring's does.
        { job_name: 'deltacrown', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${metrics.port}`] }] },
        { job_name: 'alertmanager', static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] },
      ],
    }),
  );
  processes.push(await startProcess(
    'alertmanager',
    am,
    [
      `--config.file=${path.join(dir, 'production', 'alertmanager', 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    `http://127.0.0.1:${amPort}/-/ready`,
  ));
  const prometheus = await startProcess(
    'prometheus',
    promtool,
    [
      `--config.file=${path.join(promDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--rules.alert.resend-delay=1s',
      '--log.level=warn',
    ],
    `${promUrl}/-/ready`,
  );
  processes.push(prometheus);
  // Prometheus applies its first scrape targets a few seconds after start: wait for both, so that the scenarios
  // measure delivery, not start-up.
  await waitFor(
    'the first scrapes of the stub and of Alertmanager',
    async () => JSON.parse((await get(`${promUrl}/api/v1/query?query=${encodeURIComponent('sum(up)')}`)).body).data.result[0]?.value[1] === '2',
    30000,
  );
  // Baseline: the database and Redis are fine. HTTP traffic of a service starts with its scenario, errors and
  // successes together: Prometheus' rate() of a series younger than its window grows with the series' age, so
  // starting both at once gives the scenario's error ratio from the first evaluation instead of a 5-minute ramp.
  metrics.gauge('pg_stat_activity_count', { datname: 'deltacrown', state: 'active' }, Math.floor(dbConnections.threshold / 4));
  metrics.gauge('redis_up', {}, 1);
  await waitFor('a scrape of the whole baseline', async () => JSON.parse((await get(`${promUrl}/api/v1/query?query=${encodeURIComponent('count(redis_up) + count(pg_up)')}`)).body).data.result[0]?.value[1] === '2', 30000);
  fs.renameSync(path.join(promDir, 'rules.full.yml'), path.join(promDir, 'rules.yml'));
  prometheus.child.kill('SIGHUP');
  await waitFor('the rules loaded', async () => JSON.parse((await get(`${promUrl}/api/v1/rules`)).body).data.groups.length > 0, 30000);
  // Every scenario starts now and runs alongside the others; the tests below await them one by one.
  scenarios = { critical5xx: critical5xx(), warning5xx: warning5xx(), database: database(), heartbeat: heartbeats(), failure: notificationFailure() };
  for (const p of Object.values(scenarios)) p.catch(() => undefined); // reported by the test that awaits it
}, 60000);

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > 0 && state.numPassingAsserts < state.assertionCalls) {
    for (const p of processes) process.stdout.write(`--- ${p.name} log ---\n${p.output()}\n`);
  }
});

afterAll(async () => {
  await stopAll();
  await Promise.all([metrics?.stop(), pagerduty?.stop(), slack?.stop(), heartbeat?.stop()]);
  const report = Object.entries(latencies).map(([k, v]) => `${k}: ${(v / 1000).toFixed(1)} s`).join('\n  ');
  process.stdout.write(`end-to-end delivery latencies (onset → delivery):\n  ${report}\n`);
  if (process.env.E2E_LATENCY_FILE) fs.writeFileSync(process.env.E2E_LATENCY_FILE, JSON.stringify(latencies, null, 2));
});

/** Requests per second of one service, `errorRatio` of them 5xx. */
function traffic(service: string, perSecond: number, errorRatio: number): void {
  metrics.rate('http_requests_total', { service, code: '500', route: '/', method: 'GET' }, perSecond * errorRatio);
  metrics.rate('http_requests_total', { service, code: '200', route: '/', method: 'GET' }, perSecond * (1 - errorRatio));
}

let scenarios: {
  critical5xx: Promise<{ trigger: Received; resolve: Received }>;
  warning5xx: Promise<Received>;
  database: Promise<Received>;
  heartbeat: Promise<Received[]>;
  failure: Promise<{ labels: Record<string, string>; slack: Received }>;
};

/** deltacrown-api at 1.6 × the critical 5xx ratio (at most 100 %): one page, resolved on recovery. */
async function critical5xx(): Promise<{ trigger: Received; resolve: Received }> {
  const onset = Date.now();
  traffic('deltacrown-api', 100, Math.min(1, http5xx.critical.threshold * 1.6));
  const trigger = await waitFor(`a PagerDuty trigger for ${http5xx.critical.name}`, () => pdEvents(http5xx.critical.name).find((e) => e.json.event_action === 'trigger'), 45000);
  latencies[`5xx above ${http5xx.critical.thresholdText} → PagerDuty trigger`] = trigger.at - onset;
  // Recovery: the errors stop and a burst of healthy traffic dilutes the 5-minute window below every threshold.
  const recovery = Date.now();
  traffic('deltacrown-api', 200000, 0);
  const resolve = await waitFor('the PagerDuty resolve event', () => pdEvents(http5xx.critical.name).find((e) => e.json.event_action === 'resolve'), 45000);
  latencies['recovery → PagerDuty resolve'] = resolve.at - recovery;
  return { trigger, resolve };
}

/** deltacrown-worker between the warning and the high 5xx ratio: Slack only. */
async function warning5xx(): Promise<Received> {
  const onset = Date.now();
  traffic('deltacrown-worker', 100, (http5xx.warning.threshold + http5xx.high.threshold) / 2);
  const msg = await waitFor(`a Slack message for ${http5xx.warning.name}`, () => slackMessages(http5xx.warning.name)[0], 45000);
  latencies[`5xx between ${http5xx.warning.thresholdText} and ${http5xx.high.thresholdText} → Slack`] = msg.at - onset;
  // Give Alertmanager several more flushes: still nothing for the worker on PagerDuty.
  await new Promise((r) => setTimeout(r, 4000));
  traffic('deltacrown-worker', 100, 0);
  return msg;
}

/** Active DB connections 5 above the alert's threshold: the owning service is paged with severity error. */
async function database(): Promise<Received> {
  const onset = Date.now();
  metrics.gauge('pg_stat_activity_count', { datname: 'deltacrown', state: 'active' }, dbConnections.threshold + 5);
  const trigger = await waitFor(`a PagerDuty trigger for ${dbConnections.name}`, () => pdEvents(dbConnections.name).find((e) => e.json.event_action === 'trigger'), 45000);
  latencies[`DB connections above ${dbConnections.thresholdText} → PagerDuty trigger`] = trigger.at - onset;
  return trigger;
}

async function heartbeats(): Promise<Received[]> {
  await waitFor('three heartbeats', () => heartbeat.received.length >= 3, 30000);
  const beats = heartbeat.received.slice(0, 3);
  latencies['heartbeat interval'] = (beats[2].at - beats[0].at) / 2;
  return beats;
}

/**
 * PagerDuty rejects the Redis-down page (HTTP 400, as for a revoked integration key: Alertmanager does not retry a
 * 4xx, so the failure counts at once; a 5xx outage is retried until Alertmanager's 10 s minimum notification
 * timeout and then counts the same way). The other scenarios' pages are accepted.
 */
async function notificationFailure(): Promise<{ labels: Record<string, string>; slack: Received }> {
  pagerduty.statusFor = (r) => (r.json?.payload?.class === 'DeltaCrownRedisDown' ? 400 : undefined);
  const onset = Date.now();
  metrics.gauge('redis_up', {}, 0); // a new page that cannot be delivered
  await waitFor('an attempt to page Redis down', () => pdEvents('DeltaCrownRedisDown').length > 0, 45000);
  const alert = await waitFor(
    'DeltaCrownAlertmanagerNotificationFailures firing',
    async () => (await firingAlerts()).find((a) => a.labels.alertname === 'DeltaCrownAlertmanagerNotificationFailures' && a.state === 'firing'),
    45000,
  );
  latencies['PagerDuty rejecting → notification-failure alert'] = Date.now() - onset;
  // PagerDuty's failure travels by Slack, not by the integration that fails.
  const slackMsg = await waitFor('the PagerDuty failure in Slack', () => slackMessages('DeltaCrownAlertmanagerNotificationFailures')[0], 45000);
  latencies['PagerDuty rejecting → Slack message'] = slackMsg.at - onset;
  return { ...alert, slack: slackMsg };
}

describe('alert pipeline (prometheus → alertmanager → PagerDuty / Slack stubs)', () => {
  it('pages PagerDuty once for a 5xx ratio above the critical threshold on deltacrown-api, then resolves it on recovery', async () => {
    const { trigger, resolve } = await scenarios.critical5xx;
    expect(trigger.path).toBe('/v2/enqueue');
    expect(trigger.json).toMatchObject({
      routing_key: ROUTING_KEYS['deltacrown-api'],
      event_action: 'trigger',
      payload: { severity: 'critical', component: 'deltacrown-api', group: http5xx.critical.family, class: http5xx.critical.name },
    });
    expect(trigger.json.dedup_key).toMatch(/^[0-9a-f]{64}$/);
    expect(trigger.json.payload.summary).toContain(`${http5xx.critical.name} (deltacrown-api): `);
    expect(trigger.json.payload.summary).toContain(http5xx.critical.thresholdText);
    expect(trigger.json.payload.custom_details.runbook_url).toBe(http5xx.critical.annotations.runbook_url);
    expect(resolve.json.dedup_key).toBe(trigger.json.dedup_key);
    expect(resolve.json.routing_key).toBe(ROUTING_KEYS['deltacrown-api']);
    expect(pdEvents(http5xx.critical.name).filter((e) => e.json.event_action === 'trigger')).toHaveLength(1);
  });

  it('sends a 5xx ratio between the warning and high thresholds on deltacrown-worker to Slack only, nothing to PagerDuty', async () => {
    const msg = await scenarios.warning5xx;
    expect(msg.json.channel).toBe(catalog.oncall!.slack.alerts);
    expect(msg.json.attachments[0].title).toMatch(new RegExp(`^\\[FIRING:1\\] warning: ${http5xx.warning.name} \\(production, deltacrown-worker\\)`));
    expect(pagerduty.received.filter((e) => e.json?.routing_key === ROUTING_KEYS['deltacrown-worker'])).toEqual([]);
  });

  it('pages the owning service (deltacrown-api) with PagerDuty severity error for active DB connections above the threshold (high)', async () => {
    const trigger = await scenarios.database;
    expect(trigger.json).toMatchObject({
      routing_key: ROUTING_KEYS['deltacrown-api'],
      payload: { severity: 'error', component: 'deltacrown-api', custom_details: { severity: 'high', environment: 'production' } },
    });
    expect(trigger.json.payload.summary).toContain(dbConnections.name);
  });

  it('keeps sending the Watchdog to the heartbeat receiver', async () => {
    const beats = await scenarios.heartbeat;
    for (const b of beats) {
      expect(b.json.status).toBe('firing');
      expect(b.json.alerts[0].labels.alertname).toBe('Watchdog');
    }
    expect(pagerduty.received.some((e) => e.json?.payload?.class === 'Watchdog')).toBe(false);
  });

  it('fires the notification-failure alert when PagerDuty does not accept a page, and reports it to Slack', async () => {
    const alert = await scenarios.failure;
    expect(alert.labels).toMatchObject({ integration: 'pagerduty', environment: 'production' });
    expect(alert.slack.json.channel).toBe(catalog.oncall!.slack.alerts);
    expect(pdEvents('DeltaCrownAlertmanagerNotificationFailures')).toEqual([]);
  });
});
