/**
 * The generated on-call reference, `docs/oncall.md` (`npm run docs`): severities and escalation, every alert and
 * guardrail with its threshold, window, severity, route and runbook section, the synthetic checks and the
 * dashboards — all read from the plans of the environments, so the page cannot drift from what is deployed.
 * Pure: plan in, Markdown out.
 */
import type { CatalogPlan, EnvironmentPlan, ResolvedAlert } from '../plan/types';
import { renderOnCallTable } from './oncall-table';
import { alertWindows, conditionText } from './humanize';
import { pagerDutyLinks, routingDiagram, silenceCommands } from './oncall-sections';
import { formatDuration } from '../duration';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Where an alert of `severity` goes in an environment. */
function route(plan: EnvironmentPlan, a: ResolvedAlert): string {
  const r = plan.onCall?.model;
  if (r && a.name === r.alertmanager.heartbeat.alertname) return 'dead man’s switch';
  if (!r || a.severity === 'none' || a.severity === 'info') return 'nobody';
  const e = plan.onCall!.environment;
  const sev = r.severities.find((s) => s.severity === a.severity);
  if (!sev) return 'Slack';
  return e.destination[sev.severity] === 'pagerduty' ? `PagerDuty (${e.incidentUrgency[sev.severity]} urgency)` : `Slack ${r.slack.alerts}`;
}

/** The condition as people read it: `> 5%`, `burn rate > 14.4× over 1h and 5m`, a condition alert in words. */
const condition = (a: ResolvedAlert) => esc(conditionText(a));
const windows = alertWindows;

