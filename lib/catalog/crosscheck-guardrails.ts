/**
 * Cross-checks of `guardrails.yml` against the rest of the catalog and CloudWatch's rules, each issue located:
 * services, environments and severities known; PagerDuty only where the environment and severity page; known
 * metrics per namespace; threshold units that fit the metric (a latency in `ms` on a metric in seconds is
 * converted, `bytes` on a percent metric is rejected); CloudWatch limits on period, evaluation periods and
 * datapoints; PostgreSQL time parameters written with their unit. Runbook anchors: `crosscheck-runbook.ts`.
 */
import { CatalogIssue } from './errors';
import { Catalog, SEVERITY_ORDER } from './model';
import type { GuardrailAlarm, GuardrailParameter, GuardrailsFile } from './schema-guardrails';
import { FieldPath, SourceFile } from './source';
import { closest } from './closest';
import { Capacity, GUARDRAIL_KINDS, GuardrailKind, metricNames, metricSpec, NAMESPACES } from '../cloudwatch-metrics';
import { thresholdProblems, toMilliseconds } from '../units';
import { seconds } from '../duration';

/** PostgreSQL parameters whose value is a duration in milliseconds (written with a unit in the catalog). */
export const POSTGRES_MS_PARAMETERS = [
  'deadlock_timeout',
  'idle_in_transaction_session_timeout',
  'idle_session_timeout',
  'lock_timeout',
  'log_autovacuum_min_duration',
  'log_min_duration_statement',
  'statement_timeout',
] as const;

/** Redis `maxmemory-policy` values. */
export const MAXMEMORY_POLICIES = ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'noeviction'];

/** Longest evaluation range CloudWatch accepts: 1 day for periods under an hour, 7 days otherwise (seconds). */
export function maxEvaluationRange(periodSeconds: number): number {
  return periodSeconds < 3600 ? 86400 : 604800;
}

/** Every issue of guardrails.yml but its runbook anchors (checked with every other anchor of the catalog). */
export function crossCheckGuardrails(c: Catalog): CatalogIssue[] {
  const g = c.guardrails;
  const src = c.sources.guardrails;
  if (!g || !src) return [];
  const issues: CatalogIssue[] = [];
  const services = c.catalog.services.map((s) => s.name);
  const environments = new Map(c.catalog.environments.map((e) => [e.name, e]));
  const ctx: Ctx = { c, g, src, issues };

  checkService(ctx, g.service, ['service'], services);
  for (const [env, e] of Object.entries(g.environments)) {
    const at = ['environments', env];
    const known = environments.get(env);
    if (!known) {
      issues.push(src.issue(at, `unknown environment '${env}'; expected one of ${[...environments.keys()].join(', ')}`, src.keyAt(['environments'], env)));
    }
    for (const sev of SEVERITY_ORDER) {
      if (e.notify[sev] !== 'pagerduty') continue;
      if (known && !known.pages) {
        issues.push(src.issue([...at, 'notify', sev], `environment ${env} does not page (catalog.yml: pages: false); route ${sev} to an e-mail address or none`));
      } else if (!c.catalog.severities[sev].pages) {
        issues.push(src.issue([...at, 'notify', sev], `severity ${sev} does not page (catalog.yml severities.${sev}.pages: false); route it to an e-mail address or none`));
      }
    }
    for (const kind of GUARDRAIL_KINDS) {
      if (e[kind] && !g[kind]) issues.push(src.issue([...at, kind], `environment ${env} names ${kind} resources, but the file has no top-level '${kind}' section with their alarms`));
    }
    if (e.elasticache) {
      const { replication_group: rg, member_clusters: members } = e.elasticache;
      members.forEach((m, i) => {
        if (members.indexOf(m) !== i) issues.push(src.issue([...at, 'elasticache', 'member_clusters', i], `duplicate member cluster '${m}'`));
        if (!m.startsWith(`${rg}-`)) {
          issues.push(src.issue([...at, 'elasticache', 'member_clusters', i], `expected a member cluster of replication group ${rg} (named ${rg}-001, ${rg}-002 …), got '${m}'`));
        }
      });
    }
  }

  for (const kind of GUARDRAIL_KINDS) {
    const section = g[kind];
    if (!section) continue;
    if (section.service !== undefined) checkService(ctx, section.service, [kind, 'service'], services);
    if ('parameters' in section) checkParameters(ctx, kind, section.parameters, [kind, 'parameters']);
    const names = new Set<string>();
    section.alarms.forEach((a, i) => {
      const at = [kind, 'alarms', i];
      if (names.has(a.name)) issues.push(src.issue([...at, 'name'], `duplicate alarm name '${a.name}' in ${kind}`));
      names.add(a.name);
      checkAlarm(ctx, kind, a, at);
    });
  }
  return issues;
}

interface Ctx {
  c: Catalog;
  g: GuardrailsFile;
  src: SourceFile;
  issues: CatalogIssue[];
}

function checkService(ctx: Ctx, s: string, at: FieldPath, services: string[]): void {
  if (!services.includes(s)) ctx.issues.push(ctx.src.issue(at, `unknown service '${s}'; expected one of ${services.join(', ')}`));
}

function checkSeverity(ctx: Ctx, s: string, at: FieldPath): void {
  if (!(SEVERITY_ORDER as readonly string[]).includes(s)) {
    ctx.issues.push(ctx.src.issue(at, `unknown severity '${s}' for a guardrail alarm; expected one of ${SEVERITY_ORDER.join(', ')}`));
  }
}

