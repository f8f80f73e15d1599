/**
 * Cross-checks of `oncall.yml` against the rest of the catalog: every environment of catalog.yml has its on-call
 * settings and nothing phones a person where the environment does not page; every escalation delay derives from a
 * target PagerDuty can express (whole minutes); a severity pages exactly when catalog.yml says so; the rotation's
 * timestamps fall on its hand-off; Alertmanager timings leave the acknowledgement budget intact; the Watchdog the
 * heartbeat route expects exists and always fires. Every issue is located in oncall.yml.
 */
import { CatalogIssue } from './errors';
import { Catalog, SEVERITY_ORDER } from './model';
import type { OnCallFile } from './schema-oncall';
import { TARGET_REF_RE } from './schema-oncall';
import { SourceFile } from './source';
import { ALWAYS_FIRING } from './names';
import { seconds } from '../duration';

/** PagerDuty's severity-based urgency rule: critical/error incidents are high urgency, warning/info low. */
export const SEVERITY_BASED_URGENCY: Record<string, 'high' | 'low'> = { critical: 'high', error: 'high', warning: 'low', info: 'low' };

/** PagerDuty's accepted content-based grouping windows: 5 min to 1 h, or exactly 24 h (seconds). */
const GROUPING_WINDOW = { min: 300, max: 3600, day: 86400 };

/** PagerDuty's rotation turn length bounds (seconds): 1 h to 365 days. */
const TURN_LENGTH = { min: 3600, max: 31536000 };

export function crossCheckOnCall(c: Catalog): CatalogIssue[] {
  const o = c.oncall;
  const src = c.sources.oncall;
  if (!o || !src) return [];
  const issues: CatalogIssue[] = [];
  const at = (path: (string | number)[], message: string) => issues.push(src.issue(path, message));
  const severities = c.catalog.severities;

  // Environments: exactly those of catalog.yml; an environment that does not page never phones anyone.
  const envNames = c.catalog.environments.map((e) => e.name);
  for (const env of c.catalog.environments) {
    const oe = o.environments[env.name];
    if (!oe) {
      at(['environments'], `missing on-call settings for environment '${env.name}' (catalog.yml); expected one entry per environment: ${envNames.join(', ')}`);
      continue;
    }
    if (!env.pages && oe.urgency !== 'low') {
      at(['environments', env.name, 'urgency'], `environment '${env.name}' does not page (catalog.yml pages: false): its PagerDuty urgency must be 'low' so that nothing phones a person, got '${oe.urgency}'`);
    }
    if (env.pages && !oe.prevent_destroy) {
      at(['environments', env.name, 'prevent_destroy'], `environment '${env.name}' pages (catalog.yml pages: true): its schedules, escalation policies and services must be protected (prevent_destroy: true)`);
    }
  }
  for (const name of Object.keys(o.environments)) {
    if (!envNames.includes(name)) at(['environments', name], `unknown environment '${name}'; expected one of ${envNames.join(', ')}`);
  }
  const suffixes = new Map<string, string>();
  for (const [name, oe] of Object.entries(o.environments)) {
    const prev = suffixes.get(oe.name_suffix);
    if (prev !== undefined) at(['environments', name, 'name_suffix'], `name_suffix ${JSON.stringify(oe.name_suffix)} is also used by environment '${prev}': PagerDuty names must differ per environment`);
    else suffixes.set(oe.name_suffix, name);
  }

  // People.
  o.roster.forEach((p, i) => {
    if (o.roster.indexOf(p) !== i) at(['roster', i], `duplicate roster entry '${p}': each person takes one turn per rotation`);
  });
  if (o.team_lead === o.engineering_manager) {
    at(['engineering_manager'], 'the engineering manager must be another person than the team lead (two levels of the chain)');
  }

  // Severities: escalation chains, urgency, timings.
  for (const sev of SEVERITY_ORDER) {
    const os = o.severities[sev];
    const target = severities[sev];
    const base = ['severities', sev];
    if (target.pages && !os.escalation) {
      at(base, `severity '${sev}' pages (catalog.yml pages: true): expected an 'escalation' chain`);
    }
    if (!target.pages && os.escalation) {
      at([...base, 'escalation'], `severity '${sev}' does not page (catalog.yml pages: false): it has no escalation chain`);
    }
    const expected = SEVERITY_BASED_URGENCY[os.pagerduty_severity];
    if (os.urgency !== expected) {
      at([...base, 'urgency'], `PagerDuty gives severity '${os.pagerduty_severity}' ${expected} urgency (severity-based urgency), got '${os.urgency}'`);
    }
    if (target.pages && os.urgency !== 'high') {
      at([...base, 'urgency'], `severity '${sev}' pages (catalog.yml pages: true), but a low-urgency incident never escalates: expected urgency 'high'`);
    }
    os.escalation?.forEach((level, i) => {
      const where = [...base, 'escalation', i];
      if (i === 0 && level.to !== 'primary') at([...where, 'to'], `the chain starts with the primary on-call, got '${level.to}'`);
      if (os.escalation!.findIndex((l) => l.to === level.to) !== i) at([...where, 'to'], `'${level.to}' appears twice in the chain of '${sev}'`);
      const d = target[level.escalate_after];
      const s = seconds(d);
      if (s < 60 || s % 60 !== 0) {
        at([...where, 'escalate_after'], `the ${level.escalate_after.toUpperCase()} target of '${sev}' is ${d} (catalog.yml): PagerDuty escalation delays are whole minutes of at least 1`);
      }
    });
    const t = os.alertmanager;
    if (target.pages && seconds(t.group_wait) >= seconds(target.mtta)) {
      at([...base, 'alertmanager', 'group_wait'], `group_wait ${t.group_wait} delays the first page of '${sev}' by at least its MTTA target ${target.mtta}: expected a shorter wait`);
    }
    checkTimings(t, [...base, 'alertmanager'], at);
  }

  // PagerDuty service settings.
  const ack = o.pagerduty.acknowledgement_timeout.match(TARGET_REF_RE);
  if (ack) {
    const d = severities[ack[1] as keyof typeof severities][ack[2] as 'mtta' | 'mttr'];
    if (seconds(d) < 60) at(['pagerduty', 'acknowledgement_timeout'], `${o.pagerduty.acknowledgement_timeout} is ${d}: expected at least one minute`);
  }
  const longestMttr = Math.max(...SEVERITY_ORDER.map((s) => seconds(severities[s].mttr)));
  if (seconds(o.pagerduty.auto_resolve_timeout) <= longestMttr) {
    at(['pagerduty', 'auto_resolve_timeout'], `auto_resolve_timeout ${o.pagerduty.auto_resolve_timeout} would resolve incidents before their MTTR target: expected longer than every MTTR target`);
  }
  const w = seconds(o.pagerduty.alert_grouping.time_window);
  if (!((w >= GROUPING_WINDOW.min && w <= GROUPING_WINDOW.max) || w === GROUPING_WINDOW.day)) {
    at(['pagerduty', 'alert_grouping', 'time_window'], `PagerDuty accepts a grouping window of 5m to 1h, or 24h; got ${o.pagerduty.alert_grouping.time_window}`);
  }

  // Rotation.
  checkRotation(o, at);

  // Alertmanager.
  const services = c.catalog.services.map((s) => s.name);
  if (!services.includes(o.alertmanager.default_service)) {
    at(['alertmanager', 'default_service'], `unknown service '${o.alertmanager.default_service}'; expected one of ${services.join(', ')}`);
  }
  checkTimings(o.alertmanager.heartbeat, ['alertmanager', 'heartbeat'], at);
  checkHeartbeat(c, o, src, issues);
  return issues;
}

