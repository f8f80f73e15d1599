/**
 * Renders the README's severity and escalation section from the catalog (catalog.yml targets + oncall.yml): the
 * severity table (targets, PagerDuty severity, urgency and escalation delays, where each severity goes in each
 * environment), the notification timings and the escalation chain. `npm run docs` writes it between the README's
 * markers; a test fails when the README is stale, so the table cannot drift from the catalog. Pure text.
 */
import type { CatalogPlan, ResolvedOnCall } from '../plan/types';
import { NON_NOTIFYING_SEVERITIES } from '../plan/vocabulary';
import { describeChain, levelName } from '../plan/pagerduty';

export const ONCALL_TABLE_BEGIN = '<!-- oncall-table:begin -->';
export const ONCALL_TABLE_END = '<!-- oncall-table:end -->';

/** The Markdown of the section (without the markers). */
export function renderOnCallTable(p: CatalogPlan): string {
  if (!p.onCall) throw new Error('the catalog has no on-call model (alerts/oncall.yml): no escalation table');
  const r = p.onCall;
  const envs = r.environments;
  const services = p.services.map((s) => `\`${s.name}\``).join(' / ');
  const lines: string[] = [];
  lines.push('_Generated from `alerts/catalog.yml` and `alerts/oncall.yml` by `npm run docs`; a test fails when it is stale._');
  lines.push('');
  lines.push(
    `| severity | MTTA | MTTR | PagerDuty severity | urgency (${envs.map((e) => e.name).join(' / ')}) | escalation while unacknowledged | ${envs.map((e) => e.name).join(' | ')} |`,
  );
  lines.push(`|---|---|---|---|---|---|${envs.map(() => '---|').join('')}`);
  for (const s of r.severities) {
    const goes = envs.map((e) =>
      e.destination[s.severity] === 'pagerduty'
        ? `PagerDuty ${services} (Events API v2), ${s.severity} policy`
        : `Slack ${r.slack.alerts}, no page`,
    );
    lines.push(
      `| **${s.severity}** | ${s.mtta} | ${s.mttr} | \`${s.pagerdutySeverity}\` | ${envs.map((e) => e.incidentUrgency[s.severity]).join(' / ')} | ${describeChain(r, s.severity)} | ${goes.join(' | ')} |`,
    );
  }
  lines.push(`| ${NON_NOTIFYING_SEVERITIES.join(' / ')} | — | — | — | — | — | ${envs.map(() => 'nobody (`null` receiver)').join(' | ')} |`);
  const hb = r.alertmanager.heartbeat;
  lines.push(`| \`${hb.alertname}\` (always firing) | — | — | — | — | — | ${envs.map(() => `dead man's switch, every ${hb.repeat_interval}`).join(' | ')} |`);
  lines.push('');
  lines.push(...chain(r));
  lines.push('');
  lines.push('Alertmanager groups notifications by `alertname`, `service` and `environment`, and waits per severity:');
  lines.push('');
  lines.push('| severity | group_wait | group_interval | repeat_interval |');
  lines.push('|---|---|---|---|');
  for (const s of r.severities) lines.push(`| ${s.severity} | ${s.timings.group_wait} | ${s.timings.group_interval} | ${s.timings.repeat_interval} |`);
  lines.push(`| \`${hb.alertname}\` | ${hb.group_wait} | ${hb.group_interval} | ${hb.repeat_interval} |`);
  lines.push('');
  lines.push(
    'Inhibition: a `critical` alert silences the `high` and `warning` alerts (and `high` the `warning` ones) of the same ' +
      'environment, service and alert family; an SLO fast burn silences the slow burn of the same SLO.',
  );
  return lines.join('\n');
}

function chain(r: ResolvedOnCall): string[] {
  const levels = r.severities.find((s) => s.escalation.length > 0)?.escalation.map((e) => levelName(e.level)) ?? [];
  const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  const envsLow = r.environments.filter((e) => e.urgency === 'low').map((e) => e.name);
  return [
    `Escalation chain: ${levels.map((l) => `**${cap(l)}**`).join(' → ')}.`,
    '',
    `- **Primary** and **Secondary** are PagerDuty schedules of ${r.roster.length} people (\`alerts/oncall.yml\` roster), ` +
      `turns of ${r.rotation.turnLength} handed off ${cap(r.rotation.handoff.day)} ${r.rotation.handoff.time} ${r.rotation.timeZone}; ` +
      "the Secondary runs one turn behind, so last week's primary is this week's secondary.",
    `- **Team lead**: ${r.teamLead}; **engineering manager**: ${r.engineeringManager}.`,
    '- Every delay above is a target of `alerts/catalog.yml` (`MTTA`, `MTTR`): the time a level has to *acknowledge* before ' +
      'PagerDuty pages the next one (PagerDuty escalates only unacknowledged incidents).',
    `- An acknowledged incident that is not resolved within ${r.pagerduty.acknowledgementTimeout.duration} (` +
      `\`${r.pagerduty.acknowledgementTimeout.ref}\`, the acknowledgement timeout) comes back: it triggers again and notifies ` +
      `the current level. Open incidents of Alertmanager auto-resolve after ${r.pagerduty.autoResolveTimeout.duration} (a lost resolve event); ` +
        `CloudWatch guardrail incidents never do (CloudWatch notifies only on a change of state): each paging severity has its own ` +
        `CloudWatch service per technical service, with that severity's policy, resolved by the alarm's OK.`,
    ...(envsLow.length
      ? [`- ${envsLow.join(', ')}: PagerDuty services have constant low urgency — nothing phones a person, nothing escalates.`]
      : []),
    `- Slack: ${r.slack.incidents} active incidents, ${r.slack.alerts} alerts that do not page, ${r.slack.onCall} rotation and hand-off notes.`,
  ];
}

/** `readme` with the text between the on-call markers replaced by `table`. Throws when the markers are missing. */
export function withOnCallTable(readme: string, table: string): string {
  const begin = readme.indexOf(ONCALL_TABLE_BEGIN);
  const end = readme.indexOf(ONCALL_TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`README markers ${ONCALL_TABLE_BEGIN} … ${ONCALL_TABLE_END} not found`);
  return `${readme.slice(0, begin + ONCALL_TABLE_BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

/** The text currently between the markers (for the staleness check). */
export function currentOnCallTable(readme: string): string | undefined {
  const begin = readme.indexOf(ONCALL_TABLE_BEGIN);
  const end = readme.indexOf(ONCALL_TABLE_END);
  if (begin < 0 || end < begin) return undefined;
  return readme.slice(begin + ONCALL_TABLE_BEGIN.length, end).replace(/^\n/, '').replace(/\n$/, '');
}
