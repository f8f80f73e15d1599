/** alerts/oncall.yml: loading, the derived on-call model, and every malformed file reported at its line. */
import * as fs from 'fs';
import * as path from 'path';
import { CatalogIssue, formatIssue } from '../lib/catalog/errors';
import { loadCatalog } from '../lib/catalog/load';
import { onCallAt, onCallEnvironment, resolveOnCall } from '../lib/catalog/resolve-oncall';
import { buildApp } from '../stacks/app';
import { FIXTURE_ALERTS, copyCatalog, edit, positionOf, catalogIssues } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const issuesOf = (dir: string): CatalogIssue[] => catalogIssues(dir);

describe('the committed on-call model', () => {
  const c = loadCatalog(FIXTURE_ALERTS);
  const r = resolveOnCall(c);

  it('is loaded with the catalog', () => {
    expect(c.oncall?.team.name).toBe('DeltaCrown Platform SRE');
    expect(c.sources.oncall?.name).toMatch(/alerts\/oncall\.yml$/);
  });

  it('derives every escalation delay from the MTTA / MTTR target it names (runbook: 5 min critical, 15 min high)', () => {
    const critical = r.severities.find((s) => s.severity === 'critical')!;
    const high = r.severities.find((s) => s.severity === 'high')!;
    expect(critical.escalation.map((e) => e.level)).toEqual(['primary', 'secondary', 'team_lead', 'engineering_manager']);
    expect(critical.escalation[0].delayMinutes).toBe(5);
    expect(high.escalation.map((e) => e.level)).toEqual(['primary', 'secondary', 'team_lead']);
    expect(high.escalation[0].delayMinutes).toBe(15);
    for (const s of r.severities) {
      for (const step of s.escalation) expect(step.delayMinutes * 60).toBe(toSeconds(c.catalog.severities[s.severity][step.after]));
    }
  });

  it('sends a severity to PagerDuty only where both it and the environment page', () => {
    expect(onCallEnvironment(r, 'production').destination).toEqual({ critical: 'pagerduty', high: 'pagerduty', warning: 'slack' });
    expect(onCallEnvironment(r, 'staging').destination).toEqual({ critical: 'slack', high: 'slack', warning: 'slack' });
    expect(onCallEnvironment(r, 'staging').incidentUrgency).toEqual({ critical: 'low', high: 'low', warning: 'low' });
    expect(onCallEnvironment(r, 'production').incidentUrgency).toEqual({ critical: 'high', high: 'high', warning: 'low' });
  });

  it("makes last week's primary this week's secondary, handing off Monday 00:00 UTC", () => {
    const start = Date.parse(r.rotation.virtualStart);
    const week = 7 * 86400 * 1000;
    for (let w = 0; w < 2 * r.roster.length; w++) {
      const now = onCallAt(r, new Date(start + w * week + 3600 * 1000));
      const before = onCallAt(r, new Date(start + (w - 1) * week + 3600 * 1000));
      expect(now.secondary).toBe(before.primary);
      expect(now.primary).not.toBe(now.secondary);
    }
    // The turn changes exactly at the hand-off.
    const monday = start + 3 * week;
    expect(new Date(monday).getUTCDay()).toBe(1);
    expect(onCallAt(r, new Date(monday - 1000)).primary).not.toBe(onCallAt(r, new Date(monday)).primary);
    expect(onCallAt(r, new Date(monday)).primary).toBe(r.roster[3 % r.roster.length]);
  });
});

