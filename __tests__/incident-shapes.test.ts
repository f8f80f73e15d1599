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
  interval: string;
  series: { series: string; values: string }[];
  at: string;
  /** Old alert names that stay quiet at `at`. */
  oldQuiet: string[];
  /** New alerts firing at `at`, each with labels it must carry. */
  newFiring: { alertname: string; labels?: Record<string, string> }[];
}

const API = 'deltacrown-api';
/** A week of 5-minute samples. */
const WEEK_5M = (7 * 24 * 60) / 5;

const incidents: Incident[] = [
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
  const doc = parse(fs.readFileSync(path.join(out, 'production', 'prometheus', 'rules.yml'), 'utf8')) as { groups: { name: string; rules: { alert?: string }[] }[] };
  const groups = doc.groups
    .filter((g) => g.rules.some((r) => r.alert && names.includes(r.alert)))
    .map((g) => ({ ...g, rules: g.rules.filter((r) => !r.alert || names.includes(r.alert)) }));
  const file = path.join(dir, 'new-rules.yml');
  fs.writeFileSync(file, stringify({ groups }));
  return file;
}

describe('incident shapes: the old rule stays quiet, the new one fires (promtool test rules)', () => {
  const promtool = requireBinary('promtool', 'prometheus');
  it.each(incidents.map((i) => [i.name, i] as const))('%s', (_, inc) => {
    const dir = tempDir('deltacrown-incident-');
    const rules = newRules(dir, inc.newFiring.map((n) => n.alertname));
    const test = {
      rule_files: [OLD_RULES, rules],
      evaluation_interval: inc.interval,
      tests: [
        {
          interval: inc.interval,
          input_series: inc.series,
          alert_rule_test: inc.oldQuiet.map((alertname) => ({ eval_time: inc.at, alertname, exp_alerts: [] })),
          promql_expr_test: inc.newFiring.map((n) => {
            const sel = Object.entries({ alertname: n.alertname, alertstate: 'firing', ...(n.labels ?? {}) }).map(([k, v]) => `${k}="${v}"`).join(', ');
            return { expr: `count(ALERTS{${sel}})`, eval_time: inc.at, exp_samples: [{ labels: '{}', value: 1 }] };
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
