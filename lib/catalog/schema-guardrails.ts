/**
 * Schema of `alerts/guardrails.yml`: the AWS CloudWatch guardrails of the runbook's "Prevention" items — the
 * AWS resources of each environment (RDS PostgreSQL instance, ElastiCache Redis replication group, S3 media
 * bucket), the parameter groups that enforce the runbook's settings, and the alarms on their metrics.
 *
 * Every threshold carries its unit (`{ value: 20, unit: ms }`); the cross-checks (crosscheck-guardrails.ts)
 * check it against the metric and lib/units.ts converts it to the unit CloudWatch reports.
 */
import { z } from 'zod';
import { duration, severityRef, slug } from './schema';
import { BYTE_UNITS, DURATION_UNITS, THRESHOLD_UNITS } from '../units';

const quantity = <U extends readonly [string, ...string[]]>(units: U, what: string) =>
  z
    .object({
      value: z.number({ invalid_type_error: 'a number' }),
      unit: z.enum(units),
    })
    .strict()
    .describe(what);

/** A threshold with its unit: `{ value: 20, unit: ms }`. */
export const thresholdSchema = quantity(THRESHOLD_UNITS, 'A threshold with its unit; converted to the unit CloudWatch reports the metric in.');
/** A size: `{ value: 100, unit: GiB }`. */
export const sizeSchema = quantity(BYTE_UNITS, 'A size with its unit (binary: GiB = 1024³ bytes).');

const runbookAnchor = z
  .string()
  .regex(/^[a-z0-9-]+$/, 'an anchor of docs/runbook.md (lower-case, dashes)')
  .describe('Anchor of the section of docs/runbook.md the alarm description links to.');

/** Where the SNS topic of one severity delivers: PagerDuty (pages), an e-mail address, or nobody. */
export const destinationSchema = z.union(
  [
    z.literal('pagerduty').describe("The owning service's PagerDuty CloudWatch integration (HTTPS subscription): pages."),
    z.literal('none').describe('No subscription: the alarm is visible in the CloudWatch console only.'),
    z.object({ email: z.string().email() }).strict().describe('An e-mail subscription (confirmed once by its recipient): does not page.'),
  ],
  { errorMap: () => ({ message: 'pagerduty, none or { email: <address> }' }) },
);

export const alarmOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    threshold: thresholdSchema.optional(),
    severity: severityRef.optional(),
  })
  .strict();

export const guardrailAlarmSchema = z
  .object({
    name: slug.describe('Alarm name within its kind; the CloudWatch alarm is deltacrown-<environment>-<kind>-<name>[-<node>].'),
    metric: z.string().min(1).describe("CloudWatch metric name in the kind's namespace (AWS/RDS, AWS/ElastiCache, AWS/S3)."),
    statistic: z
      .string()
      .regex(/^(Average|Sum|Minimum|Maximum|SampleCount|p(\d{1,2}(\.\d+)?|100))$/, 'a statistic (Average, Sum, Minimum, Maximum, SampleCount) or a percentile such as p95')
      .describe('Statistic over each period; a percentile (p90, p95) becomes an extended statistic.'),
    period: duration.describe('Length of one evaluation period: 10s, 20s, 30s or a whole number of minutes.'),
    evaluation_periods: z.number().int().positive().describe('N: the number of most recent periods evaluated.'),
    datapoints_to_alarm: z.number().int().positive().describe('M: how many of those N periods must breach ("M out of N").'),
    comparison: z.enum(['above', 'below']).describe('The alarm breaches when the statistic is above (or below) the threshold.'),
    threshold: thresholdSchema,
    severity: severityRef.describe('critical, high or warning: chooses the SNS topic.'),
    missing_data: z
      .enum(['missing', 'ignore', 'breaching', 'not_breaching'])
      .describe('How periods without datapoints count (CloudWatch treat_missing_data).'),
    runbook: runbookAnchor,
    summary: z.string().min(1).max(400).describe('One line for the alarm description; `$threshold` is replaced by the threshold as written (`20 ms`). The condition and runbook link are added.'),
    overrides: z.record(slug, alarmOverrideSchema).optional().describe('Per-environment differences, by environment name.'),
  })
  .strict();

