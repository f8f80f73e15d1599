/** Prometheus durations (`30s`, `5m`, `1h30m`, `30d`) to and from seconds. */
const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration string. Throws on a malformed one (the schema rejects those first). */
export function seconds(d: string): number {
  const re = /([0-9]+)(ms|s|m|h|d|w|y)/g;
  let total = 0;
  let consumed = 0;
  for (const m of d.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]];
    consumed += m[0].length;
  }
  if (consumed !== d.length || d.length === 0) throw new Error(`not a duration: ${d}`);
  return total;
}

/** The shortest Prometheus duration for a whole number of seconds: 300 → `5m`, 5400 → `1h30m`. */
export function formatDuration(s: number): string {
  if (s === 0) return '0s';
  let rest = Math.round(s);
  let out = '';
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${u}`;
      rest %= n;
    }
  }
  return out;
}

/** Minutes in a duration, for APIs that count minutes (PagerDuty escalation delays). */
export function minutes(d: string): number {
  return seconds(d) / 60;
}
