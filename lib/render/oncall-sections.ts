/**
 * Sections of the on-call reference for the engineer paged at 3 am, all read from the environments' plans: the routing as a
 * Mermaid flowchart (alert → Alertmanager route → receiver → PagerDuty service → escalation levels with their
 * delays), PagerDuty links per service, schedule and escalation policy, and how to silence an alert family and expire
 * the silence with `amtool`, per environment's Alertmanager. Pure text.
 */
import type { CatalogPlan, EnvironmentPlan } from '../plan/types';
import { AmRoute, renderAlertmanagerConfig } from './alertmanager';
import { levelName } from '../plan/pagerduty';

/** Mermaid node ids: letters, digits and underscores. */
const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
/** A Mermaid label in double quotes (quotes as `#quot;`). */
const label = (s: string) => `"${s.replace(/"/g, "#quot;").replace(/\|/g, "#124;")}"`;

/** The routing of `environment` as a Mermaid flowchart (without the fence). */
export function routingDiagram(plan: EnvironmentPlan): string {
  const environment = plan.name;
  const r = plan.onCall!.model;
  const dummy = { value: 'x' };
  const am = renderAlertmanagerConfig(plan, { secrets: { routingKey: () => dummy, slackWebhookUrl: dummy, heartbeatUrl: 'http://heartbeat' } });
  const pd = plan.pagerduty!;
  const lines = ['flowchart LR', `  alert([${label(`alert firing in ${environment}`)}]) --> root{${label('Alertmanager route')}}`];
  const receivers = new Set<string>();
  const walk = (route: AmRoute, parent: string, path: string) => {
    (route.routes ?? []).forEach((child, i) => {
      const node = `${path}_${i}`;
      const edge = label((child.matchers ?? []).join(', ') || 'any');
      if (child.routes?.length) {
        lines.push(`  ${parent} -->|${edge}| ${node}{${label(`default: ${child.receiver}`)}}`);
        lines.push(`  ${node} -.->|${label('no service label')}| rcv_${id(child.receiver!)}`);
        walk(child, node, node);
      } else lines.push(`  ${parent} -->|${edge}| rcv_${id(child.receiver!)}`);
      receivers.add(child.receiver!);
    });
  };
  walk(am.route, 'root', 'r');
  lines.push(`  root -->|${label('anything else')}| rcv_${id(am.route.receiver!)}`);
  receivers.add(am.route.receiver!);
  for (const rc of receivers) lines.push(`  rcv_${id(rc)}[${label(`receiver ${rc}`)}]`);
  const env = plan.onCall!.environment;
  for (const s of r.severities) {
    if (env.destination[s.severity] !== 'pagerduty') continue;
    for (const svc of pd.services) lines.push(`  rcv_${id(`pagerduty-${svc.service}-${s.severity}`)} --> svc_${id(svc.service)}_${s.severity}[${label(`PagerDuty ${svc.name}, ${s.severity} policy`)}]`);
    const levels = s.escalation.map((_e, i) => `${s.severity}_${i}`);
    for (const svc of pd.services) lines.push(`  svc_${id(svc.service)}_${s.severity} --> ${levels[0]}`);
    s.escalation.forEach((e, i) => {
      lines.push(`  ${levels[i]}[${label(`${s.severity}: ${levelName(e.level)}`)}]`);
      if (i + 1 < s.escalation.length) lines.push(`  ${levels[i]} -->|${label(`not acknowledged in ${e.delay}`)}| ${levels[i + 1]}`);
    });
    const last = s.escalation[s.escalation.length - 1];
    if (s.numLoops > 0) lines.push(`  ${levels[levels.length - 1]} -.->|${label(`${last.delay}: repeats ${s.numLoops === 1 ? 'once' : `${s.numLoops}×`}`)}| ${levels[0]}`);
  }
  return lines.join('\n');
}

/** PagerDuty links: services, schedules and escalation policies of every environment (search links by name). */
export function pagerDutyLinks(p: CatalogPlan): string[] {
  const r = p.onCall!;
  const base = r.pagerduty.baseUrl;
  if (!base) return ['No PagerDuty subdomain in `alerts/oncall.yml` (`pagerduty.subdomain`): no links.'];
  const q = (kind: string, name: string) => `[${name}](${base}/${kind}?query=${encodeURIComponent(name)})`;
  const out = [
    `Account: ${base}. Links search by the names the stacks give (PagerDuty assigns the ids at deploy).`,
    '',
    '| environment | services | CloudWatch services | schedules | escalation policies |',
    '|---|---|---|---|---|',
  ];
  for (const env of r.environments) {
    const pd = p.environments.find((e) => e.name === env.name)!.pagerduty!;
    out.push(
      `| ${env.name} | ${pd.services.map((s) => q('service-directory', s.name)).join('<br>')} | ${pd.cloudWatchServices.map((s) => q('service-directory', s.name)).join('<br>') || '—'} | ${pd.schedules.map((s) => q('schedules', s.name)).join('<br>')} | ${pd.escalationPolicies.map((p) => q('escalation_policies', p.name)).join('<br>')} |`,
    );
  }
  return out;
}

/** `amtool silence add` per alert family and environment, and how to find and expire a silence. */
export function silenceCommands(p: CatalogPlan): string[] {
  const r = p.onCall!;
  const out: string[] = [
    'Silence one alert family of one environment while you work on it (add `service="<service>"` to narrow it to one service); ' +
      'the command prints the silence id. Never silence the dead man’s switch: the matchers below leave it out.',
    '',
  ];
  const hb = r.alertmanager.heartbeat.alertname;
  for (const env of r.environments) {
    const url = env.alertmanager.url;
    out.push(`### ${env.name}`, '');
    if (!url) {
      out.push(`No Alertmanager URL in \`alerts/oncall.yml\` (\`environments.${env.name}.alertmanager.url\`).`, '');
      continue;
    }
    out.push(`Alertmanager: ${url}`, '', '```bash');
    const alerts = p.environments.find((e) => e.name === env.name)!.alerts;
    const families = [...new Set(alerts.map((a) => a.family))];
    for (const f of families) {
      const hasHeartbeat = alerts.some((a) => a.family === f && a.name === hb);
      const matchers = [`family="${f}"`, `environment="${env.name}"`, ...(hasHeartbeat ? [`alertname!="${hb}"`] : [])];
      out.push(`amtool silence add --alertmanager.url=${url} --author="$USER" --duration=2h --comment="INCIDENT-ID: ${f}" ${matchers.map((m) => `'${m}'`).join(' ')}`);
    }
    out.push(
      `# list the silences of the environment, then expire one by its id`,
      `amtool silence query --alertmanager.url=${url} 'environment="${env.name}"'`,
      `amtool silence expire --alertmanager.url=${url} SILENCE-ID`,
      '```',
      '',
    );
  }
  out.push('CloudWatch guardrail alarms do not pass through Alertmanager: snooze their PagerDuty incident instead.');
  return out;
}