function checkAlarm(ctx: Ctx, kind: GuardrailKind, a: GuardrailAlarm, at: FieldPath): void {
  const { src, issues, g } = ctx;
  const namespace = NAMESPACES[kind];
  const spec = metricSpec(kind, a.metric);
  if (!spec) {
    const hint = closest(a.metric, metricNames(kind));
    issues.push(src.issue([...at, 'metric'], `unknown metric '${a.metric}' in ${namespace}${hint ? ` (did you mean '${hint}'?)` : ''}; expected one of ${metricNames(kind).join(', ')}`));
  }
  checkSeverity(ctx, a.severity, [...at, 'severity']);

  const period = seconds(a.period);
  if (!([10, 20, 30].includes(period) || (period >= 60 && period % 60 === 0))) {
    issues.push(src.issue([...at, 'period'], `expected a CloudWatch period of 10s, 20s, 30s or a whole number of minutes, got ${a.period}`));
  } else if (period * a.evaluation_periods > maxEvaluationRange(period)) {
    issues.push(
      src.issue(
        [...at, 'evaluation_periods'],
        `period × evaluation_periods is ${period * a.evaluation_periods} s; CloudWatch allows at most ${maxEvaluationRange(period)} s for a ${a.period} period`,
      ),
    );
  }
  if (a.datapoints_to_alarm > a.evaluation_periods) {
    issues.push(src.issue([...at, 'datapoints_to_alarm'], `expected at most evaluation_periods (${a.evaluation_periods}) datapoints to alarm, got ${a.datapoints_to_alarm}`));
  }

  // Environments whose resources this alarm watches, and whether each overrides the threshold.
  const users = Object.entries(g.environments).filter(([, e]) => e[kind]);
  for (const [env, o] of Object.entries(a.overrides ?? {})) {
    const oat = [...at, 'overrides', env];
    if (!g.environments[env]) {
      issues.push(src.issue(oat, `unknown environment '${env}'; expected one of ${Object.keys(g.environments).join(', ')}`, src.keyAt([...at, 'overrides'], env)));
    }
    if (o.severity !== undefined) checkSeverity(ctx, o.severity, [...oat, 'severity']);
  }
  if (!spec) return;

  const thresholds: { at: FieldPath; value: GuardrailAlarm['threshold']; envs: string[] }[] = [
    { at: [...at, 'threshold'], value: a.threshold, envs: users.filter(([env]) => a.overrides?.[env]?.threshold === undefined).map(([env]) => env) },
    ...Object.entries(a.overrides ?? {})
      .filter(([, o]) => o.threshold !== undefined)
      .map(([env, o]) => ({ at: [...at, 'overrides', env, 'threshold'], value: o.threshold!, envs: [env] })),
  ];
  const anyCapacity: Record<Capacity, number> = { allocated_storage: 1, instance_memory: 1 };
  for (const t of thresholds) {
    for (const p of thresholdProblems(t.value, spec, { periodSeconds: period, statistic: a.statistic, capacityBytes: anyCapacity })) {
      issues.push(src.issue([...t.at, p.field], `${a.metric}: ${p.message}`));
    }
    if (spec.capacity && t.value.unit === `percent_of_${spec.capacity}`) {
      for (const env of t.envs) {
        if (g.environments[env]?.rds?.[spec.capacity] === undefined) {
          issues.push(src.issue([...t.at, 'unit'], `${t.value.unit} needs environments.${env}.${kind}.${spec.capacity}, which is not set`));
        }
      }
    }
  }
}

function checkParameters(ctx: Ctx, kind: GuardrailKind, params: GuardrailParameter[], at: FieldPath): void {
  const { src, issues } = ctx;
  params.forEach((p, i) => {
    const pat = [...at, i];
    if (params.findIndex((q) => q.name === p.name) !== i) issues.push(src.issue([...pat, 'name'], `duplicate parameter '${p.name}'`));
    const timed = kind === 'rds' && (POSTGRES_MS_PARAMETERS as readonly string[]).includes(p.name);
    if (timed && typeof p.value !== 'object') {
      issues.push(src.issue([...pat, 'value'], `${p.name} is a duration (PostgreSQL reads a bare number as milliseconds): write it with its unit, e.g. { value: 10000, unit: ms }`));
    } else if (timed && typeof p.value === 'object') {
      const ms = toMilliseconds(p.value);
      if (p.value.value < 0 || !Number.isInteger(ms)) issues.push(src.issue([...pat, 'value', 'value'], `expected a non-negative whole number of milliseconds, got ${p.value.value} ${p.value.unit}`));
    } else if (typeof p.value === 'object') {
      issues.push(src.issue([...pat, 'value'], `${p.name} takes no unit: only the PostgreSQL time parameters (${POSTGRES_MS_PARAMETERS.join(', ')}) are written as durations`));
    } else if (kind === 'elasticache' && p.name === 'maxmemory-policy' && !MAXMEMORY_POLICIES.includes(String(p.value))) {
      issues.push(src.issue([...pat, 'value'], `expected a Redis maxmemory-policy (${MAXMEMORY_POLICIES.join(', ')}), got '${String(p.value)}'`));
    }
  });
}
