/**
 * Instants of the backtest's range: ISO 8601 date-times and `now`-relative forms (`now-7d`, `now-1h30m`). "Now" is
 * a parameter: only the command line reads the clock, tests pass instants.
 */
import { formatDuration, seconds } from '../duration';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const RELATIVE = /^now(?:\s*-\s*([0-9a-z]+))?$/;

/**
 * The instant `text` names: an ISO 8601 date-time with a time zone designator (`2026-03-02T10:00:00Z`), a date
 * (`2026-03-02`, midnight UTC), `now`, or `now-<duration>` with a Prometheus duration (`now-7d`, `now-1h30m`).
 * Throws a message naming `what` (e.g. `--from`) and the accepted forms.
 */
export function parseInstant(text: string, now: Date, what = 'time'): Date {
  const t = text.trim();
  const rel = RELATIVE.exec(t);
  if (rel) {
    if (!rel[1]) return new Date(now.getTime());
    try {
      return new Date(now.getTime() - seconds(rel[1]) * 1000);
    } catch {
      // falls through to the message below
    }
  } else if (ISO.test(t) && !Number.isNaN(Date.parse(t))) {
    return new Date(t.length === 10 ? `${t}T00:00:00Z` : t);
  }
  throw new Error(`${what}: '${text}' is not a time; expected an ISO 8601 instant (2026-03-02T00:00:00Z), a date (2026-03-02), now or now-<duration> (now-7d, now-12h)`);
}

/** `2026-03-02T10:06:30Z` (seconds precision, UTC). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** A length of time for people: `14m30s`, `2d3h`, `0s`. */
export function humanSeconds(s: number): string {
  return formatDuration(Math.round(s));
}
