/**
 * Realistic incident shapes, run by the real promtool against the rule as it was (fixtures/incidents/old-rules.yml)
 * and the rule of the fixture catalog that replaces it: the old one stays quiet through the incident, the new one
 * fires. One case per finding of issue 12.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse, stringify } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { FIXTURE_ALERTS, requireBinary, tempDir } from './helpers';

const OLD_RULES = path.join(__dirname, 'fixtures', 'incidents', 'old-rules.yml');

interface Incident {
  /** The finding, as the issue words it. */
  name: string;
  /** Spacing of the input samples (the scrape interval). */
  interval: string;
  /** Rule evaluation interval (default: the sample spacing). */
  evaluation?: string;
  series: { series: string; values: string }[];
  at: string;
  /** Old alert names that stay quiet at `at` (and at every instant of `quietAlso`). */
  oldQuiet: string[];
  quietAlso?: string[];
  /** New alerts firing at `at`, each with labels it must carry. */
  newFiring: { alertname: string; labels?: Record<string, string> }[];
  /** Further checks: an alert firing (true) or not (false) at an instant, to show what the old rule did. */
  also?: { alertname: string; at: string; firing: boolean }[];
}

/**
 * A container that crashes 5 s after each start, restarted by the kubelet with its back-off (10 s doubling to the
 * 5-minute cap), scraped every 15 s for `minutes`: the restart counter and the CrashLoopBackOff waiting reason
 * (exposed only while the container waits; marked stale when it runs again).
 */
export function crashLoop(minutes: number): { restarts: string; waiting: string } {
  const periods: [number, number][] = []; // [crash, next start] in seconds
  let start = 0;
  for (let n = 0; start < minutes * 60; n++) {
    const crash = start + 5;
    start = crash + Math.min(10 * 2 ** n, 300);
    periods.push([crash, start]);
  }
  const restarts: number[] = [];
  const waiting: string[] = [];
  for (let t = 0; t <= minutes * 60; t += 15) {
    restarts.push(periods.filter(([, s]) => s <= t).length);
    const w = periods.some(([c, s]) => c <= t && t < s);
    waiting.push(w ? '1' : waiting.length && waiting[waiting.length - 1] === '1' ? 'stale' : '_');
  }
  return { restarts: restarts.join(' '), waiting: waiting.join(' ') };
}

const API = 'deltacrown-api';
/** A week of 5-minute samples. */
const WEEK_5M = (7 * 24 * 60) / 5;

const loop = crashLoop(45);
const POD = 'namespace="deltacrown", pod="deltacrown-worker-5f6d7-k8j9s"';

