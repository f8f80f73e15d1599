/**
 * The guardrails part of an environment plan (resolve, lib/plan/resolve.ts): alerts/guardrails.yml of one environment as plain data — SNS topics per owning
 * service and severity with their destination, parameter groups with their values in the engine's unit, and
 * CloudWatch alarms with thresholds converted to the metric's native unit (lib/units.ts). No cdktf here: the
 * constructs under constructs/ turn this plan into resources, and `npm run export` writes it as JSON.
 */
import { createHash } from 'crypto';
import type { Catalog, Severity } from '../catalog/model';
import { SEVERITY_ORDER } from '../catalog/model';
import type { GuardrailAlarm, GuardrailEnvironment, GuardrailParameter } from '../catalog/schema-guardrails';
import { CloudWatchUnit, GuardrailKind, metricSpec, NAMESPACES } from '../cloudwatch-metrics';
import { POSTGRES_MS_PARAMETERS } from '../catalog/crosscheck-guardrails';
import { formatQuantity, toBytes, toMilliseconds, toNative } from '../units';
import { seconds } from '../duration';
import { fmt } from '../num';

/** Longest alarm description CloudWatch accepts (characters). */
export const MAX_ALARM_DESCRIPTION = 1024;

/** Where one SNS topic delivers. */
export type DestinationPlan = { kind: 'pagerduty'; service: string } | { kind: 'email'; address: string } | { kind: 'none' };

export interface TopicPlan {
  /** Construct id (stable Terraform address): `<service>-<severity>`. */
  readonly id: string;
  /** SNS topic name: `<service>-<environment>-guardrails-<severity>`. */
  readonly name: string;
  readonly service: string;
  readonly severity: Severity;
  readonly destination: DestinationPlan;
}

export interface AlarmPlan {
  /** Construct id within its kind (stable Terraform address): `<alarm>` or `<alarm>-<node suffix>`. */
  readonly id: string;
  /** CloudWatch alarm name: `deltacrown-<environment>-<kind>-<alarm>[-<node suffix>]`. */
  readonly alarmName: string;
  /** Summary, condition in native and written units, severity and runbook link. */
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Set for Average/Sum/Minimum/Maximum/SampleCount. */
  readonly statistic?: string;
  /** Set for percentiles (`p90`); exclusive with `statistic`. */
  readonly extendedStatistic?: string;
  /** Period in seconds. */
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly comparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  /** Threshold in the metric's native unit (`nativeUnit`). */
  readonly threshold: number;
  readonly nativeUnit: CloudWatchUnit;
  /** The threshold as the catalog writes it: `20 ms`. */
  readonly thresholdText: string;
  readonly treatMissingData: 'missing' | 'ignore' | 'breaching' | 'notBreaching';
  readonly severity: Severity;
  /** Owning service. */
  readonly service: string;
  /** Id of the topic (TopicPlan.id) that gets both the alarm and the OK notifications. */
  readonly topic: string;
  readonly runbookUrl: string;
}

/**
 * How a parameter group is named so that a replacement never collides with the group it replaces. Both groups are
 * created before the old one is deleted (`create_before_destroy`: the old one is still attached to the instance),
 * and `name`, `family` and `description` force a replacement in the AWS provider, so a fixed name would be taken:
 * - RDS: `name_prefix` (`<base>-`), Terraform appends a unique suffix (aws_db_parameter_group has the argument);
 * - ElastiCache has no `name_prefix`: the name ends in a hash of the attributes that force a replacement
 *   (family, description), so a change that replaces the group also renames it.
 */
export type ParameterGroupNaming = { readonly namePrefix: string } | { readonly name: string };

export interface ParameterGroupPlan {
  /** Base of the name: `deltacrown-<environment>-<family>`. */
  readonly baseName: string;
  /** The name (ElastiCache) or name prefix (RDS) the group is created with. */
  readonly naming: ParameterGroupNaming;
  readonly family: string;
  /** Constant per environment and engine (a changed description replaces the group). */
  readonly description: string;
  /** Values as the engine reads them (PostgreSQL durations in milliseconds). */
  readonly parameters: readonly { name: string; value: string; applyMethod: 'immediate' | 'pending-reboot' }[];
}

export interface RdsPlan {
  readonly service: string;
  readonly instanceId: string;
  readonly parameterGroup: ParameterGroupPlan;
  readonly alarms: readonly AlarmPlan[];
}