export function renderOnCallDoc(p: CatalogPlan): string {
  const r = p.onCall;
  const envs = p.environments.map((e) => e.name);
  const [first] = envs;
  const firstPlan = p.environments[0];
  const out: string[] = [
    `# ${p.project.name} on-call reference`,
    '',
    '_Generated from the catalog (`alerts/`) by `npm run docs`. Do not edit: change the catalog, run `npm run docs`; a test fails when this page is stale._',
    '',
    `Runbook: [docs/runbook.md](runbook.md) (alerts link to \`${p.project.runbookBaseUrl}#<section>\`).`,
    '',
    '## Severities and escalation',
    '',
  ];
  if (r) out.push(renderOnCallTable(p).trim(), '');
  else out.push(...Object.entries(p.severities).map(([k, s]) => `- **${k}**: MTTA ${s.mtta}, MTTR ${s.mttr}`), '');
  if (r) {
    out.push(
      '## Who is on call',
      '',
      '`npm run oncall` prints who is primary and secondary now and at every hand-off of the coming weeks, computed from the ' +
        'PagerDuty schedule layers the stacks configure (`-- --tz Europe/Berlin` for local hand-off times, `-- --ics oncall.ics` ' +
        `for a calendar to subscribe to). If PagerDuty itself is down: ${r.slack.incidents}, then the team lead (${r.teamLead}) and ` +
        `the engineering manager (${r.engineeringManager}) directly.`,
      '',
      `## Routing (${first})`,
      '',
      '```mermaid',
      routingDiagram(firstPlan),
      '```',
      '',
      '## PagerDuty',
      '',
      ...pagerDutyLinks(p),
      '',
      '## Silencing',
      '',
      ...silenceCommands(p),
      '',
    );
  }

  // Alerts, with the values of the first environment (production); other environments' differences listed after.
  const byEnv = Object.fromEntries(p.environments.map((e) => [e.name, e.alerts]));
  const byName = Object.fromEntries(p.environments.map((e) => [e.name, e]));
  const detection = (a: ResolvedAlert) => {
    const d = firstPlan.detection[a.name];
    const over = d.budget && d.seconds > d.budget.seconds ? ` (over ${formatDuration(d.budget.seconds)}: exception)` : '';
    return `${formatDuration(d.seconds)}${over}`;
  };
  out.push('## Alerts', '', `Values of **${first}**; differences of the other environments are listed below the table.`, '');
  out.push('_detection_: worst-case time from the start of the condition to a firing alert (window + for + one evaluation; burn alerts: a total outage), against its budget in catalog.yml.', '');
  out.push('| alert | severity | service | condition | window | for | detection | route | runbook | dashboard |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const a of byEnv[first]) {
    const uid = firstPlan.families.find((f) => f.family === a.family)?.dashboard;
    const d = firstPlan.dashboards?.dashboards.find((x) => x.spec.uid === uid);
    const durl = d?.url;
    out.push(
      `| ${a.name} | ${a.severity} | ${a.serviceFromSeries ? a.services.join(', ') : a.services[0]} | ${condition(a)} | ${windows(a).join(', ') || '—'} | ${a.for} | ${detection(a)} | ${route(firstPlan, a)} | [${a.runbookAnchor}](runbook.md#${a.runbookAnchor}) | ${d ? (durl ? `[${d.spec.title}](${durl})` : d.spec.title) : '—'} |`,
    );
  }
  out.push('');
  for (const env of envs.slice(1)) {
    const here = new Map(byEnv[env].map((a) => [a.name, a]));
    const diffs: string[] = [];
    for (const a of byEnv[first]) {
      const b = here.get(a.name);
      if (!b) diffs.push(`- ${a.name}: not deployed in ${env}`);
      else {
        const parts: string[] = [];
        if (b.severity !== a.severity) parts.push(`severity ${b.severity}`);
        if (condition(b) !== condition(a)) parts.push(`condition ${condition(b)}`);
        if (b.for !== a.for) parts.push(`for ${b.for}`);
        if (parts.length) diffs.push(`- ${a.name}: ${parts.join(', ')}`);
      }
    }
    const routes = [...new Set(byEnv[env].map((a) => `${a.severity}: ${route(byName[env], a)}`))].sort();
    out.push(`**${env}**: routes — ${routes.join('; ')}.`, '');
    out.push(...(diffs.length ? diffs : [`- no threshold differences from ${first}`]), '');
  }

  const gEnvs = p.environments.filter((e) => e.guardrails).map((e) => e.name);
  if (gEnvs.length) {
    out.push('## AWS guardrails (CloudWatch)', '');
    for (const env of gEnvs) {
      const plan = byName[env].guardrails!;
      const topics = new Map(plan.topics.map((t) => [t.id, t]));
      out.push(`### ${env} (${plan.region})`, '');
      out.push('| alarm | metric | condition | evaluation | severity | notifies | runbook |', '|---|---|---|---|---|---|---|');
      for (const a of [...(plan.rds?.alarms ?? []), ...(plan.elasticache?.alarms ?? []), ...(plan.s3?.alarms ?? [])]) {
        const t = topics.get(a.topic);
        const dest = !t ? a.topic : t.destination.kind === 'pagerduty' ? `PagerDuty ${t.destination.service} CloudWatch ${t.severity} (${t.severity} policy, no auto-resolve)` : t.destination.kind === 'email' ? `e-mail ${t.destination.address}` : 'nobody';
        const anchor = a.runbookUrl.split('#')[1] ?? '';
        out.push(
          `| ${a.alarmName} | ${a.namespace} ${a.metricName} (${a.extendedStatistic ?? a.statistic}) | ${a.comparisonOperator === 'LessThanThreshold' ? '<' : '>'} ${a.thresholdText} | ${a.datapointsToAlarm} of ${a.evaluationPeriods} × ${a.period}s | ${a.severity} | ${dest} | [${anchor}](runbook.md#${anchor}) |`,
        );
      }
      const params = [plan.rds?.parameterGroup, plan.elasticache?.parameterGroup].filter((p) => p !== undefined);
      if (params.length) {
        out.push('', `Parameter groups: ${params.map((p) => `\`${'name' in p!.naming ? p!.naming.name : `${p!.naming.namePrefix}…`}\` (${p!.parameters.map((x) => `${x.name} = ${x.value}`).join(', ')})`).join('; ')}.`);
      }
      out.push('');
    }
  }

  const checks = firstPlan.checks;
  if (checks.length) {
    out.push('## Synthetic checks', '', `URLs of **${first}**; every environment runs the same checks against its own base URL.`, '');
    out.push('| check | request | expects | every | timeout | probes |', '|---|---|---|---|---|---|');
    for (const k of checks) {
      const headers = Object.entries(k.headers ?? {}).map(([h, v]) => `${h}: ${v}`);
      const sends = [...headers, ...(k.body !== undefined ? [`body of ${Buffer.byteLength(k.body)} bytes`] : [])];
      out.push(`| ${k.name} | ${k.method} ${k.url}${sends.length ? ` (${esc(sends.join(', '))})` : ''} | ${k.validStatusCodes.join(', ')}${k.bodyRegex ? `, body matches \`${esc(k.bodyRegex)}\`` : ''} | ${k.frequency} | ${k.timeout} | ${k.probes.join(', ')} |`);
    }
    out.push('');
  }

  if (firstPlan.dashboards) {
    out.push('## Dashboards', '', `| dashboard | ${envs.join(' | ')} | alert families |`, `|---|${envs.map(() => '---|').join('')}---|`);
    firstPlan.dashboards.dashboards.forEach(({ spec: d }, i) => {
      const links = p.environments.map((e) => {
        const u = e.dashboards?.dashboards[i].url;
        return u ? `[${d.uid}](${u})` : '—';
      });
      out.push(`| ${d.title} | ${links.join(' | ')} | ${d.default ? 'every family not listed elsewhere' : d.families.join(', ')} |`);
    });
    out.push('');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
