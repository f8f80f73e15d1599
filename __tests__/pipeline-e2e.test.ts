/**
 * The whole alerting path, end to end, with the real Debian `prometheus` (2.42) and `alertmanager` (0.25) on
 * loopback: a metric crosses a threshold → Prometheus fires → Alertmanager routes → the PagerDuty Events API v2
 * stub (or the Slack stub) receives the event — and the incident resolves when the metric recovers.
 *
 * The exported production configuration is used as is; only timings are shortened, through the export's options
 * (evaluation interval, `for`, group timings). Each scenario records the time from onset to delivery.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles, toYaml } from '../lib/export';
import { FIXTURE_ALERTS, requireBinary, tempDir } from './helpers';
import { freePort, get, MetricsStub, ReceiverStub, RunningProcess, startProcess, stopAll, waitFor } from './e2e/harness';

jest.setTimeout(60000);

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

  const files = renderExport(loadCatalog(FIXTURE_ALERTS), {
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
  fs.writeFileSync(
    path.join(promDir, 'prometheus.yml'),
    toYaml({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yml'],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [
        { job_name: 'deltacrown', static_configs: [{ targets: [`127.0.0.1:${metrics.port}`] }] },
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
  processes.push(await startProcess(
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
  ));
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
  metrics.gauge('pg_stat_activity_count', { datname: 'deltacrown', state: 'active' }, 20);
  metrics.gauge('redis_up', {}, 1);
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

describe('alert pipeline (prometheus → alertmanager → PagerDuty / Slack stubs)', () => {
  it('pages PagerDuty once for 8 % 5xx on deltacrown-api (critical), then resolves it on recovery', async () => {
    const onset = Date.now();
    metrics.rate('http_requests_total', { service: 'deltacrown-api', code: '500', route: '/', method: 'GET' }, 8);
    metrics.rate('http_requests_total', { service: 'deltacrown-api', code: '200', route: '/', method: 'GET' }, 92);
    const trigger = await waitFor('a PagerDuty trigger for DeltaCrownHttp5xxRatioCritical', () => pdEvents('DeltaCrownHttp5xxRatioCritical').find((e) => e.json.event_action === 'trigger'), 45000);
    latencies['5xx 8 % → PagerDuty trigger'] = trigger.at - onset;
    expect(trigger.path).toBe('/v2/enqueue');
    expect(trigger.json).toMatchObject({
      routing_key: ROUTING_KEYS['deltacrown-api'],
      event_action: 'trigger',
      payload: { severity: 'critical', component: 'deltacrown-api', group: 'http-5xx-ratio', class: 'DeltaCrownHttp5xxRatioCritical' },
    });
    expect(trigger.json.dedup_key).toMatch(/^[0-9a-f]{64}$/);
    expect(trigger.json.payload.summary).toContain('DeltaCrownHttp5xxRatioCritical (deltacrown-api): deltacrown-api: HTTP 5xx ratio above 5%');
    expect(trigger.json.payload.custom_details.runbook_url).toMatch(/docs\/runbook\.md#http-5xx-ratio$/);

    // Recovery: the errors stop and a burst of healthy traffic dilutes the 5-minute window below every threshold.
    const recovery = Date.now();
    metrics.rate('http_requests_total', { service: 'deltacrown-api', code: '500', route: '/', method: 'GET' }, 0);
    metrics.rate('http_requests_total', { service: 'deltacrown-api', code: '200', route: '/', method: 'GET' }, 200000);
    const resolve = await waitFor('the PagerDuty resolve event', () => pdEvents('DeltaCrownHttp5xxRatioCritical').find((e) => e.json.event_action === 'resolve'), 45000);
    latencies['recovery → PagerDuty resolve'] = resolve.at - recovery;
    expect(resolve.json.dedup_key).toBe(trigger.json.dedup_key);
    expect(resolve.json.routing_key).toBe(ROUTING_KEYS['deltacrown-api']);
    expect(pdEvents('DeltaCrownHttp5xxRatioCritical').filter((e) => e.json.event_action === 'trigger')).toHaveLength(1);
  });

  it('sends 1.5 % 5xx on deltacrown-worker to Slack only, nothing to PagerDuty', async () => {
    const onset = Date.now();
    metrics.rate('http_requests_total', { service: 'deltacrown-worker', code: '500', route: '/', method: 'GET' }, 1.5);
    metrics.rate('http_requests_total', { service: 'deltacrown-worker', code: '200', route: '/', method: 'GET' }, 98.5);
    const msg = await waitFor('a Slack message for DeltaCrownHttp5xxRatioWarning', () => slackMessages('DeltaCrownHttp5xxRatioWarning')[0], 45000);
    latencies['5xx 1.5 % → Slack'] = msg.at - onset;
    expect(msg.json.channel).toBe('#infra-alerts');
    expect(msg.json.attachments[0].title).toMatch(/^\[FIRING:1\] warning: DeltaCrownHttp5xxRatioWarning \(production, deltacrown-worker\)/);
    // Give Alertmanager several more flushes: still nothing for the worker on PagerDuty.
    await new Promise((r) => setTimeout(r, 4000));
    expect(pagerduty.received.filter((e) => e.json?.routing_key === ROUTING_KEYS['deltacrown-worker'])).toEqual([]);
    metrics.rate('http_requests_total', { service: 'deltacrown-worker', code: '500', route: '/', method: 'GET' }, 0);
  });

  it('pages the owning service (deltacrown-api) with PagerDuty severity error for 85 active DB connections (high)', async () => {
    const onset = Date.now();
    metrics.gauge('pg_stat_activity_count', { datname: 'deltacrown', state: 'active' }, 85);
    const trigger = await waitFor('a PagerDuty trigger for DeltaCrownDatabaseConnectionsHigh', () => pdEvents('DeltaCrownDatabaseConnectionsHigh').find((e) => e.json.event_action === 'trigger'), 45000);
    latencies['DB connections 85 → PagerDuty trigger'] = trigger.at - onset;
    expect(trigger.json).toMatchObject({
      routing_key: ROUTING_KEYS['deltacrown-api'],
      payload: { severity: 'error', component: 'deltacrown-api', custom_details: { severity: 'high', environment: 'production' } },
    });
    metrics.gauge('pg_stat_activity_count', { datname: 'deltacrown', state: 'active' }, 20);
  });

  it('keeps sending the Watchdog to the heartbeat receiver', async () => {
    await waitFor('three heartbeats', () => heartbeat.received.length >= 3, 30000);
    const beats = heartbeat.received.slice(0, 3);
    for (const b of beats) {
      expect(b.json.status).toBe('firing');
      expect(b.json.alerts[0].labels.alertname).toBe('Watchdog');
    }
    latencies['heartbeat interval'] = (beats[2].at - beats[0].at) / 2;
    expect(pagerduty.received.some((e) => e.json?.payload?.class === 'Watchdog')).toBe(false);
  });

  it('fires the notification-failure alert when the PagerDuty endpoint fails', async () => {
    pagerduty.status = 500;
    const onset = Date.now();
    metrics.gauge('redis_up', {}, 0); // a new page that cannot be delivered
    await waitFor('an attempt to page Redis down', () => pdEvents('DeltaCrownRedisDown').length > 0, 45000);
    const alert = await waitFor(
      'DeltaCrownAlertmanagerNotificationFailures firing',
      async () => (await firingAlerts()).find((a) => a.labels.alertname === 'DeltaCrownAlertmanagerNotificationFailures' && a.state === 'firing'),
      45000,
    );
    latencies['PagerDuty failing → notification-failure alert'] = Date.now() - onset;
    expect(alert.labels).toMatchObject({ integration: 'pagerduty', severity: 'high', service: 'deltacrown-api', environment: 'production' });
    pagerduty.status = 202;
    metrics.gauge('redis_up', {}, 1);
  });
});
