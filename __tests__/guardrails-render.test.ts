/**
 * lib/render/guardrails.ts: the guardrails of one environment as plain data — topics and where they deliver,
 * parameter groups, alarms (names, per-node fan-out, overrides, descriptions) — and its `npm run export` file.
 */
import { parse } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { guardrailEnvironments, planGuardrails, AlarmPlan, GuardrailsPlan } from '../lib/plan/guardrails';
import { renderExport } from '../lib/export';
import { FIXTURE_ALERTS, copyCatalog, edit } from './helpers';

const catalog = loadCatalog(FIXTURE_ALERTS);
const allAlarms = (p: GuardrailsPlan): AlarmPlan[] => [...(p.rds?.alarms ?? []), ...(p.elasticache?.alarms ?? []), ...(p.s3?.alarms ?? [])];

describe('planGuardrails', () => {
  const prod = planGuardrails(catalog, 'production');
  const staging = planGuardrails(catalog, 'staging');

  it('covers the environments of guardrails.yml, in catalog order', () => {
    expect(guardrailEnvironments(catalog)).toEqual(['production', 'staging']);
    expect(() => planGuardrails(catalog, 'qa')).toThrow('no guardrails for environment qa');
  });

  it('has one topic per severity for the owning service, delivering where the environment says', () => {
    expect(prod.topics.map((t) => [t.name, t.destination])).toEqual([
      ['deltacrown-api-production-guardrails-critical', { kind: 'pagerduty', service: 'deltacrown-api' }],
      ['deltacrown-api-production-guardrails-high', { kind: 'pagerduty', service: 'deltacrown-api' }],
      ['deltacrown-api-production-guardrails-warning', { kind: 'email', address: 'infra-alerts@deltacrown.example.com' }],
    ]);
    expect(staging.topics.map((t) => t.destination.kind)).toEqual(['email', 'email', 'none']);
  });

  it('fans node alarms out over every member cluster, named after the node', () => {
    const ec = prod.elasticache!;
    expect(ec.alarms).toHaveLength(catalog.guardrails!.elasticache!.alarms.length * ec.memberClusters.length);
    expect(ec.alarms.filter((a) => a.id.startsWith('evictions-')).map((a) => [a.alarmName, a.dimensions])).toEqual([
      ['deltacrown-production-elasticache-evictions-001', { CacheClusterId: 'deltacrown-prod-redis-001' }],
      ['deltacrown-production-elasticache-evictions-002', { CacheClusterId: 'deltacrown-prod-redis-002' }],
    ]);
    expect(staging.elasticache!.alarms.map((a) => a.dimensions.CacheClusterId)).toEqual(Array(5).fill('deltacrown-staging-redis-001'));
  });

  it('gives every alarm a unique name of at most 255 characters, in both environments together', () => {
    const names = [...allAlarms(prod), ...allAlarms(staging)].map((a) => a.alarmName);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(255);
  });

  it('writes descriptions a responder can act on: summary with the threshold, condition in both units, runbook', () => {
    const latency = prod.rds!.alarms.find((a) => a.id === 'read-latency')!;
    expect(latency.description).toBe(
      'PostgreSQL reads are slow: read latency above 20 ms. Condition: p90(ReadLatency) > 0.02 s (20 ms) in 3 of 3 periods of 5m, ' +
        'RDS instance deltacrown-prod. Severity: warning (production). Runbook: https://github.com/deltacrown/alerting/blob/main/docs/runbook.md#rds-guardrails',
    );
    const evictions = prod.elasticache!.alarms.find((a) => a.id === 'evictions-002')!;
    expect(evictions.description).toContain('Condition: Sum(Evictions) > 1000 (1000/min) in 5 of 5 periods of 1m, ElastiCache node deltacrown-prod-redis-002.');
  });

  it('keeps a percentile as extended statistic only, and plain statistics as statistic only', () => {
    for (const a of allAlarms(prod)) expect([a.statistic, a.extendedStatistic].filter((x) => x !== undefined)).toHaveLength(1);
  });

  it('applies per-environment overrides: threshold, severity (and with it the topic), disabled alarms', () => {
    const dir = copyCatalog();
    edit(
      dir,
      'guardrails.yml',
      /(- name: cpu-utilization\n(?: {6}.*\n)*? {6}summary: .*\n)/,
      '$1      overrides:\n        staging: { enabled: false }\n        production: { severity: critical, threshold: { value: 95, unit: percent } }\n',
    );
    const c = loadCatalog(dir);
    const cpu = planGuardrails(c, 'production').rds!.alarms.find((a) => a.id === 'cpu-utilization')!;
    expect(cpu).toMatchObject({ severity: 'critical', topic: 'deltacrown-api-critical', threshold: 95, thresholdText: '95 %' });
    expect(planGuardrails(c, 'staging').rds!.alarms.map((a) => a.id)).not.toContain('cpu-utilization');
  });

  it('owns topics per service: a kind with its own service gets that service’s topics', () => {
    const dir = copyCatalog();
    edit(dir, 'guardrails.yml', /^s3:\n/m, 's3:\n  service: deltacrown-worker\n');
    const p = planGuardrails(loadCatalog(dir), 'production');
    expect(p.topics.map((t) => t.id)).toEqual([
      'deltacrown-api-critical',
      'deltacrown-api-high',
      'deltacrown-api-warning',
      'deltacrown-worker-critical',
      'deltacrown-worker-high',
      'deltacrown-worker-warning',
    ]);
    expect(p.s3!.alarms.map((a) => [a.service, a.topic])).toEqual([['deltacrown-worker', 'deltacrown-worker-high']]);
    expect(p.topics.find((t) => t.id === 'deltacrown-worker-high')!.destination).toEqual({ kind: 'pagerduty', service: 'deltacrown-worker' });
  });
});

describe('npm run export', () => {
  it('writes <env>/aws/guardrails.yml: the plan the stack creates, thresholds in native units', () => {
    const files = renderExport(catalog);
    for (const env of ['production', 'staging']) {
      const text = files.get(`${env}/aws/guardrails.yml`)!;
      expect(text.startsWith('# Generated from the catalog')).toBe(true);
      expect(parse(text)).toEqual(JSON.parse(JSON.stringify(planGuardrails(catalog, env))));
    }
  });
});