const incidents: Incident[] = [
  {
    name: 'item 4: a crash-loop with the kubelet back-off: the restart count fires at ~12 min and resolves while it crashes',
    interval: '15s',
    evaluation: '30s',
    series: [
      { series: `kube_pod_container_status_restarts_total{${POD}, container="worker"}`, values: loop.restarts },
      { series: `kube_pod_container_status_waiting_reason{${POD}, container="worker", reason="CrashLoopBackOff"}`, values: loop.waiting },
      // A crash-looping Deployment pod stays in phase Running.
      { series: `kube_pod_status_phase{${POD}, phase="Running"}`, values: '1x180' },
      { series: `kube_pod_status_phase{${POD}, phase="Failed"}`, values: '0x180' },
    ],
    at: '40m',
    oldQuiet: ['OldDeltaCrownPodCrashLooping', 'OldDeltaCrownPodFailed'],
    newFiring: [{ alertname: 'DeltaCrownPodCrashLooping', labels: { service: 'deltacrown-worker', container: 'worker' } }],
    also: [
      { alertname: 'OldDeltaCrownPodCrashLooping', at: '13m', firing: true },
      { alertname: 'OldDeltaCrownPodCrashLooping', at: '25m', firing: false },
      { alertname: 'DeltaCrownPodCrashLooping', at: '25m', firing: true },
    ],
  },
  {
    name: 'item 5: a 45-second query seen by a 15-second scrape, rules evaluated every 30 s',
    interval: '15s',
    evaluation: '30s',
    series: [
      // The query starts at 2m15s and ends before 3m15s; its transaction is as old as it.
      { series: 'pg_stat_activity_max_tx_duration{datname="deltacrown", state="active"}', values: '0x8 0 15 30 45 0x8' },
      { series: 'pg_stat_activity_max_query_duration_seconds{datname="deltacrown"}', values: '0x8 0 15 30 45 0x8' },
    ],
    at: '3m',
    oldQuiet: ['OldDeltaCrownDatabaseLongRunningQuery'],
    quietAlso: ['3m30s', '4m', '4m30s'],
    newFiring: [{ alertname: 'DeltaCrownDatabaseLongRunningQuery', labels: { datname: 'deltacrown' } }],
  },
  {
    name: 'item 5: a query still running fires at the first evaluation past 30 s (45 s), not a minute later (105 s)',
    interval: '15s',
    evaluation: '30s',
    series: [
      { series: 'pg_stat_activity_max_tx_duration{datname="deltacrown", state="active"}', values: '0x8 0+15x20' },
      { series: 'pg_stat_activity_max_query_duration_seconds{datname="deltacrown"}', values: '0x8 0+15x20' },
    ],
    // The query starts at 2m15s.
    at: '3m',
    oldQuiet: ['OldDeltaCrownDatabaseLongRunningQuery'],
    quietAlso: ['3m30s'],
    newFiring: [{ alertname: 'DeltaCrownDatabaseLongRunningQuery' }],
    also: [{ alertname: 'OldDeltaCrownDatabaseLongRunningQuery', at: '4m', firing: true }],
  },
  {
    name: 'item 6: 0.12 % errors for 30 hours (burn rate 1.2) fire only the Watchdog; the ticket tier reports it',
    interval: '5m',
    series: [
      { series: `http_requests_total{service="${API}", code="500"}`, values: '0+6x400' },
      { series: `http_requests_total{service="${API}", code="200"}`, values: '0+4994x400' },
    ],
    at: '30h',
    oldQuiet: ['OldDeltaCrownApiErrorBudgetSlowBurn'],
    quietAlso: ['12h', '24h'],
    newFiring: [{ alertname: 'DeltaCrownApiErrorBudgetSlowLeak', labels: { burn: 'ticket', severity: 'warning' } }],
  },
  {
    name: 'item 7: a drop to 30 % of the usual pages within 10 minutes (the old rule after 18)',
    interval: '5m',
    series: [{ series: `http_requests_total{service="${API}", code="200"}`, values: `0+3000x${3 * WEEK_5M} ${3 * WEEK_5M * 3000 + 900}+900x12` }],
    at: `${(3 * WEEK_5M + 2) * 5}m`,
    oldQuiet: ['OldDeltaCrownTrafficDrop'],
    newFiring: [{ alertname: 'DeltaCrownTrafficDrop', labels: { service: API } }],
    also: [{ alertname: 'OldDeltaCrownTrafficDrop', at: `${(3 * WEEK_5M + 4) * 5}m`, firing: true }],
  },
  {
    name: 'item 7: one unusual week (three times the traffic a week ago) pages the old rule, not the median of three weeks',
    interval: '5m',
    series: [
      {
        series: `http_requests_total{service="${API}", code="200"}`,
        values: `0+3000x${2 * WEEK_5M} ${2 * WEEK_5M * 3000}+9000x${WEEK_5M} ${2 * WEEK_5M * 3000 + 9000 * WEEK_5M + 3000}+3000x12`,
      },
    ],
    at: `${(3 * WEEK_5M + 12) * 5}m`,
    oldQuiet: [],
    newFiring: [],
    also: [
      { alertname: 'OldDeltaCrownTrafficDrop', at: `${(3 * WEEK_5M + 12) * 5}m`, firing: true },
      { alertname: 'DeltaCrownTrafficDrop', at: `${(3 * WEEK_5M + 12) * 5}m`, firing: false },
    ],
  },
  {
    name: 'item 8: two 5xx in 20 requests per 5 minutes were a critical page; below 100 requests there is no ratio',
    interval: '1m',
    series: [
      { series: `http_requests_total{service="${API}", code="500"}`, values: '0+0.4x20' },
      { series: `http_requests_total{service="${API}", code="200"}`, values: '0+3.6x20' },
    ],
    at: '15m',
    oldQuiet: [],
    newFiring: [],
    also: [
      { alertname: 'OldDeltaCrownHttp5xxRatioCritical', at: '15m', firing: true },
      { alertname: 'DeltaCrownHttp5xxRatioCritical', at: '15m', firing: false },
    ],
  },
  {
    name: 'item 1: every API replica gone at +10 min (series stale): the 5xx rule goes quiet',
    interval: '1m',
    series: [
      // 10 % errors, then the pods crash and the scrape fails: stale, then nothing.
      { series: `http_requests_total{service="${API}", code="200"}`, values: '0+900x10 stale _x20' },
      { series: `http_requests_total{service="${API}", code="500"}`, values: '0+100x10 stale _x20' },
      { series: 'kube_deployment_status_replicas_available{namespace="deltacrown", deployment="deltacrown-api"}', values: '3x9 0x21' },
    ],
    at: '20m',
    oldQuiet: ['OldDeltaCrownHttp5xxRatioCritical'],
    newFiring: [
      { alertname: 'DeltaCrownNoAvailableReplica', labels: { service: API, severity: 'critical' } },
      { alertname: 'DeltaCrownServiceMetricsAbsent', labels: { service: API } },
    ],
  },
  {
    name: 'item 1: the traffic drop is pending when the series vanish, and never fires',
    interval: '5m',
    series: [
      // A week of 5000 requests per 5 minutes, then 20 % of it for 10 minutes, then the scrape breaks.
      { series: `http_requests_total{service="${API}", code="200"}`, values: `0+5000x${WEEK_5M} ${WEEK_5M * 5000 + 1000}+1000x2 stale _x12` },
    ],
    at: `${(WEEK_5M + 14) * 5}m`,
    oldQuiet: ['OldDeltaCrownTrafficDrop'],
    newFiring: [{ alertname: 'DeltaCrownServiceMetricsAbsent', labels: { service: API } }],
  },
  {
    name: 'item 1: the redis exporter dies (redis_up never 0, it vanishes)',
    interval: '1m',
    series: [{ series: 'redis_up', values: '1x5 stale _x20' }],
    at: '20m',
    oldQuiet: ['OldDeltaCrownRedisDown'],
    newFiring: [{ alertname: 'DeltaCrownRedisExporterDown' }],
  },
  {
    name: 'item 2: probe_success of /health never arrives in the cluster Prometheus',
    interval: '1m',
    series: [
      { series: 'probe_success{job="deltacrown-transactions", instance="https://deltacrown.example.com/api/transactions", probe="London"}', values: '1x20' },
      { series: 'probe_success{job="deltacrown-shop-items", instance="https://deltacrown.example.com/api/shop/items", probe="London"}', values: '1x20' },
      { series: 'probe_success{job="deltacrown-moderation-ping", instance="https://deltacrown.example.com/api/moderation/enforcement/ping", probe="London"}', values: '1x20' },
    ],
    at: '15m',
    oldQuiet: ['OldDeltaCrownSyntheticCheckCritical'],
    newFiring: [{ alertname: 'DeltaCrownSyntheticResultsAbsent', labels: { job: 'deltacrown-health' } }],
  },
];

