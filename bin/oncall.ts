/**
 * `npm run oncall [-- --at <instant>] [--weeks 8] [--tz <zone>] [--ics <file>] [--env <name>] [--json]`: who is
 * primary and secondary on call at `--at` (default: now) and at every hand-off of the coming weeks, computed from the
 * PagerDuty schedules the stack configures (their layers' `rotation_virtual_start`, turn length and user order);
 * hand-offs in UTC and in `--tz`. `--ics` also writes the rotation as an iCalendar file.
 */
import * as fs from 'fs';
import { loadCatalog } from '../lib/catalog/load';
import { resolve } from '../lib/plan/resolve';
import { formatInZone, isTimeZone, onCallPeriods } from '../lib/oncall-schedule';
import { renderOnCallIcs } from '../lib/oncall-ics';
import { instantOption, option, parseArgs, runCli } from './cli';

runCli(() => {
  const { options, positional } = parseArgs(process.argv.slice(2));
  if (positional.length) throw new Error(`unexpected argument '${positional[0]}'`);
  const at = instantOption(options, 'at', () => new Date());
  const weeksText = option(options, 'weeks', '8')!;
  if (!/^[1-9][0-9]*$/.test(weeksText) || Number(weeksText) > 104) throw new Error(`--weeks: '${weeksText}' is not a whole number of weeks from 1 to 104`);
  const weeks = Number(weeksText);
  const tz = option(options, 'tz', 'Etc/UTC')!;
  if (!isTimeZone(tz)) throw new Error(`--tz: '${tz}' is not an IANA time zone (e.g. Europe/Berlin, America/New_York)`);
  const c = loadCatalog(option(options, 'catalog', 'alerts')!);
  const env = option(options, 'env', c.catalog.environments[0].name)!;
  if (!c.catalog.environments.some((e) => e.name === env)) throw new Error(`--env: unknown environment '${env}'; expected one of ${c.catalog.environments.map((e) => e.name).join(', ')}`);
  if (!c.oncall) throw new Error('the catalog has no on-call model (alerts/oncall.yml)');
  const plan = resolve(c, env).pagerduty!;
  const periods = onCallPeriods(plan.schedules, at, weeks);

  const ics = option(options, 'ics');
  if (ics !== undefined) fs.writeFileSync(ics, renderOnCallIcs({ project: c.catalog.project.name, environment: env, periods, stamp: at }));

  if (options.has('json')) {
    process.stdout.write(`${JSON.stringify({ environment: env, at: at.toISOString(), timeZone: tz, periods: periods.map((p) => ({ start: p.start.toISOString(), end: p.end.toISOString(), primary: p.primary, secondary: p.secondary })) }, null, 2)}\n`);
    return;
  }
  const [now] = periods;
  const layer = plan.schedules[0].layer;
  const utc = (d: Date) => formatInZone(d, 'Etc/UTC').replace(/ \(GMT[^)]*\)$/, ' UTC');
  const lines = [
    `On call in ${env} at ${at.toISOString()}: primary **${now.primary}**, secondary **${now.secondary}** (until ${utc(now.end)}).`,
    '',
    `Hand-offs for ${weeks} week${weeks === 1 ? '' : 's'}, from the PagerDuty schedules ${plan.schedules.map((s) => `"${s.name}"`).join(' and ')} (turns of ${layer.rotationTurnLengthSeconds} s from ${layer.rotationVirtualStart}):`,
    '',
    `| from (UTC) | from (${tz}) | until (UTC) | primary | secondary |`,
    '|---|---|---|---|---|',
    ...periods.map((p) => `| ${utc(p.start)} | ${formatInZone(p.start, tz)} | ${utc(p.end)} | ${p.primary} | ${p.secondary} |`),
  ];
  if (ics !== undefined) lines.push('', `iCalendar: ${ics} (${periods.length * 2} events)`);
  process.stdout.write(`${lines.join('\n')}\n`);
});
