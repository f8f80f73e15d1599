/**
 * Builds a scenario's input series for promtool: the healthy background of every metric (scenarios/background.yml,
 * expanded for the environment), sampled every scrape interval from the start of the history to the end, with the
 * scenario's changes applied from the onset in order. Counters are integrated from their rates (a reset restarts
 * them from 0), histograms are filled bucket by bucket so that `histogram_quantile(0.95, …)` reads the wanted p95, a
 * series that vanishes gets a staleness marker and then no samples, as Prometheus writes them.
 * Pure: no I/O.
 */
import type { Catalog } from '../catalog/model';
import type { Change, Scenario } from '../catalog/schema-scenarios';
import { SHAPES } from '../catalog/schema-scenarios';
import { backgroundSeries, BackgroundSeries } from '../catalog/background';
import { Labels, matchesAll, parseSelector, seriesString } from '../label-matchers';
import { seconds } from '../duration';

/** The kubelet's crash-loop back-off: 10 s after the first crash, doubling, capped at 5 minutes (pkg/kubelet: initial and max back-off). */
export const KUBELET_BACKOFF_S = { initial: 10, max: 300 };
/** How long the crash-looping container runs before it crashes again, seconds. */
export const CRASH_AFTER_S = 5;

/** One input series of a promtool test. */
export interface InputSeries {
  series: string;
  values: string;
}

/** The scenario's timeline: samples every `scrape` seconds from 0 to `end`, the onset at `onset`. */
export interface Timeline {
  scrape: number;
  onset: number;
  end: number;
  /** Number of samples (0 … samples − 1). */
  samples: number;
}

export function timeline(c: Catalog, s: Scenario): Timeline {
  const scrape = seconds(s.scrape_interval ?? c.background!.scrape_interval);
  const onset = seconds(s.history);
  const end = onset + seconds(s.duration);
  return { scrape, onset, end, samples: Math.floor(end / scrape) + 1 };
}

interface SimSeries {
  labels: Record<string, string>;
  metric: string;
  type: 'counter' | 'gauge' | 'histogram';
  /** Sample every `every`-th scrape (a source reporting less often), else undefined. */
  every?: number;
  /** Per sample: counters and histograms, increase per second over the interval ending at the sample. */
  rate?: number[];
  /** Extra increase arriving at the sample (a restart counted by kube-state-metrics). */
  bump?: number[];
  /** Gauges. */
  value?: number[];
  /** Histograms. */
  p95?: number[];
  buckets?: number[];
  present: boolean[];
  /** Counters: restart from 0 at this sample. */
  reset: boolean[];
  /** Raw promtool tokens that replace the generated samples where set. */
  raw?: (string | undefined)[];
}

/** The input series of `s` in `environment`. */
export function scenarioSeries(c: Catalog, environment: string, s: Scenario): InputSeries[] {
  const t = timeline(c, s);
  const series: SimSeries[] = backgroundSeries(c, environment).map((b) => fromBackground(b, t));
  for (const ch of s.changes) apply(series, ch, t);
  return series.flatMap((x) => encode(x, t));
}

function fromBackground(b: BackgroundSeries, t: Timeline): SimSeries {
  const n = t.samples;
  const every = b.everySeconds && b.everySeconds > t.scrape ? Math.round(b.everySeconds / t.scrape) : undefined;
  const x: SimSeries = { labels: { ...b.labels }, metric: b.metric, type: b.type, every, present: Array(n).fill(true), reset: Array(n).fill(false) };
  if (b.type === 'gauge') x.value = Array(n).fill(b.value ?? 0);
  else x.rate = Array(n).fill(b.rate ?? 0);
  if (b.type === 'histogram') {
    x.p95 = Array(n).fill(b.p95 ?? 0);
    x.buckets = [...(b.buckets ?? [])];
  }
  return x;
}

/** Sample indices a change covers: from onset + at to onset + until (exclusive), and the weight of its target at each. */
function window(ch: Change, t: Timeline): { from: number; to: number; weight: (j: number) => number } {
  const start = t.onset + seconds(ch.at);
  const stop = ch.until === undefined ? Infinity : t.onset + seconds(ch.until);
  const from = Math.ceil(start / t.scrape);
  const to = Math.min(t.samples, Math.ceil(stop / t.scrape));
  const ramp = ch.ramp === undefined ? 0 : seconds(ch.ramp);
  return { from, to, weight: (j) => (ramp <= 0 ? 1 : Math.min(1, Math.max(0, (j * t.scrape - start) / ramp))) };
}