function checkTimings(t: { group_wait: string; group_interval: string; repeat_interval: string }, path: (string | number)[], at: (p: (string | number)[], m: string) => void): void {
  if (seconds(t.group_interval) <= 0) at([...path, 'group_interval'], 'expected a group_interval longer than 0s');
  if (seconds(t.repeat_interval) < seconds(t.group_interval)) {
    at([...path, 'repeat_interval'], `repeat_interval ${t.repeat_interval} is shorter than group_interval ${t.group_interval}: Alertmanager repeats at group_interval steps, expected repeat_interval ≥ group_interval`);
  }
}

function checkRotation(o: OnCallFile, at: (p: (string | number)[], m: string) => void): void {
  const r = o.rotation;
  const turn = seconds(r.turn_length);
  if (turn < TURN_LENGTH.min || turn > TURN_LENGTH.max) {
    at(['rotation', 'turn_length'], `PagerDuty accepts turns of 1h to 365d, got ${r.turn_length}`);
  }
  for (const field of ['start', 'rotation_virtual_start'] as const) {
    const text = r[field];
    const d = new Date(text);
    if (Number.isNaN(d.getTime()) || d.toISOString().replace('.000Z', 'Z') !== text) {
      at(['rotation', field], `not a valid date and time: ${text}`);
      continue;
    }
    const { day, time } = wallClock(d, r.time_zone);
    if (day !== r.handoff.day || time !== r.handoff.time || d.getUTCSeconds() !== 0) {
      at(['rotation', field], `${text} is a ${day} ${time} ${r.time_zone}, not on the hand-off (${r.handoff.day} ${r.handoff.time} ${r.time_zone})`);
    }
  }
}

/** The heartbeat route needs an alert that always fires; otherwise the dead man's switch would always page. */
function checkHeartbeat(c: Catalog, o: OnCallFile, src: SourceFile, issues: CatalogIssue[]): void {
  const name = o.alertmanager.heartbeat.alertname;
  for (const { data } of c.ruleFiles) {
    for (const f of data.families) {
      for (const a of f.alerts) {
        if (a.name !== name) continue;
        if (a.expr?.trim() !== ALWAYS_FIRING) {
          issues.push(src.issue(['alertmanager', 'heartbeat', 'alertname'], `alert '${name}' must always fire (expr: ${ALWAYS_FIRING}) to feed the dead man's switch`));
        }
        return;
      }
    }
  }
  issues.push(src.issue(['alertmanager', 'heartbeat', 'alertname'], `no alert named '${name}' in the rules (alerts/rules/*.yml): the heartbeat route needs an always-firing alert`));
}

/** Weekday and HH:MM of an instant on the wall clock of an IANA time zone (the schedule's, as PagerDuty reads it). */
function wallClock(d: Date, timeZone: string): { day: string; time: string } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  }
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { day: get('weekday').toLowerCase(), time: `${get('hour')}:${get('minute')}` };
}
