/**
 * Generated metric history for the backtest's end-to-end test: OpenMetrics text that
 * `promtool tsdb create-blocks-from openmetrics` turns into TSDB blocks. Every value is computed here from the
 * declared traffic and incidents, so a test can derive when an alert must fire.
 */

export interface Traffic {
  service: string;
  /** Requests per second. */
  perSecond: number;
  /** Share of them answered with a 500 outside incidents. */
  errorRatio: number;
}

/** A period during which a service answers `errorRatio` of its requests with a 500. */
export interface ErrorIncident {
  service: string;
  /** ms since the epoch, on the sample grid. */
  start: number;
  minutes: number;
  errorRatio: number;
}

/** A gauge series (e.g. a recorded signal already in the history): `value` at every sample unless `override` says otherwise. */
export interface Gauge {
  name: string;
  labels: Record<string, string>;
  value: number;
  override?: { start: number; minutes: number; value: number }[];
}

export interface HistorySpec {
  /** ms since the epoch: first sample. */
  start: number;
  /** ms: last sample at `start + length`. */
  length: number;
  /** Seconds between samples (a scrape interval). */
  stepS: number;
  traffic: Traffic[];
  incidents: ErrorIncident[];
  gauges?: Gauge[];
}

const labelText = (l: Record<string, string>) => `{${Object.keys(l).sort().map((k) => `${k}="${l[k]}"`).join(',')}}`;

/**
 * `http_requests_total{service, code="200"|"500", method="GET", route="/"}` counters of every service (starting at
 * 0 at `start`; the increase between two samples follows the ratio at the earlier one) and the gauges, as
 * OpenMetrics text (timestamps in seconds), one metric family after another, each series in time order.
 */
export function openMetricsHistory(spec: HistorySpec): string {
  const steps = Math.floor(spec.length / (spec.stepS * 1000));
  const times = Array.from({ length: steps + 1 }, (_, k) => spec.start + k * spec.stepS * 1000);
  const within = (t: number, s: number, minutes: number) => t >= s && t < s + minutes * 60000;
  const lines: string[] = ['# HELP http_requests Requests served, by status code.', '# TYPE http_requests counter'];
  for (const tr of spec.traffic) {
    const ratioAt = (t: number) => spec.incidents.find((i) => i.service === tr.service && within(t, i.start, i.minutes))?.errorRatio ?? tr.errorRatio;
    for (const code of ['200', '500']) {
      const series = `http_requests_total${labelText({ service: tr.service, code, method: 'GET', route: '/' })}`;
      let value = 0;
      times.forEach((t, k) => {
        if (k > 0) {
          const r = ratioAt(times[k - 1]);
          value += tr.perSecond * spec.stepS * (code === '500' ? r : 1 - r);
        }
        lines.push(`${series} ${Number(value.toFixed(6))} ${t / 1000}`);
      });
    }
  }
  for (const g of spec.gauges ?? []) {
    lines.push(`# TYPE ${g.name} gauge`);
    const series = `${g.name}${labelText(g.labels)}`;
    for (const t of times) lines.push(`${series} ${g.override?.find((o) => within(t, o.start, o.minutes))?.value ?? g.value} ${t / 1000}`);
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