function select(series: SimSeries[], text: string): SimSeries[] {
  const sel = parseSelector(text);
  return series.filter((x) => matchesAll(sel.matchers, x.labels, 'prometheus'));
}

/** Splits `total` over `xs` in proportion to `weights` (equally when they are all 0). */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
}

function apply(series: SimSeries[], ch: Change, t: Timeline): void {
  const kind = SHAPES.find((k) => ch[k] !== undefined)!;
  const { from, to, weight } = window(ch, t);
  const each = (fn: (j: number, w: number) => void) => {
    for (let j = from; j < to; j++) fn(j, weight(j));
  };
  switch (kind) {
    case 'rate': {
      const xs = select(series, ch.rate!.select);
      each((j, w) => {
        const cur = xs.map((x) => x.rate![j]);
        const total = cur.reduce((a, b) => a + b, 0);
        const target = ch.rate!.to ?? total * ch.rate!.factor!;
        split(total + w * (target - total), cur).forEach((r, i) => (xs[i].rate![j] = r));
      });
      return;
    }
    case 'ratio': {
      const bad = select(series, ch.ratio!.of);
      const all = [...new Set([...select(series, ch.ratio!.in), ...bad])];
      const good = all.filter((x) => !bad.includes(x));
      each((j, w) => {
        const b = bad.map((x) => x.rate![j]);
        const g = good.map((x) => x.rate![j]);
        const badSum = b.reduce((a, v) => a + v, 0);
        const total = badSum + g.reduce((a, v) => a + v, 0);
        const r0 = total > 0 ? badSum / total : 0;
        const r = r0 + w * (ch.ratio!.to - r0);
        split(total * r, b).forEach((v, i) => (bad[i].rate![j] = v));
        if (good.length) split(total * (1 - r), g).forEach((v, i) => (good[i].rate![j] = v));
      });
      return;
    }
    case 'value':
      for (const x of select(series, ch.value!.select)) each((j, w) => (x.value![j] += w * (ch.value!.to - x.value![j])));
      return;
    case 'latency':
      for (const x of select(series, ch.latency!.select).filter((y) => y.type === 'histogram')) each((j, w) => (x.p95![j] += w * (ch.latency!.p95 - x.p95![j])));
      return;
    case 'vanish':
      for (const x of select(series, ch.vanish!.select)) each((j) => (x.present[j] = false));
      return;
    case 'reset':
      for (const x of select(series, ch.reset!.select)) if (from < t.samples && x.type !== 'gauge') x.reset[from] = true;
      return;
    case 'sawtooth': {
      const { from: lo, to: hi, period } = ch.sawtooth!;
      const p = seconds(period);
      for (const x of select(series, ch.sawtooth!.select)) each((j) => (x.value![j] = lo + ((hi - lo) * (((j - from) * t.scrape) % p)) / p));
      return;
    }
    case 'probes_fail': {
      const { check, probes } = ch.probes_fail!;
      for (const x of series.filter((y) => y.metric === 'probe_success' && y.labels.job === check && probes.includes(y.labels.probe))) each((j) => (x.value![j] = 0));
      return;
    }
    case 'crash_loop':
      crashLoop(series, ch, t, from, to);
      return;
    case 'series': {
      const labels = seriesLabels(ch.series!.series);
      const key = seriesString(labels);
      let x = series.find((y) => seriesString(y.labels) === key);
      if (!x) {
        x = { labels, metric: labels.__name__, type: 'gauge', value: Array(t.samples).fill(0), present: Array(t.samples).fill(false), reset: Array(t.samples).fill(false) };
        series.push(x);
      }
      x.raw ??= Array(t.samples).fill(undefined);
      expandPromtool(ch.series!.values).forEach((tok, i) => {
        if (from + i < to) x!.raw![from + i] = tok;
      });
      return;
    }
  }
}

/** The labels of a raw series `metric{a="b"}`. */
function seriesLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of parseSelector(text).matchers) out[m.name] = m.value;
  return out;
}

/**
 * A container crash-looping from the change's start: it runs `CRASH_AFTER_S`, crashes, waits the kubelet's
 * back-off (10 s, 20 s, 40 s … capped at 5 minutes) in CrashLoopBackOff, starts again. kube-state-metrics shows the
 * waiting reason only while it waits, and counts every restart. After `until` it keeps running.
 */
