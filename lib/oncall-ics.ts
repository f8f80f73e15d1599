/**
 * The rotation as an iCalendar file (RFC 5545) the team can subscribe to: one event per turn and role
 * ("Primary on-call: …", "Secondary on-call: …"), times in UTC, stable UIDs (a re-export updates events rather than
 * duplicating them). Written with ical.js, the same library the tests parse it back with.
 */
import ICAL from 'ical.js';
import type { OnCallPeriod } from './oncall-schedule';

export function renderOnCallIcs(opts: { project: string; environment: string; periods: OnCallPeriod[]; stamp: Date }): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.updatePropertyWithValue('prodid', `-//${opts.project}//alerting-as-code on-call//EN`);
  cal.updatePropertyWithValue('version', '2.0');
  cal.updatePropertyWithValue('calscale', 'GREGORIAN');
  cal.updatePropertyWithValue('x-wr-calname', `${opts.project} on-call (${opts.environment})`);
  const time = (d: Date) => ICAL.Time.fromJSDate(d, true);
  for (const p of opts.periods) {
    for (const role of ['primary', 'secondary'] as const) {
      const ev = new ICAL.Component('vevent');
      const start = p.start.toISOString().replace(/[-:]|\.\d+/g, '');
      ev.updatePropertyWithValue('uid', `${opts.project.toLowerCase()}-${opts.environment}-${role}-${start}@oncall`);
      ev.updatePropertyWithValue('dtstamp', time(opts.stamp));
      ev.updatePropertyWithValue('dtstart', time(p.start));
      ev.updatePropertyWithValue('dtend', time(p.end));
      ev.updatePropertyWithValue('summary', `${role === 'primary' ? 'Primary' : 'Secondary'} on-call: ${p[role]}`);
      ev.updatePropertyWithValue('description', `${opts.project} ${opts.environment}: primary ${p.primary}, secondary ${p.secondary}.`);
      ev.updatePropertyWithValue('transp', 'TRANSPARENT');
      cal.addSubcomponent(ev);
    }
  }
  return cal.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}