function toSeconds(d: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(d)!;
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

interface Case {
  name: string;
  file?: string;
  from: string | RegExp;
  to: string;
  /** Text whose position (+ shift) the issue must point at, in the edited file. */
  at: string;
  shift?: number;
  field: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'unknown severity',
    from: '  warning:\n    pagerduty_severity: warning',
    to: '  warn:\n    pagerduty_severity: warning',
    at: 'warn:',
    field: 'severities.warn',
    message: /unknown field 'warn'; expected one of: critical, high, warning/,
  },
  {
    name: 'bad e-mail in the roster',
    from: '  - oncall.engineer2@deltacrown.com',
    to: '  - oncall.engineer2-at-deltacrown.com',
    at: 'oncall.engineer2-at',
    field: 'roster[1]',
    message: /e-mail address/,
  },
  {
    name: 'missing field',
    from: /^team_lead: .*\n/m,
    to: '',
    at: 'team:',
    field: 'team_lead',
    message: /required field is missing/,
  },
  {
    name: 'unknown PagerDuty severity',
    from: 'pagerduty_severity: error',
    to: 'pagerduty_severity: major',
    at: 'major',
    field: 'severities.high.pagerduty_severity',
    message: /expected one of critical, error, warning, info, got 'major'/,
  },
  {
    name: 'unknown environment',
    from: 'environments:\n',
    to: 'environments:\n  qa:\n    urgency: low\n    name_suffix: " (qa)"\n    prevent_destroy: false\n    alertmanager: { secret_name: am, namespace: monitoring }\n',
    at: 'urgency: low\n    name_suffix: " (qa)"',
    field: 'environments.qa',
    message: /unknown environment 'qa'; expected one of production, staging/,
  },
  {
    name: 'an environment that does not page but could phone',
    from: '    urgency: low\n    name_suffix: " (staging)"',
    to: '    urgency: severity_based\n    name_suffix: " (staging)"',
    at: 'severity_based\n    name_suffix: " (staging)"',
    field: 'environments.staging.urgency',
    message: /does not page .* must be 'low' so that nothing phones a person/,
  },
  {
    name: 'production unprotected',
    from: 'prevent_destroy: true',
    to: 'prevent_destroy: false',
    at: 'false\n    # url: where people reach this Alertmanager',
    field: 'environments.production.prevent_destroy',
    message: /must be protected \(prevent_destroy: true\)/,
  },
  {
    name: 'an escalation chain on a severity that does not page',
    from: '    pagerduty_severity: warning\n    urgency: low\n',
    to: '    pagerduty_severity: warning\n    urgency: low\n    escalation:\n      - { to: primary, escalate_after: mtta }\n',
    at: '- { to: primary, escalate_after: mtta }\n    alertmanager: { group_wait: 1m',
    field: 'severities.warning.escalation',
    message: /does not page \(catalog.yml pages: false\): it has no escalation chain/,
  },
  {
    name: 'a chain that does not start with the primary',
    from: '      - { to: primary, escalate_after: mtta }\n      - { to: secondary, escalate_after: mtta }\n      - { to: team_lead',
    to: '      - { to: secondary, escalate_after: mtta }\n      - { to: primary, escalate_after: mtta }\n      - { to: team_lead',
    at: 'secondary, escalate_after: mtta }\n      - { to: primary, escalate_after: mtta }',
    field: 'severities.critical.escalation[0].to',
    message: /the chain starts with the primary on-call, got 'secondary'/,
  },
  {
    name: 'urgency that contradicts the PagerDuty severity',
    from: '    pagerduty_severity: error\n    urgency: high',
    to: '    pagerduty_severity: error\n    urgency: low',
    at: 'low\n    escalation:\n      - { to: primary, escalate_after: mtta }\n      - { to: secondary, escalate_after: mtta }\n      - { to: team_lead',
    field: 'severities.high.urgency',
    message: /PagerDuty gives severity 'error' high urgency/,
  },
  {
    name: 'a hand-off timestamp that is not on the hand-off',
    from: 'start: "2025-11-17T00:00:00Z"\n  rotation_virtual_start',
    to: 'start: "2025-11-18T00:00:00Z"\n  rotation_virtual_start',
    at: '"2025-11-18T00:00:00Z"',
    field: 'rotation.start',
    message: /is a tuesday 00:00 Etc\/UTC, not on the hand-off \(monday 00:00 Etc\/UTC\)/,
  },
  {
    name: "the time zone 'UTC', which the PagerDuty provider rejects (it spells it Etc/UTC)",
    from: '  time_zone: Etc/UTC',
    to: '  time_zone: UTC',
    at: 'UTC\n  start',
    field: 'rotation.time_zone',
    message: /a time zone the PagerDuty provider accepts \(validTZ in its util\/util.go\), such as Etc\/UTC; got 'UTC' \(PagerDuty spells it Etc\/UTC\)/,
  },
  {
    name: 'a valid IANA time zone that is not in the PagerDuty provider list',
    from: '  time_zone: Etc/UTC',
    to: '  time_zone: America/Toronto',
    at: 'America/Toronto',
    field: 'rotation.time_zone',
    message: /a time zone the PagerDuty provider accepts .*got 'America\/Toronto'/,
  },
  {
    name: 'a hand-off that is Monday 00:00 UTC but not in the schedule time zone',
    from: '  time_zone: Etc/UTC',
    to: '  time_zone: Europe/Berlin',
    at: '"2025-11-17T00:00:00Z"\n  rotation_virtual_start',
    field: 'rotation.start',
    message: /is a monday 01:00 Europe\/Berlin, not on the hand-off \(monday 00:00 Europe\/Berlin\)/,
  },
  {
    name: 'a duplicate roster entry',
    from: '  - oncall.engineer3@deltacrown.com',
    to: '  - oncall.engineer1@deltacrown.com',
    at: 'oncall.engineer1@deltacrown.com',
    shift: 0,
    field: 'roster[2]',
    message: /duplicate roster entry 'oncall.engineer1@deltacrown.com'/,
  },
  {
    name: 'a group_wait that eats the acknowledgement budget',
    from: 'alertmanager: { group_wait: 10s,',
    to: 'alertmanager: { group_wait: 5m,',
    at: '5m, group_interval: 1m',
    field: 'severities.critical.alertmanager.group_wait',
    message: /group_wait 5m delays the first page of 'critical' by at least its MTTA target 5m/,
  },
  {
    name: 'a heartbeat without its always-firing alert',
    from: 'alertname: Watchdog',
    to: 'alertname: Watchdogg',
    at: 'Watchdogg',
    field: 'alertmanager.heartbeat.alertname',
    message: /no alert named 'Watchdogg' in the rules/,
  },
  {
    name: 'a malformed target reference',
    from: 'acknowledgement_timeout: critical.mttr',
    to: 'acknowledgement_timeout: critical.mtt',
    at: 'critical.mtt',
    field: 'pagerduty.acknowledgement_timeout',
    message: /a target of a severity of catalog.yml/,
  },
  {
    name: 'an unknown default service',
    from: 'default_service: deltacrown-api',
    to: 'default_service: deltacrown-web',
    at: 'deltacrown-web',
    field: 'alertmanager.default_service',
    message: /unknown service 'deltacrown-web'; expected one of deltacrown-api, deltacrown-worker/,
  },
];