function crashLoop(series: SimSeries[], ch: Change, t: Timeline, from: number, to: number): void {
  const { namespace, pod, container } = ch.crash_loop!;
  const waits = crashLoopWaits(from * t.scrape, Math.min(to >= t.samples ? Infinity : to * t.scrape, t.end + 1));
  const base = { namespace, pod, container };
  const waitingLabels = { __name__: 'kube_pod_container_status_waiting_reason', ...base, reason: 'CrashLoopBackOff' };
  const key = seriesString(waitingLabels);
  let waiting = series.find((x) => seriesString(x.labels) === key);
  if (!waiting) {
    waiting = { labels: waitingLabels, metric: waitingLabels.__name__, type: 'gauge', value: Array(t.samples).fill(1), present: Array(t.samples).fill(false), reset: Array(t.samples).fill(false) };
    series.push(waiting);
  }
  const restartsKey = seriesString({ __name__: 'kube_pod_container_status_restarts_total', ...base });
  let restarts = series.find((x) => seriesString(x.labels) === restartsKey);
  if (!restarts) {
    restarts = { labels: { __name__: 'kube_pod_container_status_restarts_total', ...base }, metric: 'kube_pod_container_status_restarts_total', type: 'counter', rate: Array(t.samples).fill(0), present: Array(t.samples).fill(true), reset: Array(t.samples).fill(false) };
    series.push(restarts);
  }
  restarts.bump ??= Array(t.samples).fill(0);
  for (let j = 0; j < t.samples; j++) {
    const at = j * t.scrape;
    waiting.present[j] = waits.some(([c0, s0]) => c0 <= at && at < s0);
    restarts.bump[j] += waits.filter(([, s0]) => s0 <= at && s0 > at - t.scrape).length;
  }
}

/**
 * When a container that starts at `start` (seconds) and crashes `CRASH_AFTER_S` after every start waits in
 * CrashLoopBackOff: [crash, next start] pairs, the back-off doubling from 10 s to its 5-minute cap; no crash at or
 * after `stop`.
 */
export function crashLoopWaits(start: number, stop: number): [number, number][] {
  const waits: [number, number][] = [];
  for (let n = 0, run = start; run < stop; n++) {
    const crash = run + CRASH_AFTER_S;
    if (crash >= stop) break;
    run = crash + Math.min(KUBELET_BACKOFF_S.initial * 2 ** n, KUBELET_BACKOFF_S.max);
    waits.push([crash, run]);
  }
  return waits;
}

/** Cumulative share of observations at or below each finite bucket bound for a distribution with this p95. */
export function bucketShares(buckets: number[], p95: number): number[] {
  let k = buckets.findIndex((b) => p95 <= b);
  if (k === -1) k = buckets.length - 1;
  const lo = k === 0 ? 0 : buckets[k - 1];
  const u = Math.min(1, Math.max(1e-9, (p95 - lo) / (buckets[k] - lo)));
  let cLo: number;
  let cHi: number;
  if (k === 0) {
    // From 0: histogram_quantile reads bound × 0.95 / share; the lowest p95 it can show is 0.95 × the first bound.
    cLo = 0;
    cHi = Math.min(1, 0.95 / u);
  } else if (u <= 0.9) {
    cHi = 1;
    cLo = (0.95 - u) / (1 - u);
  } else {
    cLo = 0.5;
    cHi = 0.5 + 0.45 / u;
  }
  return buckets.map((_, i) => (i < k ? cLo : i === k ? cHi : 1));
}

/** A number as promtool reads it, never in exponent notation (`1e-7` would read as a step in `a+bxn`). */
const num = (v: number) => {
  if (!Number.isFinite(v)) return '0';
  const r = Number(v.toPrecision(12));
  if (Object.is(r, -0) || r === 0) return '0';
  const text = String(r);
  return /e/i.test(text) ? r.toFixed(12).replace(/\.?0+$/, '') : text;
};

