/**
 * alerts/guardrails.yml: its schema (lib/catalog/schema-guardrails.ts) and cross-checks
 * (lib/catalog/crosscheck-guardrails.ts). The committed file loads; each malformed copy is rejected with the
 * one located error a reader needs (file, line, column, field path, message).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { CatalogIssue } from '../lib/catalog/errors';
import { planGuardrails } from '../lib/plan/guardrails';
import { markdownAnchors } from '../lib/markdown';
import { renderSchemas } from '../bin/schemas';
import { FIXTURE_ALERTS, LIVE_SCHEMAS, copyCatalog, edit, positionOf, ROOT, catalogIssues } from './helpers';

const FILE = 'guardrails.yml';

const issuesOf = (dir: string): CatalogIssue[] => catalogIssues(dir);

describe('the committed guardrails', () => {
  const c = loadCatalog(FIXTURE_ALERTS);

  it('load, for production and staging', () => {
    expect(c.guardrails).toBeDefined();
    expect(Object.keys(c.guardrails!.environments)).toEqual(['production', 'staging']);
  });

  it('hold the runbook prevention settings: statement_timeout 10000 ms, maxmemory-policy allkeys-lru', () => {
    for (const env of ['production', 'staging']) {
      const plan = planGuardrails(c, env);
      expect(plan.rds!.parameterGroup.parameters).toContainEqual({ name: 'statement_timeout', value: '10000', applyMethod: 'immediate' });
      expect(plan.elasticache!.parameterGroup.parameters).toContainEqual({ name: 'maxmemory-policy', value: 'allkeys-lru', applyMethod: 'immediate' });
    }
  });

  it('justify every parameter value', () => {
    for (const kind of ['rds', 'elasticache'] as const) for (const p of c.guardrails![kind]!.parameters) expect(p.why.length).toBeGreaterThan(40);
  });

  it('link every alarm to a section of docs/runbook.md', () => {
    const anchors = markdownAnchors(fs.readFileSync(path.join(ROOT, 'docs', 'runbook.md'), 'utf8'));
    for (const kind of ['rds', 'elasticache', 's3'] as const) for (const a of c.guardrails![kind]!.alarms) expect(anchors).toContain(a.runbook);
  });

  it('has a fresh JSON Schema (npm run schemas)', () => {
    const committed = fs.readFileSync(path.join(LIVE_SCHEMAS, 'guardrails.schema.json'), 'utf8');
    expect(committed).toBe(renderSchemas().get('guardrails.schema.json'));
  });

  it('converts a duration parameter written in seconds to PostgreSQL milliseconds', () => {
    const dir = copyCatalog();
    edit(dir, FILE, 'value: { value: 10000, unit: ms }', 'value: { value: 10, unit: s }');
    const plan = planGuardrails(loadCatalog(dir), 'production');
    expect(plan.rds!.parameterGroup.parameters[0]).toEqual({ name: 'statement_timeout', value: '10000', applyMethod: 'immediate' });
  });
});

interface Case {
  name: string;
  from: string | RegExp;
  to: string;
  /** Text whose position (nth occurrence, + shift) the issue must point at. */
  at: string;
  nth?: number;
  shift?: number;
  field: string;
  message: RegExp;
  /** Further issues the same edit must cause (in file order, after the first). */
  others?: RegExp[];
  /** Copy docs/runbook.md next to the catalog copy (anchor checks). */
  runbook?: boolean;
}

