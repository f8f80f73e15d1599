/**
 * The generated on-call reference, `docs/oncall.md` (`npm run docs`): severities and escalation, every alert and
 * guardrail with its threshold, window, severity, route and runbook section, the synthetic checks and the
 * dashboards — all read from the catalog, so the page cannot drift from what is deployed. Pure: catalog in,
 * Markdown out.
 */
import type { Catalog } from '../catalog/model';
import { allAlerts, resolveEnvironment, ResolvedAlert } from '../catalog/resolve';
import { onCallEnvironment, resolveOnCall, ResolvedOnCall } from '../catalog/resolve-oncall';
import { dashboardForFamily, dashboardUrl } from '../catalog/dashboards';
import { guardrailEnvironments, renderGuardrails } from './guardrails';
import { resolveChecks } from './synthetics';
import { renderOnCallTable } from './oncall-table';
import { alertWindows, conditionText } from './humanize';
import { pagerDutyLinks, routingDiagram, silenceCommands } from './oncall-sections';
import { detectionOf } from '../catalog/detection';
import { formatDuration } from '../duration';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Where an alert of `severity` goes in `environment`. */
function route(r: ResolvedOnCall | undefined, environment: string, a: ResolvedAlert): string {
  if (r && a.name === r.alertmanager.heartbeat.alertname) return 'dead man’s switch';
  if (!r || a.severity === 'none' || a.severity === 'info') return 'nobody';
  const e = onCallEnvironment(r, environment);
  const sev = r.severities.find((s) => s.severity === a.severity);
  if (!sev) return 'Slack';
  return e.destination[sev.severity] === 'pagerduty' ? `PagerDuty (${e.incidentUrgency[sev.severity]} urgency)` : `Slack ${r.slack.alerts}`;
}

/** The condition as people read it: `> 5%`, `burn rate > 14.4× over 1h and 5m`, a condition alert in words. */
const condition = (a: ResolvedAlert) => esc(conditionText(a));
const windows = alertWindows;

export function renderOnCallDoc(c: Catalog): string {
  const r = c.oncall ? resolveOnCall(c) : undefined;
  const envs = c.catalog.environments.map((e) => e.name);
  const [first] = envs;
  const out: string[] = [
    `# ${c.catalog.project.name} on-call reference`,
    '',
    '_Generated from the catalog (`alerts/`) by `npm run docs`. Do not edit: change the catalog, run `npm run docs`; a test fails when this page is stale._',
    '',
    `Runbook: [docs/runbook.md](runbook.md) (alerts link to \`${c.catalog.project.runbook_base_url}#<section>\`).`,
    '',
    '## Severities and escalation',
    '',
  ];
  if (c.oncall) out.push(renderOnCallTable(c).trim(), '');
  else out.push(...Object.entries(c.catalog.severities).map(([k, s]) => `- **${k}**: MTTA ${s.mtta}, MTTR ${s.mttr}`), '');
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
      routingDiagram(c, r, first),
      '```',
      '',
      '## PagerDuty',
      '',
      ...pagerDutyLinks(c, r),
      '',
      '## Silencing',
      '',
      ...silenceCommands(c, r),
      '',
    );
  }

  // Alerts, with the values of the first environment (production); other environments' differences listed after.
  const byEnv = Object.fromEntries(envs.map((e) => [e, allAlerts(resolveEnvironment(c, e))]));
  const firstEnv = resolveEnvironment(c, first);
  const detection = (a: ResolvedAlert) => {
    const d = detectionOf(c, firstEnv, a, c.catalog.environments[0].evaluation_interval);
    const over = d.budget && d.seconds > d.budget.seconds ? ` (over ${formatDuration(d.budget.seconds)}: exception)` : '';
    return `${formatDuration(d.seconds)}${over}`;
  };
  out.push('## Alerts', '', `Values of **${first}**; differences of the other environments are listed below the table.`, '');
  out.push('_detection_: worst-case time from the start of the condition to a firing alert (window + for + one evaluation; burn alerts: a total outage), against its budget in catalog.yml.', '');
  out.push('| alert | severity | service | condition | window | for | detection | route | runbook | dashboard |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const a of byEnv[first]) {
    const d = dashboardForFamily(c, a.family);
    const durl = d && dashboardUrl(c, first, d.uid);
    out.push(
      `| ${a.name} | ${a.severity} | ${a.serviceFromSeries ? a.services.join(', ') : a.services[0]} | ${condition(a)} | ${windows(a).join(', ') || '—'} | ${a.for} | ${detection(a)} | ${route(r, first, a)} | [${a.runbookAnchor}](runbook.md#${a.runbookAnchor}) | ${d ? (durl ? `[${d.title}](${durl})` : d.title) : '—'} |`,
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
    const routes = [...new Set(byEnv[env].map((a) => `${a.severity}: ${route(r, env, a)}`))].sort();
    out.push(`**${env}**: routes — ${routes.join('; ')}.`, '');
    out.push(...(diffs.length ? diffs : [`- no threshold differences from ${first}`]), '');
  }

  const gEnvs = guardrailEnvironments(c);
  if (gEnvs.length) {
    out.push('## AWS guardrails (CloudWatch)', '');
    for (const env of gEnvs) {
      const plan = renderGuardrails(c, env);
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

  const checks = resolveChecks(c, first);
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

  if (c.dashboards) {
    out.push('## Dashboards', '', `| dashboard | ${envs.join(' | ')} | alert families |`, `|---|${envs.map(() => '---|').join('')}---|`);
    for (const d of c.dashboards.dashboards) {
      const links = envs.map((e) => {
        const u = dashboardUrl(c, e, d.uid);
        return u ? `[${d.uid}](${u})` : '—';
      });
      out.push(`| ${d.title} | ${links.join(' | ')} | ${d.default ? 'every family not listed elsewhere' : d.families.join(', ')} |`);
    }
    out.push('');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
