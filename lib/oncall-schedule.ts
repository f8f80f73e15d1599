/**
 * Who is on call when, computed from the PagerDuty schedules the stack configures (`planPagerDuty(…).schedules`),
 * exactly as PagerDuty computes a layer: turns of `rotation_turn_length_seconds` counted from
 * `rotation_virtual_start`, the layer's users taken in order, wrapping around. Before the virtual start the count
 * goes backwards the same way. Hand-offs are instants (UTC); `--tz` only changes how they are printed. Pure: the
 * instant is always passed in.
 */
import type { SchedulePlan } from './plan/pagerduty';

/** One turn of one layer: who holds it and when it starts and ends (ms since the epoch). */
export interface Turn {
  user: string;
  start: number;
  end: number;
}

/** The turn of `layer` that contains `instant`. */
export function turnAt(layer: SchedulePlan['layer'], instant: number): Turn {
  const length = layer.rotationTurnLengthSeconds * 1000;
  const origin = Date.parse(layer.rotationVirtualStart);
  const n = Math.floor((instant - origin) / length);
  const users = layer.users;
  return { user: users[((n % users.length) + users.length) % users.length], start: origin + n * length, end: origin + (n + 1) * length };
}

/** One hand-off period: from one hand-off of either schedule to the next, with who is primary and secondary. */
export interface OnCallPeriod {
  start: Date;
  end: Date;
  primary: string;
  secondary: string;
}

/**
 * The periods from the one containing `at` until `weeks` weeks later: consecutive, each starting where a turn of the
 * primary or the secondary schedule starts.
 */
export function onCallPeriods(schedules: readonly SchedulePlan[], at: Date, weeks: number): OnCallPeriod[] {
  const primary = schedules.find((s) => s.key === 'primary');
  const secondary = schedules.find((s) => s.key === 'secondary');
  if (!primary || !secondary) throw new Error('the PagerDuty plan has no primary and secondary schedules');
  const until = at.getTime() + weeks * 7 * 86400 * 1000;
  const out: OnCallPeriod[] = [];
  let t = at.getTime();
  while (t < until) {
    const p = turnAt(primary.layer, t);
    const s = turnAt(secondary.layer, t);
    const start = Math.max(p.start, s.start);
    const end = Math.min(p.end, s.end);
    out.push({ start: new Date(start), end: new Date(end), primary: p.user, secondary: s.user });
    t = end;
  }
  return out;
}

/** An instant as wall-clock time in a time zone: `2026-03-30 02:00 (GMT+2)`. Throws on an unknown zone. */
export function formatInZone(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(d);
  const v = (k: string) => parts.find((p) => p.type === k)?.value ?? '';
  return `${v('weekday')} ${v('year')}-${v('month')}-${v('day')} ${v('hour')}:${v('minute')} (${v('timeZoneName')})`;
}

/** Whether `timeZone` is an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