export interface ElastiCachePlan {
  readonly service: string;
  readonly replicationGroup: string;
  readonly memberClusters: readonly string[];
  readonly parameterGroup: ParameterGroupPlan;
  readonly alarms: readonly AlarmPlan[];
}

export interface S3Plan {
  readonly service: string;
  readonly bucket: string;
  /** Request metrics configuration name (`aws_s3_bucket_metric`), the alarms' FilterId. */
  readonly filterId: string;
  readonly alarms: readonly AlarmPlan[];
}

/** Everything the guardrails stack of one environment creates. */
export interface GuardrailsPlan {
  readonly environment: string;
  readonly region: string;
  /** Tags every AWS resource carries (the provider's default_tags). */
  readonly tags: Readonly<Record<string, string>>;
  readonly topics: readonly TopicPlan[];
  readonly rds?: RdsPlan;
  readonly elasticache?: ElastiCachePlan;
  readonly s3?: S3Plan;
}

/** The environments that have guardrails, in catalog order. */
export function guardrailEnvironments(c: Catalog): string[] {
  const g = c.guardrails;
  if (!g) return [];
  return c.catalog.environments.map((e) => e.name).filter((n) => g.environments[n] !== undefined);
}

/** The guardrails of one environment. Throws when the environment has none. */
export function planGuardrails(c: Catalog, environment: string): GuardrailsPlan {
  const g = c.guardrails;
  const env = g?.environments[environment];
  if (!g || !env) throw new Error(`no guardrails for environment ${environment}`);
  const owner = (kind: GuardrailKind) => g[kind]?.service ?? g.service;
  const kinds = (['rds', 'elasticache', 's3'] as const).filter((k) => env[k] && g[k]);
  const owners = [...new Set([g.service, ...kinds.map(owner)])];

  const topics: TopicPlan[] = owners.flatMap((service) =>
    SEVERITY_ORDER.map((severity) => ({
      id: `${service}-${severity}`,
      name: `${service}-${environment}-guardrails-${severity}`,
      service,
      severity,
      destination: destination(env.notify[severity], service),
    })),
  );

  const alarmsOf = (kind: GuardrailKind, resources: { suffix?: string; what: string; dimensions: Record<string, string> }[]) =>
    g[kind]!.alarms.flatMap((a) => resources.map((r) => renderAlarm(c, environment, env, kind, owner(kind), a, r))).filter((a): a is AlarmPlan => a !== undefined);

  const plan: { -readonly [K in keyof GuardrailsPlan]: GuardrailsPlan[K] } = {
    environment,
    region: env.region,
    tags: { service: g.service, environment, 'managed-by': 'cdktf', 'part-of': 'deltacrown-alerting' },
    topics,
  };
  if (env.rds && g.rds) {
    plan.rds = {
      service: owner('rds'),
      instanceId: env.rds.instance_id,
      parameterGroup: parameterGroup(environment, env.rds.family, 'PostgreSQL', g.rds.parameters, true),
      alarms: alarmsOf('rds', [{ what: `RDS instance ${env.rds.instance_id}`, dimensions: { DBInstanceIdentifier: env.rds.instance_id } }]),
    };
  }
  if (env.elasticache && g.elasticache) {
    const rg = env.elasticache.replication_group;
    plan.elasticache = {
      service: owner('elasticache'),
      replicationGroup: rg,
      memberClusters: env.elasticache.member_clusters,
      parameterGroup: parameterGroup(environment, env.elasticache.family, 'Redis', g.elasticache.parameters, false),
      alarms: alarmsOf(
        'elasticache',
        env.elasticache.member_clusters.map((m) => ({ suffix: m.slice(rg.length + 1), what: `ElastiCache node ${m}`, dimensions: { CacheClusterId: m } })),
      ),
    };
  }
  if (env.s3 && g.s3) {
    const bucket = env.s3.media_bucket;
    plan.s3 = {
      service: owner('s3'),
      bucket,
      filterId: g.s3.request_metrics_filter,
      alarms: alarmsOf('s3', [{ what: `S3 bucket ${bucket}`, dimensions: { BucketName: bucket, FilterId: g.s3.request_metrics_filter } }]),
    };
  }
  return plan;
}

function destination(d: GuardrailEnvironment['notify'][Severity], service: string): DestinationPlan {
  if (d === 'pagerduty') return { kind: 'pagerduty', service };
  if (d === 'none') return { kind: 'none' };
  return { kind: 'email', address: d.email };
}

