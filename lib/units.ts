/**
 * Quantities with explicit units, as the catalog writes thresholds and sizes (`{ value: 20, unit: ms }`), and
 * their conversion to the unit CloudWatch reports a metric in. CloudWatch compares an alarm's threshold with
 * the raw datapoints, so a threshold in the wrong unit is silently off by a factor of 1000 or 60: every
 * conversion lives here, pure and tested, and nothing else multiplies thresholds.
 */
import type { Capacity, CloudWatchUnit, MetricSpec } from './cloudwatch-metrics';
import { fmt } from './num';

/** Units of a size in bytes (binary multiples: AWS "GB" of allocated storage are GiB). */
export const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
export type ByteUnit = (typeof BYTE_UNITS)[number];

/** Units of a duration. `us` is microseconds (µs). */
export const DURATION_UNITS = ['us', 'ms', 's'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** Units of an event rate; converted to events per period for counters of events. */
export const RATE_UNITS = ['per_second', 'per_minute'] as const;
export type RateUnit = (typeof RATE_UNITS)[number];

/** Percentages of an environment capacity (allocated storage, instance memory), converted to bytes. */
export const CAPACITY_UNITS = ['percent_of_allocated_storage', 'percent_of_instance_memory'] as const;
export type CapacityUnit = (typeof CAPACITY_UNITS)[number];

/** Every unit a guardrail threshold may be written in. */
export const THRESHOLD_UNITS = ['count', 'percent', ...RATE_UNITS, ...DURATION_UNITS, ...BYTE_UNITS, ...CAPACITY_UNITS] as const;
export type ThresholdUnit = (typeof THRESHOLD_UNITS)[number];

/** A number with its unit. */
export interface Quantity<U extends string = ThresholdUnit> {
  readonly value: number;
  readonly unit: U;
}

const BYTES: Record<ByteUnit, number> = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
/** Microseconds per unit, for durations written and reported. */
const MICROS: Record<DurationUnit, number> = { us: 1, ms: 1000, s: 1_000_000 };
const NATIVE_MICROS: Partial<Record<CloudWatchUnit, number>> = { Microseconds: 1, Milliseconds: 1000, Seconds: 1_000_000 };
const CAPACITY_OF: Record<CapacityUnit, Capacity> = {
  percent_of_allocated_storage: 'allocated_storage',
  percent_of_instance_memory: 'instance_memory',
};

/** What a conversion needs besides the threshold and the metric. */
export interface ConversionContext {
  /** Alarm period in seconds. */
  readonly periodSeconds: number;
  /** Alarm statistic: `Sum`, `Average`, `Maximum`, `Minimum`, `SampleCount` or a percentile such as `p95`. */
  readonly statistic: string;
  /** Capacities of the environment in bytes, for `percent_of_<capacity>` thresholds. */
  readonly capacityBytes?: Partial<Record<Capacity, number>>;
}

/**
 * A time written with its unit, as a threshold on a Prometheus signal in seconds: `400ms`, `1.5s`, `250us` or
 * `250µs` (microseconds). No space, like a Prometheus duration.
 */
export const TIME_QUANTITY_RE = /^([0-9]+(?:\.[0-9]+)?)(µs|us|ms|s)$/;

/** The seconds of a time written with its unit (`400ms` → 0.4, `250µs` → 0.00025), or undefined when it is none. */
export function parseSeconds(text: string): number | undefined {
  const m = TIME_QUANTITY_RE.exec(text);
  if (!m) return undefined;
  const unit: DurationUnit = m[2] === 'µs' ? 'us' : (m[2] as DurationUnit);
  return round12((Number(m[1]) * MICROS[unit]) / MICROS.s);
}

/** A size in bytes: `{ value: 100, unit: GiB }` → 107374182400. */
export function toBytes(q: Quantity<ByteUnit>): number {
  return Math.round(q.value * BYTES[q.unit]);
}

/** A duration in milliseconds (PostgreSQL's unit for its timeouts): `{ value: 10, unit: s }` → 10000. */
export function toMilliseconds(q: Quantity<DurationUnit>): number {
  return round12((q.value * MICROS[q.unit]) / MICROS.ms);
}

/** The threshold units that fit a metric, in the order a reader would pick them. */
export function allowedUnits(m: MetricSpec): ThresholdUnit[] {
  switch (m.unit) {
    case 'Percent':
      return ['percent'];
    case 'Count':
      return m.events ? ['count', 'per_minute', 'per_second'] : ['count'];
    case 'Count/Second':
      return ['per_second', 'per_minute'];
    case 'Bytes':
      return [...BYTE_UNITS, ...CAPACITY_UNITS.filter((u) => CAPACITY_OF[u] === m.capacity)];
    case 'Seconds':
    case 'Milliseconds':
    case 'Microseconds':
      return ['ms', 's', 'us'];
  }
}

/**
 * Everything wrong with a threshold for a metric: a unit that does not fit (bytes on a percent metric), a rate
 * on a statistic that is not a sum, a missing capacity, a value out of range. Each problem names the field it
 * belongs to (`unit` or `value`). Empty when `toNative` can convert it.
 */
export function thresholdProblems(q: Quantity, m: MetricSpec, ctx: ConversionContext): { field: 'unit' | 'value'; message: string }[] {
  const allowed = allowedUnits(m);
  if (!allowed.includes(q.unit)) {
    return [{ field: 'unit', message: `unit '${q.unit}' does not fit a metric CloudWatch reports in ${m.unit}${m.events ? ' (a count of events per period)' : ''}; expected one of ${allowed.join(', ')}` }];
  }
  const out: { field: 'unit' | 'value'; message: string }[] = [];
  if (m.events && (q.unit === 'per_minute' || q.unit === 'per_second') && ctx.statistic !== 'Sum') {
    out.push({ field: 'unit', message: `a rate (${q.unit}) on a count of events needs statistic Sum (the events of one period), got ${ctx.statistic}` });
  }
  if ((CAPACITY_UNITS as readonly string[]).includes(q.unit)) {
    const capacity = CAPACITY_OF[q.unit as CapacityUnit];
    if (ctx.capacityBytes?.[capacity] === undefined) out.push({ field: 'unit', message: `${q.unit} needs the environment's ${capacity}, which is not set` });
  }
  if (!Number.isFinite(q.value) || q.value < 0) out.push({ field: 'value', message: `expected a non-negative number, got ${q.value}` });
  else if (q.unit === 'percent' && q.value > 100) out.push({ field: 'value', message: `expected a percentage between 0 and 100, got ${q.value}` });
  else if ((CAPACITY_UNITS as readonly string[]).includes(q.unit) && !(q.value > 0 && q.value < 100)) {
    out.push({ field: 'value', message: `expected a percentage strictly between 0 and 100, got ${q.value}` });
  }
  return out;
}

/**
 * The threshold in the metric's native unit, the number CloudWatch compares datapoints with:
 * - durations: `20 ms` on a metric in Seconds → 0.02; `100 ms` on a metric in Microseconds → 100000;
 * - event rates on counters of events (statistic Sum): `1000 per_minute` with a 300 s period → 5000;
 *   on a metric in Count/Second: `60 per_minute` → 1;
 * - sizes: `512 MiB` → 536870912 bytes; `10 percent_of_allocated_storage` of 100 GiB → 10737418240 bytes;
 * - `count` and `percent`: unchanged.
 * Results are rounded to 12 significant digits (bytes to whole bytes). Throws when `thresholdProblems` is not empty.
 */
export function toNative(q: Quantity, m: MetricSpec, ctx: ConversionContext): number {
  const problems = thresholdProblems(q, m, ctx);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  const v = q.value;
  switch (q.unit) {
    case 'count':
    case 'percent':
      return v;
    case 'per_second':
      return m.events ? round12(v * ctx.periodSeconds) : v;
    case 'per_minute':
      return m.events ? round12((v * ctx.periodSeconds) / 60) : round12(v / 60);
    case 'us':
    case 'ms':
    case 's':
      return round12((v * MICROS[q.unit]) / NATIVE_MICROS[m.unit]!);
    case 'bytes':
    case 'KiB':
    case 'MiB':
    case 'GiB':
    case 'TiB':
      return toBytes({ value: v, unit: q.unit });
    case 'percent_of_allocated_storage':
    case 'percent_of_instance_memory':
      return Math.round((v / 100) * ctx.capacityBytes![CAPACITY_OF[q.unit]]!);
  }
}

/** A quantity as people read it: `20 ms`, `1000/min`, `80 %`, `10 % of allocated storage`, `80`. */
export function formatQuantity(q: Quantity): string {
  switch (q.unit) {
    case 'count':
      return fmt(q.value);
    case 'percent':
      return `${fmt(q.value)} %`;
    case 'per_second':
      return `${fmt(q.value)}/s`;
    case 'per_minute':
      return `${fmt(q.value)}/min`;
    case 'us':
      return `${fmt(q.value)} µs`;
    case 'percent_of_allocated_storage':
      return `${fmt(q.value)} % of allocated storage`;
    case 'percent_of_instance_memory':
      return `${fmt(q.value)} % of instance memory`;
    default:
      return `${fmt(q.value)} ${q.unit}`;
  }
}

function round12(n: number): number {
  return Number(n.toPrecision(12));
}
