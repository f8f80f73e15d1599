/**
 * The healthy background of the scenario library (scenarios/background.yml), expanded for one environment into
 * concrete series: every metric of the contract with its labels and its healthy rate (counters, histograms) or
 * value (gauges). `for_each: synthetic_check` becomes one series per synthetic check and probe location, labelled
 * as Synthetic Monitoring labels its results (job = the check, instance = its URL, probe = the location).
 */
import type { Catalog } from './model';
import type { FieldPath } from './source';
import { seconds } from '../duration';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface BackgroundSeries {
  /** The metric of the contract (a histogram's base name, without `_bucket`). */
  metric: string;
  type: MetricType;
  /** Labels, `__name__` = the metric. */
  labels: Record<string, string>;
  /** Counters and histograms: increase per second. */
  rate?: number;
  /** Gauges. */
  value?: number;
  /** Histograms: finite bucket upper bounds, ascending. */
  buckets?: number[];
  /** Histograms: the 95th percentile, seconds. */
  p95?: number;
  /** Spacing of the samples, seconds, when the source reports less often than the scrape interval. */
  everySeconds?: number;
  /** Where it is written in background.yml. */
  at: FieldPath;
}

/** Every series of the background in `environment`, in file order. Empty without a background. */
export function backgroundSeries(c: Catalog, environment: string): BackgroundSeries[] {
  const out: BackgroundSeries[] = [];
  if (!c.background) return out;
  for (const [metric, entries] of Object.entries(c.background.metrics)) {
    const type = c.metrics.metrics[metric]?.type;
    if (!type) continue; // an unknown metric is reported by the cross-checks
    entries.forEach((e, i) => {
      const base = {
        metric,
        type,
        rate: e.rate,
        value: e.value,
        buckets: e.buckets,
        p95: e.p95,
        at: ['metrics', metric, i] as FieldPath,
      };
      const every = e.every === undefined ? undefined : seconds(e.every);
      if (e.for_each === 'synthetic_check') {
        const s = c.synthetics;
        if (!s) return;
        const url = s.base_urls[environment]?.replace(/\/+$/, '') ?? '';
        for (const chk of s.checks) {
          for (const probe of chk.probes ?? s.defaults.probes) {
            out.push({
              ...base,
              labels: { ...e.labels, __name__: metric, job: chk.name, instance: `${url}${chk.path}`, probe },
              everySeconds: every ?? seconds(chk.frequency ?? s.defaults.frequency),
            });
          }
        }
        return;
      }
      out.push({ ...base, labels: { ...e.labels, __name__: metric }, everySeconds: every });
    });
  }
  return out;
}