function parameterGroup(environment: string, family: string, engine: string, params: GuardrailParameter[], postgres: boolean): ParameterGroupPlan {
  const baseName = `deltacrown-${environment}-${family.replace(/[^a-z0-9-]/g, '-')}`;
  const description = `DeltaCrown ${environment} ${engine} guardrails (alerts/guardrails.yml)`;
  return {
    baseName,
    naming: postgres ? { namePrefix: `${baseName}-` } : { name: `${baseName}-${replacementHash(family, description)}` },
    family,
    description,
    parameters: params.map((p) => ({ name: p.name, value: parameterValue(p, postgres), applyMethod: p.apply_method })),
  };
}

/**
 * 8 hex digits of SHA-256 over the attributes that force a parameter group's replacement: the same inputs give the
 * same name (an in-place parameter change keeps it), a change that replaces the group gives a new one.
 */
export function replacementHash(...forceNew: string[]): string {
  return createHash('sha256').update(JSON.stringify(forceNew)).digest('hex').slice(0, 8);
}

/** A parameter value as the engine reads it: PostgreSQL time parameters in whole milliseconds. */
export function parameterValue(p: GuardrailParameter, postgres: boolean): string {
  if (typeof p.value === 'object') {
    if (!postgres || !(POSTGRES_MS_PARAMETERS as readonly string[]).includes(p.name)) throw new Error(`${p.name} takes no unit`);
    return String(toMilliseconds(p.value));
  }
  return String(p.value);
}

const NATIVE_SUFFIX: Record<CloudWatchUnit, string> = {
  Count: '',
  'Count/Second': '/s',
  Percent: ' %',
  Bytes: ' bytes',
  Seconds: ' s',
  Milliseconds: ' ms',
  Microseconds: ' µs',
};

function renderAlarm(
  c: Catalog,
  environment: string,
  env: GuardrailEnvironment,
  kind: GuardrailKind,
  service: string,
  a: GuardrailAlarm,
  r: { suffix?: string; what: string; dimensions: Record<string, string> },
): AlarmPlan | undefined {
  const o = a.overrides?.[environment] ?? {};
  if (o.enabled === false) return undefined;
  const spec = metricSpec(kind, a.metric);
  if (!spec) throw new Error(`unknown metric ${a.metric} in ${NAMESPACES[kind]}`);
  const q = o.threshold ?? a.threshold;
  const severity = (o.severity ?? a.severity) as Severity;
  const period = seconds(a.period);
  const capacityBytes = {
    allocated_storage: env.rds?.allocated_storage && toBytes(env.rds.allocated_storage),
    instance_memory: env.rds?.instance_memory && toBytes(env.rds.instance_memory),
  };
  const threshold = toNative(q, spec, { periodSeconds: period, statistic: a.statistic, capacityBytes });
  const percentile = /^p/.test(a.statistic);
  const written = formatQuantity(q);
  const native = `${fmt(threshold)}${NATIVE_SUFFIX[spec.unit]}`;
  const op = a.comparison === 'above' ? '>' : '<';
  const runbookUrl = `${c.catalog.project.runbook_base_url}#${a.runbook}`;
  const id = r.suffix ? `${a.name}-${r.suffix}` : a.name;
  const description =
    `${a.summary.split('$threshold').join(written)} ` +
    `Condition: ${a.statistic}(${a.metric}) ${op} ${native}${native === written ? '' : ` (${written})`} in ${a.datapoints_to_alarm} of ${a.evaluation_periods} periods of ${a.period}, ${r.what}. ` +
    `Severity: ${severity} (${environment}). Runbook: ${runbookUrl}`;
  if (description.length > MAX_ALARM_DESCRIPTION) throw new Error(`alarm ${id}: description longer than ${MAX_ALARM_DESCRIPTION} characters`);
  return {
    id,
    alarmName: `deltacrown-${environment}-${kind}-${id}`,
    description,
    namespace: NAMESPACES[kind],
    metricName: a.metric,
    dimensions: r.dimensions,
    ...(percentile ? { extendedStatistic: a.statistic } : { statistic: a.statistic }),
    period,
    evaluationPeriods: a.evaluation_periods,
    datapointsToAlarm: a.datapoints_to_alarm,
    comparisonOperator: a.comparison === 'above' ? 'GreaterThanThreshold' : 'LessThanThreshold',
    threshold,
    nativeUnit: spec.unit,
    thresholdText: written,
    treatMissingData: a.missing_data === 'not_breaching' ? 'notBreaching' : a.missing_data,
    severity,
    service,
    topic: `${service}-${severity}`,
    runbookUrl,
  };
}
