/**
 * The CloudWatch metrics a guardrail alarm may watch, per kind of AWS resource: namespace, the dimension that
 * names the resource, and for every metric the unit CloudWatch reports it in. Catalog thresholds are written
 * in units people use (`20 ms`, `1000 per_minute`, `10 percent_of_allocated_storage`) and converted to these
 * native units (lib/units.ts); a metric not listed here is rejected by the catalog cross-checks.
 *
 * Sources: the RDS, ElastiCache and S3 "CloudWatch metrics" pages of the AWS documentation.
 */

/** Units CloudWatch reports the listed metrics in (the `Unit` of the datapoints). */
export type CloudWatchUnit = 'Count' | 'Count/Second' | 'Percent' | 'Bytes' | 'Seconds' | 'Milliseconds' | 'Microseconds';

/** An environment capacity a byte gauge can be measured against (`percent_of_<capacity>` thresholds). */
export type Capacity = 'allocated_storage' | 'instance_memory';

export interface MetricSpec {
  /** Unit of the datapoints. */
  readonly unit: CloudWatchUnit;
  /**
   * True for counters of events within a period (evictions, errors): statistic `Sum` is the number of events
   * in one period, so a rate threshold (`per_minute`) is converted to a sum per period. False for gauges.
   */
  readonly events: boolean;
  /** For byte gauges: the capacity a `percent_of_<capacity>` threshold refers to. */
  readonly capacity?: Capacity;
}

/** The kinds of AWS resource that carry guardrails, as named in alerts/guardrails.yml. */
export const GUARDRAIL_KINDS = ['rds', 'elasticache', 's3'] as const;
export type GuardrailKind = (typeof GUARDRAIL_KINDS)[number];

/** CloudWatch namespace of each kind. */
export const NAMESPACES: Record<GuardrailKind, string> = {
  rds: 'AWS/RDS',
  elasticache: 'AWS/ElastiCache',
  s3: 'AWS/S3',
};

const gauge = (unit: CloudWatchUnit, capacity?: Capacity): MetricSpec => ({ unit, events: false, ...(capacity ? { capacity } : {}) });
const events = (unit: CloudWatchUnit = 'Count'): MetricSpec => ({ unit, events: true });

/** Known metrics per namespace. */
export const CLOUDWATCH_METRICS: Record<string, Readonly<Record<string, MetricSpec>>> = {
  // RDS instance metrics, dimension DBInstanceIdentifier.
  'AWS/RDS': {
    BurstBalance: gauge('Percent'),
    CPUUtilization: gauge('Percent'),
    DatabaseConnections: gauge('Count'),
    DiskQueueDepth: gauge('Count'),
    FreeStorageSpace: gauge('Bytes', 'allocated_storage'),
    FreeableMemory: gauge('Bytes', 'instance_memory'),
    MaximumUsedTransactionIDs: gauge('Count'),
    OldestReplicationSlotLag: gauge('Bytes'),
    ReadIOPS: gauge('Count/Second'),
    ReadLatency: gauge('Seconds'),
    ReplicaLag: gauge('Seconds'),
    SwapUsage: gauge('Bytes'),
    TransactionLogsDiskUsage: gauge('Bytes'),
    WriteIOPS: gauge('Count/Second'),
    WriteLatency: gauge('Seconds'),
  },
  // ElastiCache (Redis OSS / Valkey) node metrics, dimension CacheClusterId (one member cluster = one node).
  'AWS/ElastiCache': {
    CacheHitRate: gauge('Percent'),
    CacheHits: events(),
    CacheMisses: events(),
    CPUUtilization: gauge('Percent'),
    CurrConnections: gauge('Count'),
    CurrItems: gauge('Count'),
    DatabaseMemoryUsagePercentage: gauge('Percent'),
    EngineCPUUtilization: gauge('Percent'),
    Evictions: events(),
    FreeableMemory: gauge('Bytes'),
    NewConnections: events(),
    ReplicationLag: gauge('Seconds'),
    SuccessfulReadRequestLatency: gauge('Microseconds'),
    SuccessfulWriteRequestLatency: gauge('Microseconds'),
    SwapUsage: gauge('Bytes'),
  },
  // S3 request metrics (need an aws_s3_bucket_metric), dimensions BucketName and FilterId.
  'AWS/S3': {
    '4xxErrors': events(),
    '5xxErrors': events(),
    AllRequests: events(),
    FirstByteLatency: gauge('Milliseconds'),
    GetRequests: events(),
    PutRequests: events(),
    TotalRequestLatency: gauge('Milliseconds'),
  },
};

/** The spec of a metric of a kind's namespace, or undefined when it is not a known metric. */
export function metricSpec(kind: GuardrailKind, metric: string): MetricSpec | undefined {
  const known = CLOUDWATCH_METRICS[NAMESPACES[kind]];
  return Object.prototype.hasOwnProperty.call(known, metric) ? known[metric] : undefined;
}

/** Names of the known metrics of a kind, sorted. */
export function metricNames(kind: GuardrailKind): string[] {
  return Object.keys(CLOUDWATCH_METRICS[NAMESPACES[kind]]).sort();
}