const cases: Case[] = [
  {
    name: 'unknown metric, with the nearest known one suggested',
    from: 'metric: DatabaseConnections',
    to: 'metric: DatabaseConnection',
    at: 'DatabaseConnection',
    field: 'rds.alarms[0].metric',
    message: /^unknown metric 'DatabaseConnection' in AWS\/RDS \(did you mean 'DatabaseConnections'\?\); expected one of BurstBalance, CPUUtilization/,
  },
  {
    name: 'a metric of another namespace (an ElastiCache metric on the S3 bucket)',
    from: 'metric: 5xxErrors',
    to: 'metric: Evictions',
    at: 'metric: Evictions',
    nth: 2,
    shift: 'metric: '.length,
    field: 's3.alarms[0].metric',
    message: /^unknown metric 'Evictions' in AWS\/S3/,
  },
  {
    name: 'bytes on a percent metric',
    from: 'threshold: { value: 90, unit: percent }',
    to: 'threshold: { value: 90, unit: bytes }',
    at: 'bytes }',
    field: 'rds.alarms[1].threshold.unit',
    message: /^CPUUtilization: unit 'bytes' does not fit a metric CloudWatch reports in Percent; expected one of percent$/,
  },
  {
    name: 'a latency threshold in percent (the metric is in seconds)',
    from: 'threshold: { value: 20, unit: ms }',
    to: 'threshold: { value: 20, unit: percent }',
    at: '20, unit: percent }',
    shift: '20, unit: '.length,
    field: 'rds.alarms[3].threshold.unit',
    message: /^ReadLatency: unit 'percent' does not fit a metric CloudWatch reports in Seconds; expected one of ms, s, us$/,
  },
  {
    name: 'a connection count written as a size',
    from: 'threshold: { value: 500, unit: count }',
    to: 'threshold: { value: 500, unit: MiB }',
    at: 'MiB }',
    field: 'elasticache.alarms[4].threshold.unit',
    message: /^CurrConnections: unit 'MiB' does not fit a metric CloudWatch reports in Count; expected one of count$/,
  },
  {
    name: 'an unknown unit',
    from: 'threshold: { value: 100, unit: ms }',
    to: 'threshold: { value: 100, unit: msec }',
    at: 'msec',
    field: 'elasticache.alarms[3].threshold.unit',
    message: /^expected one of count, percent, per_second, per_minute, us, ms, s, bytes, KiB, MiB, GiB, TiB, percent_of_allocated_storage, percent_of_instance_memory, got 'msec'$/,
  },
  {
    name: 'a threshold without its unit',
    from: 'threshold: { value: 80, unit: count }',
    to: 'threshold: 80',
    at: '80\n      severity: high',
    field: 'rds.alarms[0].threshold',
    message: /^expected object, got number$/,
  },
  {
    name: 'a per-minute rate on a statistic that is not a sum',
    from: /(metric: Evictions\n\s+statistic:) Sum/,
    to: '$1 Average',
    at: 'unit: per_minute',
    shift: 'unit: '.length,
    field: 'elasticache.alarms[0].threshold.unit',
    message: /^Evictions: a rate \(per_minute\) on a count of events needs statistic Sum \(the events of one period\), got Average$/,
  },
  {
    name: 'a percentage above 100',
    from: 'threshold: { value: 80, unit: percent }',
    to: 'threshold: { value: 180, unit: percent }',
    at: '180',
    field: 'elasticache.alarms[1].threshold.value',
    message: /^DatabaseMemoryUsagePercentage: expected a percentage between 0 and 100, got 180$/,
  },
  {
    name: 'a share of the allocated storage in an environment that does not say how much it has',
    from: '      allocated_storage: { value: 50, unit: GiB }\n',
    to: '',
    at: 'percent_of_allocated_storage }',
    field: 'rds.alarms[2].threshold.unit',
    message: /^percent_of_allocated_storage needs environments\.staging\.rds\.allocated_storage, which is not set$/,
  },
  {
    name: 'PagerDuty in an environment that does not page',
    from: 'critical: { email: staging-alerts@deltacrown.example.com }',
    to: 'critical: pagerduty',
    at: 'pagerduty',
    nth: 3,
    field: 'environments.staging.notify.critical',
    message: /^environment staging does not page \(catalog\.yml: pages: false\); route critical to an e-mail address or none$/,
  },
  {
    name: 'PagerDuty for a severity that does not page',
    from: 'warning: { email: infra-alerts@deltacrown.example.com }',
    to: 'warning: pagerduty',
    at: 'warning: pagerduty',
    shift: 'warning: '.length,
    field: 'environments.production.notify.warning',
    message: /^severity warning does not page \(catalog\.yml severities\.warning\.pages: false\); route it to an e-mail address or none$/,
  },
  {
    name: 'a destination that is neither pagerduty, none nor an e-mail',
    from: 'warning: none',
    to: 'warning: slack',
    at: 'slack',
    field: 'environments.staging.notify.warning',
    message: /^expected pagerduty, none or \{ email: <address> \}, got "slack"$/,
  },
  {
    name: 'an environment the catalog does not have',
    from: '  staging:\n    region',
    to: '  stagin:\n    region',
    at: 'stagin:',
    field: 'environments.stagin',
    message: /^unknown environment 'stagin'; expected one of production, staging$/,
    // The staging override of an alarm now names an environment the file does not have either.
    others: [/^unknown environment 'staging'; expected one of production, stagin$/],
  },
  {
    name: 'an override for an environment without guardrails',
    from: '        staging:\n          threshold',
    to: '        stage:\n          threshold',
    at: 'stage:',
    field: 'elasticache.alarms[4].overrides.stage',
    message: /^unknown environment 'stage'; expected one of production, staging$/,
  },
  {
    name: 'an unknown severity',
    from: 'severity: high',
    to: 'severity: urgent',
    at: 'urgent',
    field: 'rds.alarms[0].severity',
    message: /^unknown severity 'urgent' for a guardrail alarm; expected one of critical, high, warning$/,
  },
  {
    name: 'a severity that notifies nobody (an alarm needs a topic)',
    from: 'severity: warning',
    to: 'severity: none',
    at: 'none\n      missing_data',
    field: 'rds.alarms[3].severity',
    message: /^unknown severity 'none' for a guardrail alarm/,
  },
  {
    name: 'a runbook anchor that docs/runbook.md does not have',
    from: 'runbook: s3-guardrails',
    to: 'runbook: s3-guardrail',
    at: 's3-guardrail\n',
    field: 's3.alarms[0].runbook',
    message: /^no section '#s3-guardrail' in docs\/runbook\.md; expected one of its anchors, such as s3-guardrails$/,
    runbook: true,
  },
  {
    name: 'an unknown owning service',
    from: /^service: deltacrown-api$/m,
    to: 'service: deltacrown-billing',
    at: 'deltacrown-billing',
    field: 'service',
    message: /^unknown service 'deltacrown-billing'; expected one of deltacrown-api, deltacrown-worker$/,
  },
  {
    name: 'a member cluster of another replication group',
    from: '[deltacrown-prod-redis-001, deltacrown-prod-redis-002]',
    to: '[deltacrown-prod-redis-001, deltacrown-staging-redis-002]',
    at: 'deltacrown-staging-redis-002',
    field: 'environments.production.elasticache.member_clusters[1]',
    message: /^expected a member cluster of replication group deltacrown-prod-redis \(named deltacrown-prod-redis-001, deltacrown-prod-redis-002 …\), got 'deltacrown-staging-redis-002'$/,
  },
  {
    name: 'a period CloudWatch does not offer',
    from: 'period: 1m',
    to: 'period: 90s',
    at: '90s',
    field: 'rds.alarms[0].period',
    message: /^expected a CloudWatch period of 10s, 20s, 30s or a whole number of minutes, got 90s$/,
  },
  {
    name: 'an evaluation range longer than CloudWatch allows',
    from: 'evaluation_periods: 5',
    to: 'evaluation_periods: 1500',
    at: '1500',
    field: 'rds.alarms[0].evaluation_periods',
    message: /^period × evaluation_periods is 90000 s; CloudWatch allows at most 86400 s for a 1m period$/,
  },
  {
    name: 'more datapoints to alarm than evaluation periods',
    from: 'datapoints_to_alarm: 5',
    to: 'datapoints_to_alarm: 6',
    at: 'datapoints_to_alarm: 6',
    shift: 'datapoints_to_alarm: '.length,
    field: 'rds.alarms[0].datapoints_to_alarm',
    message: /^expected at most evaluation_periods \(5\) datapoints to alarm, got 6$/,
  },
  {
    name: 'a duplicate alarm name',
    from: '- name: write-latency',
    to: '- name: read-latency',
    at: 'read-latency',
    nth: 2,
    field: 'rds.alarms[4].name',
    message: /^duplicate alarm name 'read-latency' in rds$/,
  },
  {
    name: 'statement_timeout as a bare number (PostgreSQL would read 10 as 10 ms)',
    from: 'value: { value: 10000, unit: ms }',
    to: 'value: 10',
    at: '10\n',
    field: 'rds.parameters[0].value',
    message: /^statement_timeout is a duration \(PostgreSQL reads a bare number as milliseconds\): write it with its unit, e\.g\. \{ value: 10000, unit: ms \}$/,
  },
  {
    name: 'a unit on a parameter that takes none',
    from: 'value: allkeys-lru',
    to: 'value: { value: 5, unit: s }',
    at: '{ value: 5, unit: s }',
    field: 'elasticache.parameters[0].value',
    message: /^maxmemory-policy takes no unit/,
  },
  {
    name: 'a misspelt maxmemory-policy',
    from: 'value: allkeys-lru',
    to: 'value: allkeys-lr',
    at: 'allkeys-lr\n',
    field: 'elasticache.parameters[0].value',
    message: /^expected a Redis maxmemory-policy \(allkeys-lru, .*\), got 'allkeys-lr'$/,
  },
];