/** The promtool series of one simulated series (a histogram: its buckets, _count and _sum). */
function encode(x: SimSeries, t: Timeline): InputSeries[] {
  const n = t.samples;
  const sampled = (j: number) => (x.every ? j % x.every === 0 : true);
  const streams: { labels: Labels; values: number[] }[] = [];
  if (x.type === 'gauge') streams.push({ labels: x.labels, values: x.value! });
  else if (x.type === 'counter') streams.push({ labels: x.labels, values: cumulative(x, t, () => 1) });
  else {
    const name = x.labels.__name__;
    const bounds = [...x.buckets!, Infinity];
    // The shares of every bucket at a p95, computed once per distinct p95 (it is constant over most of a scenario).
    const sharesAt = new Map<number, number[]>();
    const sharesOf = (p95: number) => {
      let sh = sharesAt.get(p95);
      if (!sh) sharesAt.set(p95, (sh = bucketShares(x.buckets!, p95)));
      return sh;
    };
    bounds.forEach((b, bi) => {
      const share = (j: number) => (b === Infinity ? 1 : sharesOf(x.p95![j])[bi]);
      streams.push({ labels: { ...x.labels, __name__: `${name}_bucket`, le: b === Infinity ? '+Inf' : num(b) }, values: cumulative(x, t, share) });
    });
    streams.push({ labels: { ...x.labels, __name__: `${name}_count` }, values: cumulative(x, t, () => 1) });
    // The mean of the distribution bucketShares draws is close to half its p95.
    streams.push({ labels: { ...x.labels, __name__: `${name}_sum` }, values: cumulative(x, t, (j) => x.p95![j] / 2) });
  }
  return streams.map((s) => {
    const tokens: string[] = [];
    let shown = false;
    for (let j = 0; j < n; j++) {
      const raw = x.raw?.[j];
      if (raw !== undefined) {
        tokens.push(raw);
        shown = raw !== '_' && raw !== 'stale';
        continue;
      }
      if (!x.present[j]) {
        tokens.push(shown ? 'stale' : '_');
        shown = false;
      } else if (!sampled(j)) tokens.push('_');
      else {
        tokens.push(num(s.values[j]));
        shown = true;
      }
    }
    return { series: seriesString(s.labels), values: compress(tokens) };
  });
}

/** A counter's value at every sample: its rate (× `share` of it, for a bucket) integrated, restarted at resets. */
function cumulative(x: SimSeries, t: Timeline, share: (j: number) => number): number[] {
  const out: number[] = [];
  let c = 0;
  for (let j = 0; j < t.samples; j++) {
    const inc = j === 0 ? 0 : x.rate![j] * t.scrape * share(j) + (x.bump?.[j] ?? 0) * share(j);
    c = x.reset[j] ? inc : c + inc;
    out.push(c);
  }
  return out;
}

/**
 * promtool's expanding notation for a list of samples: runs of a constant step become `a+bxn` (n + 1 values),
 * runs of missing samples `_xn` (n of them), so that a day of samples is a short string.
 */
export function compress(tokens: string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i];
    if (tok === '_') {
      let j = i;
      while (j < tokens.length && tokens[j] === '_') j++;
      out.push(j - i === 1 ? '_' : `_x${j - i}`);
      i = j;
      continue;
    }
    const a = Number(tok);
    if (tok === 'stale' || !Number.isFinite(a) || i + 1 >= tokens.length || !Number.isFinite(Number(tokens[i + 1])) || tokens[i + 1] === '_') {
      out.push(tok);
      i++;
      continue;
    }
    const step = Number(num(Number(tokens[i + 1]) - a));
    let j = i + 1;
    while (j < tokens.length && tokens[j] !== '_' && tokens[j] !== 'stale' && Math.abs(Number(tokens[j]) - (a + step * (j - i))) <= 1e-9 * Math.max(1, Math.abs(Number(tokens[j])))) j++;
    const n = j - i - 1;
    if (n === 0) out.push(tok);
    else if (step === 0) out.push(`${tok}x${n}`);
    else out.push(`${tok}${step < 0 ? '-' : '+'}${num(Math.abs(step))}x${n}`);
    i = j;
  }
  return out.join(' ');
}

/** Expands promtool notation into one token per sample (`_`, `stale` or a number). */
export function expandPromtool(values: string): string[] {
  const out: string[] = [];
  for (const tok of values.trim().split(/\s+/)) {
    let m: RegExpExecArray | null;
    if ((m = /^_x([0-9]+)$/.exec(tok))) for (let i = 0; i < Number(m[1]); i++) out.push('_');
    else if ((m = /^([-+]?[0-9.e]+)([+-][0-9.e]+)x([0-9]+)$/.exec(tok))) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      for (let i = 0; i <= Number(m[3]); i++) out.push(num(a + b * i));
    } else if ((m = /^([-+]?[0-9.e]+)x([0-9]+)$/.exec(tok))) for (let i = 0; i <= Number(m[2]); i++) out.push(m[1]);
    else out.push(tok);
  }
  return out;
}
