/**
 * lib/units.ts: thresholds written with units, converted to the unit CloudWatch reports. Property tests over
 * seeded random inputs (reproducible: the seed is fixed) check each conversion against an independent
 * oracle — durations through seconds, event rates through events per second, sizes through bytes — and every
 * alarm the committed catalog renders is checked the same way.
 */
import { loadCatalog } from '../lib/catalog/load';
import { guardrailEnvironments, planGuardrails, AlarmPlan } from '../lib/plan/guardrails';
import { CLOUDWATCH_METRICS, CloudWatchUnit, MetricSpec } from '../lib/cloudwatch-metrics';
import { allowedUnits, formatQuantity, Quantity, thresholdProblems, THRESHOLD_UNITS, ThresholdUnit, toBytes, toMilliseconds, toNative } from '../lib/units';
import { FIXTURE_ALERTS } from './helpers';

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const RUNS = 500;
const random = prng(20251113);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
/** A threshold value as people write them: whole numbers and a few decimals, 0 … 100000. */
const value = (): number => (random() < 0.5 ? Math.floor(random() * 100000) : Number((random() * 1000).toFixed(pick([1, 2, 3]))));
/** A CloudWatch period of whole minutes (60 s … 1 h). */
const period = (): number => 60 * (1 + Math.floor(random() * 60));

/** Oracle: seconds per unit, written or native. */
const SECONDS: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, Microseconds: 1e-6, Milliseconds: 1e-3, Seconds: 1 };
/** Oracle: bytes per unit. */
const BYTE: Record<string, number> = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const gauge = (unit: CloudWatchUnit): MetricSpec => ({ unit, events: false });
const counter: MetricSpec = { unit: 'Count', events: true };

describe('durations (seconds, milliseconds, microseconds)', () => {
  it('a latency written in ms, s or µs equals the threshold in the metric unit (via seconds)', () => {
    for (let i = 0; i < RUNS; i++) {
      const written = pick(['us', 'ms', 's'] as const);
      const native = pick(['Seconds', 'Milliseconds', 'Microseconds'] as const);
      const q = { value: value(), unit: written };
      const t = toNative(q, gauge(native), { periodSeconds: 60, statistic: pick(['Average', 'p90', 'p95', 'Maximum']) });
      expect(close(t * SECONDS[native], q.value * SECONDS[written])).toBe(true);
    }
  });

  it('ms on a metric in seconds divides by 1000; ms on a metric in microseconds multiplies by 1000 (exact decimals)', () => {
    for (let i = 0; i < RUNS; i++) {
      const ms = Math.floor(random() * 100000);
      expect(toNative({ value: ms, unit: 'ms' }, gauge('Seconds'), { periodSeconds: 300, statistic: 'p90' })).toBe(Number((ms / 1000).toPrecision(12)));
      expect(toNative({ value: ms, unit: 'ms' }, gauge('Microseconds'), { periodSeconds: 60, statistic: 'p95' })).toBe(ms * 1000);
    }
    // The runbook's two: RDS ReadLatency p90 > 20 ms, ElastiCache SuccessfulReadRequestLatency p95 > 100 ms.
    expect(toNative({ value: 20, unit: 'ms' }, gauge('Seconds'), { periodSeconds: 300, statistic: 'p90' })).toBe(0.02);
    expect(toNative({ value: 100, unit: 'ms' }, gauge('Microseconds'), { periodSeconds: 60, statistic: 'p95' })).toBe(100000);
  });

  it('PostgreSQL durations become whole milliseconds', () => {
    for (let i = 0; i < RUNS; i++) {
      const s = Math.floor(random() * 3600);
      expect(toMilliseconds({ value: s, unit: 's' })).toBe(s * 1000);
      expect(toMilliseconds({ value: s * 1000, unit: 'us' })).toBe(s);
    }
    expect(toMilliseconds({ value: 10, unit: 's' })).toBe(10000);
  });
});

describe('event rates (per-minute sums)', () => {
  it('a rate on a counter of events becomes the Sum over one period: rate × period', () => {
    for (let i = 0; i < RUNS; i++) {
      const p = period();
      const q = { value: value(), unit: pick(['per_minute', 'per_second'] as const) };
      const t = toNative(q, counter, { periodSeconds: p, statistic: 'Sum' });
      const perSecond = q.unit === 'per_minute' ? q.value / 60 : q.value;
      expect(close(t, perSecond * p)).toBe(true);
    }
  });

  it('1000 evictions per minute is a Sum of 1000 over 60 s and 5000 over 5 minutes', () => {
    expect(toNative({ value: 1000, unit: 'per_minute' }, counter, { periodSeconds: 60, statistic: 'Sum' })).toBe(1000);
    expect(toNative({ value: 1000, unit: 'per_minute' }, counter, { periodSeconds: 300, statistic: 'Sum' })).toBe(5000);
  });

  it('a rate on a counter needs statistic Sum: any other statistic is rejected', () => {
    for (const statistic of ['Average', 'Maximum', 'Minimum', 'SampleCount', 'p99']) {
      const q: Quantity = { value: 1000, unit: 'per_minute' };
      expect(thresholdProblems(q, counter, { periodSeconds: 60, statistic })).toEqual([{ field: 'unit', message: expect.stringMatching(/needs statistic Sum/) }]);
      expect(() => toNative(q, counter, { periodSeconds: 60, statistic })).toThrow(/needs statistic Sum/);
    }
  });

  it('a count per period is taken as it is, whatever the period', () => {
    for (let i = 0; i < RUNS; i++) {
      const v = value();
      expect(toNative({ value: v, unit: 'count' }, counter, { periodSeconds: period(), statistic: 'Sum' })).toBe(v);
    }
  });

  it('a rate on a metric already per second (Count/Second) is divided, not summed', () => {
    for (let i = 0; i < RUNS; i++) {
      const v = value();
      const t = toNative({ value: v, unit: 'per_minute' }, gauge('Count/Second'), { periodSeconds: period(), statistic: 'Average' });
      expect(close(t, v / 60)).toBe(true);
    }
  });
});