/** The fixture catalog's production rules, only the groups holding the named alerts (with their recordings). */
function newRules(dir: string, names: string[]): string {
  const out = tempDir('deltacrown-incident-');
  writeFiles(renderExport(loadCatalog(FIXTURE_ALERTS)), out);
  const doc = parse(fs.readFileSync(path.join(out, 'production', 'prometheus', 'rules.yml'), 'utf8')) as { groups: { name: string; rules: { alert?: string; record?: string }[] }[] };
  const groups = doc.groups
    .filter((g) => g.rules.some((r) => r.alert && names.includes(r.alert)))
    .map((g) => {
      // The chosen alerts and the records they read (a week-long input costs promtool per rule and step).
      const alerts = g.rules.filter((r) => r.alert && names.includes(r.alert)) as { alert: string; expr: string }[];
      return { ...g, rules: g.rules.filter((r) => (r.alert ? names.includes(r.alert) : alerts.some((a) => a.expr.includes((r as { record: string }).record)))) };
    });
  const file = path.join(dir, 'new-rules.yml');
  fs.writeFileSync(file, stringify({ groups }));
  return file;
}

describe('incident shapes: the old rule stays quiet, the new one fires (promtool test rules)', () => {
  const promtool = requireBinary('promtool', 'prometheus');
  it.each(incidents.map((i) => [i.name, i] as const))('%s', (_, inc) => {
    const dir = tempDir('deltacrown-incident-');
    const named = [...inc.oldQuiet, ...inc.newFiring.map((n) => n.alertname), ...(inc.also ?? []).map((n) => n.alertname)];
    const rules = newRules(dir, named.filter((n) => !n.startsWith('Old')));
    // Only the old rules the case names: promtool evaluates every loaded rule at every step of a week-long input.
    const old = parse(fs.readFileSync(OLD_RULES, 'utf8')) as { groups: { rules: { alert: string }[] }[] };
    const oldRules = path.join(dir, 'old-rules.yml');
    fs.writeFileSync(oldRules, stringify({ groups: old.groups.map((g) => ({ ...g, rules: g.rules.filter((r) => named.includes(r.alert)) })) }));
    const test = {
      rule_files: [oldRules, rules],
      evaluation_interval: inc.evaluation ?? inc.interval,
      tests: [
        {
          interval: inc.interval,
          input_series: inc.series,
          alert_rule_test: [
            ...[inc.at, ...(inc.quietAlso ?? [])].flatMap((at) => inc.oldQuiet.map((alertname) => ({ eval_time: at, alertname, exp_alerts: [] }))),
            ...(inc.also ?? []).filter((c) => !c.firing).map((c) => ({ eval_time: c.at, alertname: c.alertname, exp_alerts: [] })),
          ],
          promql_expr_test: [...inc.newFiring.map((n) => ({ ...n, at: inc.at })), ...(inc.also ?? []).filter((c) => c.firing).map((c) => ({ alertname: c.alertname, at: c.at, labels: {} }))].map((n) => {
            const sel = Object.entries({ alertname: n.alertname, alertstate: 'firing', ...(n.labels ?? {}) }).map(([k, v]) => `${k}="${v}"`).join(', ');
            return { expr: `count(ALERTS{${sel}})`, eval_time: n.at, exp_samples: [{ labels: '{}', value: 1 }] };
          }),
        },
      ],
    };
    const file = path.join(dir, 'incident.test.yml');
    fs.writeFileSync(file, stringify(test));
    const r = spawnSync(promtool, ['test', 'rules', file], { encoding: 'utf8', timeout: 120000 });
    expect({ status: r.status, output: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ status: 0, output: '' });
  });
});