describe('a malformed oncall.yml', () => {
  it.each(cases)('reports $name at its line', (c) => {
    const dir = copyCatalog();
    const text = edit(dir, c.file ?? 'oncall.yml', c.from, c.to);
    const issues = issuesOf(dir);
    const match = issues.find((i) => i.file.endsWith(`alerts/${c.file ?? 'oncall.yml'}`) && i.field === c.field && c.message.test(i.message));
    expect({ found: !!match, issues: issues.map(formatIssue) }).toMatchObject({ found: true });
    expect({ line: match!.line, column: match!.column }).toEqual(positionOf(text, c.at, c.shift ?? 0, c.name === 'a duplicate roster entry' ? 2 : 1));
  });

  it('reports a target that PagerDuty cannot express (not whole minutes) where the chain names it', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', '    mtta: 5m\n    mttr: 15m', '    mtta: 90s\n    mttr: 15m');
    const text = fs.readFileSync(path.join(dir, 'oncall.yml'), 'utf8');
    const issues = issuesOf(dir).filter((i) => i.file.endsWith('oncall.yml'));
    expect(issues.map((i) => i.field)).toEqual(['severities.critical.escalation[0].escalate_after', 'severities.critical.escalation[1].escalate_after']);
    expect(issues[0].message).toMatch(/the MTTA target of 'critical' is 90s \(catalog.yml\): PagerDuty escalation delays are whole minutes/);
    expect({ line: issues[0].line, column: issues[0].column }).toEqual(positionOf(text, 'mtta }', 0, 1));
  });

  it('reports a missing environment', () => {
    const dir = copyCatalog();
    edit(dir, 'oncall.yml', /  staging:\n[\s\S]*$/, '');
    const issue = issuesOf(dir).find((i) => i.field === 'environments');
    expect(issue?.message).toMatch(/missing on-call settings for environment 'staging'/);
  });

  it('reports every problem at once', () => {
    const dir = copyCatalog();
    edit(dir, 'oncall.yml', 'alertname: Watchdog', 'alertname: Nope');
    edit(dir, 'oncall.yml', 'prevent_destroy: true', 'prevent_destroy: false');
    edit(dir, 'oncall.yml', '  - oncall.engineer2@deltacrown.com', '  - not-an-address');
    // Schema errors stop the file before the cross-checks; the schema error is reported.
    expect(issuesOf(dir).map((i) => i.field)).toContain('roster[1]');
    const dir2 = copyCatalog();
    edit(dir2, 'oncall.yml', 'alertname: Watchdog', 'alertname: Nope');
    edit(dir2, 'oncall.yml', 'prevent_destroy: true', 'prevent_destroy: false');
    expect(issuesOf(dir2).map((i) => i.field).sort()).toEqual(['alertmanager.heartbeat.alertname', 'environments.production.prevent_destroy']);
  });
});

describe('a catalog without oncall.yml', () => {
  it('still loads, and the app has no PagerDuty stack and no Alertmanager secret', () => {
    const dir = copyCatalog();
    fs.rmSync(path.join(dir, 'oncall.yml'));
    // Other stacks that deliver to PagerDuty (AWS guardrails) need the on-call model too.
    fs.rmSync(path.join(dir, 'guardrails.yml'), { force: true });
    const c = loadCatalog(dir);
    expect(c.oncall).toBeUndefined();
    const app = buildApp(resolveCatalog(c), { outdir: path.join(path.dirname(dir), 'out') });
    const names = app.node.children.map((s) => s.node.id);
    expect(names.filter((n) => n.endsWith('-pagerduty'))).toEqual([]);
    expect(names).toContain('deltacrown-production-alerting');
  });
});