describe('sizes and capacities', () => {
  it('binary units are powers of 1024', () => {
    for (let i = 0; i < RUNS; i++) {
      const v = Math.floor(random() * 4096);
      const [unit, exp] = pick([['bytes', 0], ['KiB', 1], ['MiB', 2], ['GiB', 3], ['TiB', 4]] as const);
      expect(toNative({ value: v, unit }, gauge('Bytes'), { periodSeconds: 60, statistic: 'Minimum' })).toBe(v * 1024 ** exp);
    }
  });

  it('a percentage of the allocated storage is that share of its bytes', () => {
    const storage: MetricSpec = { unit: 'Bytes', events: false, capacity: 'allocated_storage' };
    for (let i = 0; i < RUNS; i++) {
      const gib = 20 + Math.floor(random() * 2000);
      const pct = 1 + Math.floor(random() * 98);
      const bytes = toBytes({ value: gib, unit: 'GiB' });
      const t = toNative({ value: pct, unit: 'percent_of_allocated_storage' }, storage, { periodSeconds: 300, statistic: 'Minimum', capacityBytes: { allocated_storage: bytes } });
      expect(Math.abs(t - (pct / 100) * gib * 1024 ** 3)).toBeLessThanOrEqual(0.5);
    }
    expect(
      toNative({ value: 10, unit: 'percent_of_allocated_storage' }, storage, { periodSeconds: 300, statistic: 'Minimum', capacityBytes: { allocated_storage: toBytes({ value: 100, unit: 'GiB' }) } }),
    ).toBe(10737418240);
  });

  it('a capacity threshold without the capacity is a problem, not a guess', () => {
    const storage: MetricSpec = { unit: 'Bytes', events: false, capacity: 'allocated_storage' };
    expect(thresholdProblems({ value: 10, unit: 'percent_of_allocated_storage' }, storage, { periodSeconds: 300, statistic: 'Minimum' })).toEqual([
      { field: 'unit', message: expect.stringMatching(/needs the environment's allocated_storage/) },
    ]);
  });
});

describe('units that do not fit the metric', () => {
  const allMetrics = Object.entries(CLOUDWATCH_METRICS).flatMap(([ns, ms]) => Object.entries(ms).map(([name, spec]) => ({ ns, name, spec })));

  it('every unit outside the allowed set of a metric is rejected with the allowed ones named', () => {
    for (const { spec } of allMetrics) {
      for (const unit of THRESHOLD_UNITS) {
        const problems = thresholdProblems({ value: 1, unit }, spec, { periodSeconds: 60, statistic: 'Sum', capacityBytes: { allocated_storage: 1, instance_memory: 1 } });
        if (allowedUnits(spec).includes(unit)) expect(problems).toEqual([]);
        else expect(problems).toEqual([{ field: 'unit', message: expect.stringContaining(`expected one of ${allowedUnits(spec).join(', ')}`) }]);
      }
    }
  });

  it('groups units by dimension: no time unit on a percent metric, no bytes on a latency, no percent on a count', () => {
    const dimension = (u: ThresholdUnit) =>
      ({ us: 'time', ms: 'time', s: 'time', bytes: 'size', KiB: 'size', MiB: 'size', GiB: 'size', TiB: 'size', percent_of_allocated_storage: 'size', percent_of_instance_memory: 'size', percent: 'percent', count: 'count', per_minute: 'count', per_second: 'count' })[u];
    const expected: Record<CloudWatchUnit, string> = { Count: 'count', 'Count/Second': 'count', Percent: 'percent', Bytes: 'size', Seconds: 'time', Milliseconds: 'time', Microseconds: 'time' };
    for (const { spec } of allMetrics) for (const u of allowedUnits(spec)) expect(dimension(u)).toBe(expected[spec.unit]);
    expect(thresholdProblems({ value: 90, unit: 'bytes' }, gauge('Percent'), { periodSeconds: 60, statistic: 'Average' })[0].message).toBe(
      "unit 'bytes' does not fit a metric CloudWatch reports in Percent; expected one of percent",
    );
  });

  it('rejects impossible values: negative, a percentage above 100, a capacity share of 100 % or more', () => {
    const ctx = { periodSeconds: 60, statistic: 'Average', capacityBytes: { allocated_storage: 100 } };
    expect(thresholdProblems({ value: -1, unit: 'count' }, gauge('Count'), ctx)).toEqual([{ field: 'value', message: 'expected a non-negative number, got -1' }]);
    expect(thresholdProblems({ value: 120, unit: 'percent' }, gauge('Percent'), ctx)).toEqual([{ field: 'value', message: 'expected a percentage between 0 and 100, got 120' }]);
    expect(thresholdProblems({ value: 100, unit: 'percent_of_allocated_storage' }, { unit: 'Bytes', events: false, capacity: 'allocated_storage' }, ctx)).toEqual([
      { field: 'value', message: 'expected a percentage strictly between 0 and 100, got 100' },
    ]);
  });

  it('formats thresholds as people write them', () => {
    expect([
      formatQuantity({ value: 20, unit: 'ms' }),
      formatQuantity({ value: 1000, unit: 'per_minute' }),
      formatQuantity({ value: 80, unit: 'percent' }),
      formatQuantity({ value: 100, unit: 'us' }),
      formatQuantity({ value: 10, unit: 'percent_of_allocated_storage' }),
      formatQuantity({ value: 80, unit: 'count' }),
    ]).toEqual(['20 ms', '1000/min', '80 %', '100 µs', '10 % of allocated storage', '80']);
  });
});

describe('every alarm of the committed catalog', () => {
  const catalog = loadCatalog(FIXTURE_ALERTS);
  const g = catalog.guardrails!;
  const rendered: { env: string; kind: 'rds' | 'elasticache' | 's3'; alarm: AlarmPlan }[] = guardrailEnvironments(catalog).flatMap((env) => {
    const plan = planGuardrails(catalog, env);
    return (['rds', 'elasticache', 's3'] as const).flatMap((kind) => (plan[kind]?.alarms ?? []).map((alarm) => ({ env, kind, alarm })));
  });

  it('renders alarms for both environments', () => {
    expect(new Set(rendered.map((r) => r.env))).toEqual(new Set(['production', 'staging']));
  });

  it.each(['production', 'staging'])('%s: each native threshold equals the written one by the oracle (seconds, µs, per-minute sums, bytes)', (env) => {
    for (const { kind, alarm } of rendered.filter((r) => r.env === env)) {
      const spec = g[kind]!.alarms.find((a) => alarm.id === a.name || alarm.id.startsWith(`${a.name}-`))!;
      const q = spec.overrides?.[env]?.threshold ?? spec.threshold;
      const e = g.environments[env];
      let expected: number;
      if (q.unit === 'ms' || q.unit === 's' || q.unit === 'us') expected = (q.value * SECONDS[q.unit]) / SECONDS[alarm.nativeUnit];
      else if (q.unit === 'per_minute') expected = (q.value / 60) * alarm.period;
      else if (q.unit === 'per_second') expected = q.value * alarm.period;
      else if (q.unit === 'percent_of_allocated_storage') expected = (q.value / 100) * e.rds!.allocated_storage!.value * BYTE[e.rds!.allocated_storage!.unit];
      else if (q.unit === 'percent_of_instance_memory') expected = (q.value / 100) * e.rds!.instance_memory!.value * BYTE[e.rds!.instance_memory!.unit];
      else if (q.unit in BYTE) expected = q.value * BYTE[q.unit];
      else expected = q.value; // count, percent
      // Bytes are rounded to whole bytes; the oracle's own float noise is far below 1e-9.
      expect({ alarm: alarm.alarmName, threshold: alarm.threshold }).toEqual({ alarm: alarm.alarmName, threshold: expect.closeTo(expected, alarm.nativeUnit === 'Bytes' ? 0 : 9) });
    }
  });

  it('the runbook values land in native units: 0.02 s, 100000 µs, 1000 evictions per 60 s, 10 % of 200 GiB', () => {
    const prod = planGuardrails(catalog, 'production');
    const byName = (alarms: readonly AlarmPlan[], id: string) => alarms.find((a) => a.id === id)!;
    expect(byName(prod.rds!.alarms, 'read-latency')).toMatchObject({ threshold: 0.02, nativeUnit: 'Seconds', extendedStatistic: 'p90' });
    expect(byName(prod.rds!.alarms, 'write-latency')).toMatchObject({ threshold: 0.02, nativeUnit: 'Seconds', extendedStatistic: 'p90' });
    expect(byName(prod.elasticache!.alarms, 'read-latency-001')).toMatchObject({ threshold: 100000, nativeUnit: 'Microseconds', extendedStatistic: 'p95' });
    expect(byName(prod.elasticache!.alarms, 'evictions-001')).toMatchObject({ threshold: 1000, statistic: 'Sum', period: 60 });
    expect(byName(prod.rds!.alarms, 'free-storage-space')).toMatchObject({ threshold: 0.1 * 200 * 1024 ** 3, comparisonOperator: 'LessThanThreshold' });
  });
});