export const parameterSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'a parameter name such as statement_timeout or maxmemory-policy'),
    value: z
      .union([z.string().min(1), z.number(), quantity(DURATION_UNITS, 'A duration with its unit; converted to the unit of the parameter.')], {
        errorMap: () => ({ message: 'a string, a number or a duration such as { value: 10000, unit: ms }' }),
      })
      .describe('The value: a string, a number, or for PostgreSQL time parameters a duration with its unit.'),
    apply_method: z.enum(['immediate', 'pending-reboot']).default('immediate').describe('immediate for dynamic parameters, pending-reboot for static ones.'),
    why: z.string().min(1).describe('Why this value: the runbook item or the reasoning behind it.'),
  })
  .strict();

const kindSection = <T extends z.ZodRawShape>(extra: T) =>
  z
    .object({
      service: slug.optional().describe("Owning service (tags, PagerDuty integration); default: the file's service."),
      ...extra,
      alarms: z.array(guardrailAlarmSchema).min(1),
    })
    .strict();

export const rdsEnvironmentSchema = z
  .object({
    instance_id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'an RDS DB instance identifier').describe('DBInstanceIdentifier of the PostgreSQL instance.'),
    family: z.string().regex(/^postgres[0-9]+(\.[0-9]+)?$/, 'a PostgreSQL parameter group family such as postgres16').describe('Parameter group family.'),
    allocated_storage: sizeSchema.optional().describe('Allocated storage of the instance, for percent_of_allocated_storage thresholds.'),
    instance_memory: sizeSchema.optional().describe('Memory of the instance class, for percent_of_instance_memory thresholds.'),
  })
  .strict();

export const elasticacheEnvironmentSchema = z
  .object({
    replication_group: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'an ElastiCache replication group id').describe('Replication group id.'),
    member_clusters: z
      .array(z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'an ElastiCache cluster id'))
      .min(1)
      .describe('Member cluster ids (<replication-group>-001 …): one node each, one set of node alarms each.'),
    family: z.string().regex(/^(redis[0-9]+(\.[0-9x]+)?|valkey[0-9]+)$/, 'an ElastiCache parameter group family such as redis7').describe('Parameter group family.'),
  })
  .strict();

export const s3EnvironmentSchema = z
  .object({
    media_bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').describe('The media bucket (user avatars, team logos).'),
  })
  .strict();

export const guardrailEnvironmentSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, 'an AWS region such as eu-west-1').describe('AWS region of the resources and alarms.'),
    notify: z
      .object({ critical: destinationSchema, high: destinationSchema, warning: destinationSchema })
      .strict()
      .describe("Where each severity's SNS topic delivers in this environment."),
    rds: rdsEnvironmentSchema.optional(),
    elasticache: elasticacheEnvironmentSchema.optional(),
    s3: s3EnvironmentSchema.optional(),
  })
  .strict();

export const guardrailsFileSchema = z
  .object({
    service: slug.describe('Default owning service of the guardrails (tags, PagerDuty integration).'),
    environments: z.record(slug, guardrailEnvironmentSchema).describe('The AWS resources of each environment, by environment name.'),
    rds: kindSection({
      parameters: z.array(parameterSchema).min(1).describe('Parameters of the DB parameter group (PostgreSQL).'),
    }).optional(),
    elasticache: kindSection({
      parameters: z.array(parameterSchema).min(1).describe('Parameters of the ElastiCache parameter group (Redis).'),
    }).optional(),
    s3: kindSection({
      request_metrics_filter: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, 'a metrics configuration name such as EntireBucket')
        .describe('Name of the request metrics configuration (whole bucket); the alarms’ FilterId.'),
    }).optional(),
  })
  .strict();

export type GuardrailsFile = z.infer<typeof guardrailsFileSchema>;
export type GuardrailAlarm = z.infer<typeof guardrailAlarmSchema>;
export type GuardrailEnvironment = z.infer<typeof guardrailEnvironmentSchema>;
export type GuardrailParameter = z.infer<typeof parameterSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type Threshold = z.infer<typeof thresholdSchema>;
