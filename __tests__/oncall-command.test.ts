/**
 * `npm run oncall`: who is primary and secondary, agreeing for eight weeks across a daylight-saving change with the
 * layers of the synthesized PagerDuty schedules; hand-offs in UTC and in --tz; --ics parsed back with ical.js.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import ICAL from 'ical.js';
import { loadCatalog } from '../lib/catalog/load';
import { buildApp } from '../stacks/app';
import { FIXTURE_ALERTS, runCommand, tempDir } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);
const tf = JSON.parse(Testing.synth(buildApp(resolveCatalog(catalog), { outdir: tempDir('deltacrown-oncall-') }).node.findChild('deltacrown-production-pagerduty') as any));

/** The synthesized layer of a schedule (by construct id) with its users as e-mails. */
function layer(id: string): { virtualStart: number; length: number; users: string[] } {
  const [, s] = Object.entries(tf.resource.pagerduty_schedule as Record<string, any>).find(([name]) => name.includes(id))!;
  const l = s.layer[0];
  const users = l.users.map((ref: string) => tf.data.pagerduty_user[/^\$\{data\.pagerduty_user\.([^.]+)\.id\}$/.exec(ref)![1]].email);
  return { virtualStart: Date.parse(l.rotation_virtual_start), length: l.rotation_turn_length_seconds * 1000, users };
}

/** Who PagerDuty puts on call at `t` in a layer: turn ⌊(t − virtual start) / turn length⌋, users in order. */
function pagerDutyUser(l: ReturnType<typeof layer>, t: number): string {
  const k = Math.floor((t - l.virtualStart) / l.length);
  return l.users[((k % l.users.length) + l.users.length) % l.users.length];
}

const oncall = (args: string[]) => runCommand('bin/oncall', ['--catalog', FIXTURE_ALERTS, ...args]);
// Wednesday before the EU change to summer time (Sunday 2026-03-29): eight weeks run across it.
const AT = '2026-03-18T12:00:00Z';

describe('npm run oncall', () => {
  const primary = layer('schedule-primary');
  const secondary = layer('schedule-secondary');

  it('agrees with the synthesized schedule layers for eight weeks across a daylight-saving change', () => {
    const r = oncall(['--at', AT, '--weeks', '8', '--tz', 'Europe/Berlin', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.periods).toHaveLength(9);
    expect(out.periods[0].start).toBe('2026-03-16T00:00:00.000Z');
    for (const [i, p] of out.periods.entries()) {
      const start = Date.parse(p.start);
      expect(new Date(start).getUTCDay()).toBe(1);
      expect(start).toBe(Date.parse('2026-03-16T00:00:00Z') + i * 7 * 86400000);
      expect(Date.parse(p.end) - start).toBe(7 * 86400000);
      // Every hour of the period, PagerDuty's layers name the same people.
      for (let t = start; t < Date.parse(p.end); t += 3600000) {
        expect({ t: new Date(t).toISOString(), primary: pagerDutyUser(primary, t), secondary: pagerDutyUser(secondary, t) }).toEqual({ t: new Date(t).toISOString(), primary: p.primary, secondary: p.secondary });
      }
    }
    expect(new Set(out.periods.slice(0, 4).map((p: any) => p.primary)).size).toBe(4);
  });

  it('prints the hand-offs in UTC and in --tz (01:00 before the change, 02:00 after)', () => {
    const r = oncall(['--at', AT, '--weeks', '8', '--tz', 'Europe/Berlin']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`primary **${pagerDutyUser(primary, Date.parse(AT))}**, secondary **${pagerDutyUser(secondary, Date.parse(AT))}**`);
    expect(r.stdout).toContain('| Mon 2026-03-23 00:00 UTC | Mon 2026-03-23 01:00 (GMT+1) |');
    expect(r.stdout).toContain('| Mon 2026-03-30 00:00 UTC | Mon 2026-03-30 02:00 (GMT+2) |');
  });

  it('hands off at Monday 00:00 UTC exactly', () => {
    const monday = '2026-12-07T00:00:00Z';
    const before = JSON.parse(oncall(['--at', '2026-12-06T23:59:59Z', '--weeks', '1', '--json']).stdout).periods[0];
    const at = JSON.parse(oncall(['--at', monday, '--weeks', '1', '--json']).stdout).periods[0];
    expect(before.end).toBe('2026-12-07T00:00:00.000Z');
    expect(at.start).toBe('2026-12-07T00:00:00.000Z');
    expect(at.primary).not.toBe(before.primary);
    expect(at.secondary).toBe(before.primary);
  });

  it('--ics writes an iCalendar file that parses back with one event per turn and role', () => {
    const file = path.join(tempDir(), 'oncall.ics');
    const json = JSON.parse(oncall(['--at', AT, '--weeks', '8', '--json', '--ics', file]).stdout);
    const cal = new ICAL.Component(ICAL.parse(fs.readFileSync(file, 'utf8')));
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(json.periods.length * 2);
    for (const p of json.periods) {
      const mine = events.filter((e) => e.startDate.toJSDate().toISOString() === p.start);
      expect(mine.map((e) => e.summary).sort()).toEqual([`Primary on-call: ${p.primary}`, `Secondary on-call: ${p.secondary}`]);
      for (const e of mine) expect(e.endDate.toJSDate().toISOString()).toBe(p.end);
    }
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
  });

  it.each([
    [['--at', 'tomorrow'], /--at: 'tomorrow' is not an ISO 8601 instant/],
    [['--at', AT, '--tz', 'Mars/Olympus'], /--tz: 'Mars\/Olympus' is not an IANA time zone/],
    [['--at', AT, '--weeks', '0'], /--weeks: '0' is not a whole number of weeks/],
    [['--at', AT, '--env', 'qa'], /--env: unknown environment 'qa'; expected one of production, staging/],
  ])('%j: a clear error, non-zero exit, no file written', (args, message) => {
    const file = path.join(tempDir(), 'oncall.ics');
    const r = oncall([...(args as string[]), '--ics', file]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
    expect(fs.existsSync(file)).toBe(false);
  });
});