describe('malformed guardrails are rejected with a located error', () => {
  it.each(cases)('$name', (tc) => {
    const dir = copyCatalog();
    const text = edit(dir, FILE, tc.from, tc.to);
    const issues = issuesOf(dir);
    const pos = positionOf(text, tc.at, tc.shift ?? 0, tc.nth ?? 1);
    expect(issues[0]).toEqual({ file: expect.stringMatching(/alerts\/guardrails\.yml$/), ...pos, field: tc.field, message: expect.stringMatching(tc.message) });
    expect(issues.slice(1).map((i) => i.message)).toEqual((tc.others ?? []).map((m) => expect.stringMatching(m)));
  });

  it('reports every problem of a file at once', () => {
    const dir = copyCatalog();
    edit(dir, FILE, 'metric: DatabaseConnections', 'metric: DatabaseConnection');
    edit(dir, FILE, 'threshold: { value: 90, unit: percent }', 'threshold: { value: 90, unit: bytes }');
    edit(dir, FILE, 'datapoints_to_alarm: 5', 'datapoints_to_alarm: 6');
    expect(issuesOf(dir).map((i) => i.field)).toEqual(['rds.alarms[0].metric', 'rds.alarms[0].datapoints_to_alarm', 'rds.alarms[1].threshold.unit']);
  });
});
