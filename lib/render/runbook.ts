/**
 * The generated regions of the runbook (`docs/runbook.md`): every threshold, severity, delay and escalation statement
 * of the runbook is written between `<!-- begin generated:<name> -->` and `<!-- end generated:<name> -->` and
 * rendered here from the environments' plans; diagnosis, fixes and commands around them stay hand-written. `npm run docs`
 * rewrites the regions, `npm run docs -- --check` names every stale one. A region never holds a heading, so the
 * runbook's anchors (which the loader checks) do not move. Pure text: plan in, Markdown out.
 */
import type { AlarmPlan, CatalogPlan, ResolvedAlert, ResolvedOnCall, Severity, TopicPlan } from '../plan/types';
import { SEVERITY_ORDER, severityRank } from '../plan/vocabulary';
import { levelName } from '../plan/pagerduty';
import { onCallEnvironment } from '../plan/oncall';
import { humanCondition } from './humanize';

const BEGIN = (name: string) => `<!-- begin generated:${name} -->`;
const END = (name: string) => `<!-- end generated:${name} -->`;
/** A region: its markers on lines of their own, indented alike (inside a list item, say). */
const REGION_RE = /^([ \t]*)<!-- begin generated:([A-Za-z0-9:_-]+) -->\n([\s\S]*?)^\1<!-- end generated:\2 -->/gm;

const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** A region of a runbook: its name, its current text and the 1-based line of its begin marker. */
export interface RunbookRegion {
  name: string;
  text: string;
  line: number;
}

/** The generated regions a runbook holds, in order. */
export function runbookRegions(markdown: string): RunbookRegion[] {
  return [...markdown.matchAll(REGION_RE)].map((m) => ({ name: m[2], text: m[3], line: markdown.slice(0, m.index).split('\n').length }));
}

/** How the escalation of a paging severity reads: `primary on-call at once; unacknowledged 5m → secondary on-call; …`. */
function chainText(r: ResolvedOnCall, severity: Severity): string {
  const s = r.severities.find((x) => x.severity === severity)!;
  const parts = [`pages the ${levelName(s.escalation[0].level)} at once`];
  for (let i = 1; i < s.escalation.length; i++) {
    const prev = s.escalation[i - 1];
    parts.push(`${i === 1 ? 'not acknowledged within' : 'still unacknowledged'} ${prev.delay} (${prev.after.toUpperCase()})${i === 1 ? '' : ' later'} → ${levelName(s.escalation[i].level)}`);
  }
  const last = s.escalation[s.escalation.length - 1];
  if (s.numLoops > 0) parts.push(`${last.delay} (${last.after.toUpperCase()}) after that the chain starts over (${s.numLoops === 1 ? 'once' : `${s.numLoops} times`})`);
  return parts.join('; ');
}

/** Where a severity goes in one environment. */
function destination(r: ResolvedOnCall, env: string, severity: Severity): string {
  const e = onCallEnvironment(r, env);
  return e.destination[severity] === 'pagerduty' ? `PagerDuty, ${e.incidentUrgency[severity]} urgency` : `Slack ${r.slack.alerts}, no page`;
}

/** The severities table at the top of the runbook. */
function severitiesRegion(p: CatalogPlan, r: ResolvedOnCall): string {
  const envs = r.environments.map((e) => e.name);
  const lines = [`| Severity | ${envs.map((e) => `Where it goes (${e})`).join(' | ')} | MTTA | MTTR | MTTA missed | MTTR missed |`, `|---|${envs.map(() => '---|').join('')}---|---|---|---|`];
  for (const s of r.severities) {
    const t = p.severities[s.severity];
    const where = envs.map((e) => destination(r, e, s.severity) + (onCallEnvironment(r, e).destination[s.severity] === 'pagerduty' ? `; ${chainText(r, s.severity)}` : ''));
    lines.push(`| ${s.severity} | ${where.join(' | ')} | ${s.mtta} | ${s.mttr} | ${t.breach?.mtta ?? '—'} | ${t.breach?.mttr ?? '—'} |`);
  }
  return lines.join('\n');
}

/** The escalation chain: what PagerDuty does, and what replaces the time-to-resolve rules PagerDuty cannot express. */
function escalationRegion(r: ResolvedOnCall): string {
  const paging = r.severities.filter((s) => s.escalation.length > 0);
  const levels = paging[0]?.escalation.map((e) => cap(levelName(e.level))) ?? [];
  const pagingEnvs = r.environments.filter((e) => Object.values(e.destination).includes('pagerduty')).map((e) => e.name);
  const quiet = r.environments.filter((e) => !pagingEnvs.includes(e.name)).map((e) => e.name);
  const ack = r.pagerduty.acknowledgementTimeout;
  const mttr = paging.map((s) => `${s.severity} ${s.mttr}`).join(', ');
  return [
    `**Escalation chain**: ${levels.join(' → ')} (team lead ${r.teamLead}, engineering manager ${r.engineeringManager}; primary and secondary are the PagerDuty schedules of \`alerts/oncall.yml\`).`,
    '',
    `What PagerDuty does${pagingEnvs.length ? ` (${pagingEnvs.join(', ')})` : ''} — escalation is driven by *acknowledgement* only:`,
    ...paging.map((s) => `- **${s.severity}**: ${chainText(r, s.severity)}.`),
    ...r.severities.filter((s) => s.escalation.length === 0).map((s) => `- **${s.severity}**: no page, Slack ${r.slack.alerts}; nothing escalates.`),
    `- Acknowledging stops the escalation. An acknowledged incident not resolved within ${ack.duration} (\`${ack.ref}\`, the acknowledgement timeout of every service) triggers again: the current level is notified again and, unacknowledged for that level's delay, the next level is paged.`,
    ...(quiet.length ? [`- ${quiet.join(', ')}: nothing pages — every severity goes to Slack ${r.slack.alerts}; CloudWatch incidents there are low urgency and do not escalate.`] : []),
    '',
    `PagerDuty cannot escalate on time to *resolve*. What replaces the runbook's "not resolved in … → next level" rules: the acknowledgement timeout above, and a manual step — an incident open past its MTTR target (${mttr}) is escalated by the responder to the next level of the chain (PagerDuty *Escalate*, or \`@pagerduty escalate <incident-id>\` in Slack) with an update in ${r.slack.incidents}. Cross-team coordination, a customer-facing outage past the MTTR target or a suspected data breach: page the ${levelName('engineering_manager')} by hand.`,
    '',
    'MTTA / MTTR of every incident against these targets, with each breach and what follows: `npm run incidents` (from a PagerDuty raw incidents export, or fetched with `--pagerduty-token`).',
  ].join('\n');
}

/** Impact categories (first-hour checklist, step 2): per severity, the conditions that raise it. */
function impactRegion(byEnv: readonly ResolvedAlert[]): string {
  const lines: string[] = [];
  for (const sev of SEVERITY_ORDER) {
    const conds = [...new Set(byEnv.filter((a) => a.severity === sev).map((a) => humanCondition(a)))];
    if (conds.length) lines.push(`   - ${cap(sev)}: ${conds.join('; ')}.`);
  }
  return lines.join('\n');
}

/** First-hour checklist, step 5: when to escalate. */
function monitorRegion(r: ResolvedOnCall): string {
  return `   Not resolved within the MTTR target (${r.severities.map((s) => `${s.severity} ${s.mttr}`).join(', ')}) → escalate to the next level by hand (see Escalation chain).`;
}

/** Environments with guardrails, in catalog order. */
function guardrailEnvironments(p: CatalogPlan): string[] {
  return p.environments.filter((e) => e.guardrails).map((e) => e.name);
}

/** A guardrail alarm's condition: `AWS/RDS DatabaseConnections (Maximum) > 80, 5 of 5 × 60s`. */
function alarmCondition(a: AlarmPlan): string {
  return `${a.namespace} \`${a.metricName}\` (${a.extendedStatistic ?? a.statistic}) ${a.comparisonOperator === 'LessThanThreshold' ? '<' : '>'} ${a.thresholdText}, ${a.datapointsToAlarm} of ${a.evaluationPeriods} × ${a.period}s`;
}

function alarmDestination(t: TopicPlan | undefined): string {
  if (!t) return 'nobody';
  if (t.destination.kind === 'pagerduty') return 'PagerDuty';
  if (t.destination.kind === 'email') return `e-mail ${t.destination.address}`;
  return 'nobody';
}

/** Guardrail alarms of a runbook anchor in one environment: one line per alarm (member clusters folded). */
function alarmLines(p: CatalogPlan, env: string, anchor: string): Map<string, { severity: Severity; text: string; dest: string }> {
  const plan = p.environments.find((e) => e.name === env)!.guardrails!;
  const topics = new Map(plan.topics.map((t) => [t.id, t]));
  const out = new Map<string, { severity: Severity; text: string; dest: string }>();
  for (const a of [...(plan.rds?.alarms ?? []), ...(plan.elasticache?.alarms ?? []), ...(plan.s3?.alarms ?? [])]) {
    if (a.runbookUrl.split('#')[1] !== anchor) continue;
    const id = a.id.replace(/-\d{3}$/, '');
    out.set(id, { severity: a.severity, text: alarmCondition(a), dest: alarmDestination(topics.get(a.topic)) });
  }
  return out;
}

/** Symptoms of a section: every alert and guardrail alarm linking to it, with its condition, severity and route. */
function conditionsRegion(p: CatalogPlan, r: ResolvedOnCall | undefined, envs: string[], byEnv: Record<string, readonly ResolvedAlert[]>, anchor: string): string {
  const [first, ...rest] = envs;
  const lines: string[] = [];
  for (const a of byEnv[first].filter((x) => x.runbookAnchor === anchor)) {
    const route = r && (SEVERITY_ORDER as readonly string[]).includes(a.severity) ? ` — ${destination(r, first, a.severity as Severity)}` : a.severity === 'none' || a.severity === 'info' ? ' — notifies nobody' : '';
    const diffs: string[] = [];
    for (const env of rest) {
      const b = byEnv[env].find((x) => x.name === a.name);
      if (!b) diffs.push(`not deployed in ${env}`);
      else {
        const d: string[] = [];
        if (b.severity !== a.severity) d.push(b.severity);
        if (humanCondition(b) !== humanCondition(a)) d.push(humanCondition(b));
        if (b.for !== a.for) d.push(`for ${b.for}`);
        if (d.length) diffs.push(`${env}: ${d.join(', ')}`);
      }
    }
    lines.push(`- **${a.name}** (${a.severity}): ${humanCondition(a)}${a.for && a.for !== '0s' ? `, for ${a.for}` : ''}${route}${diffs.length ? ` (${diffs.join('; ')})` : ''}.`);
  }
  const gEnvs = guardrailEnvironments(p);
  if (gEnvs.length) {
    const [g0, ...gRest] = gEnvs;
    const base = alarmLines(p, g0, anchor);
    const others = gRest.map((e) => [e, alarmLines(p, e, anchor)] as const);
    for (const [id, l] of base) {
      const diffs = others.flatMap(([e, m]) => {
        const o = m.get(id);
        if (!o) return [`not in ${e}`];
        const d = [o.severity !== l.severity ? o.severity : '', o.text !== l.text ? o.text : '', o.dest !== l.dest ? `notifies ${o.dest}` : ''].filter(Boolean);
        return d.length ? [`${e}: ${d.join(', ')}`] : [];
      });
      lines.push(`- \`${id}\` (${l.severity}): ${l.text} — ${g0}: notifies ${l.dest}${diffs.length ? `; ${diffs.join('; ')}` : ''}.`);
    }
  }
  return lines.join('\n');
}

/** Escalation of a section: per severity of its alerts, the targets, what PagerDuty does and what a missed target means. */
function sectionEscalationRegion(p: CatalogPlan, r: ResolvedOnCall, first: string, alerts: readonly ResolvedAlert[], alarmList: { severity: Severity; pages: boolean }[]): string {
  const alarms = alarmList.map((a) => a.severity);
  const sevs = [...new Set([...alerts.map((a) => a.severity), ...alarms])].filter((s): s is Severity => (SEVERITY_ORDER as readonly string[]).includes(s)).sort((a, b) => severityRank(a) - severityRank(b));
  const lines: string[] = [];
  for (const sev of sevs) {
    const s = r.severities.find((x) => x.severity === sev)!;
    const t = p.severities[sev];
    const names = alerts.filter((a) => a.severity === sev).map((a) => a.name);
    const which = names.length ? ` (${names.join(', ')}${alarms.includes(sev) ? ', guardrail alarms' : ''})` : alarms.includes(sev) ? ' (guardrail alarms)' : '';
    const pages = names.length ? onCallEnvironment(r, first).destination[sev] === 'pagerduty' : alarmList.some((a) => a.severity === sev && a.pages);
    const how = pages ? `${destination(r, first, sev)} in ${first}: ${chainText(r, sev)}` : names.length ? destination(r, first, sev) : 'no page: the alarm notifies as listed above';
    lines.push(`- **${sev}**${which}: MTTA ${s.mtta}, MTTR ${s.mttr}. ${cap(how)}.${t.breach ? ` MTTA missed: ${t.breach.mtta}; MTTR missed: ${t.breach.mttr}.` : ''}`);
  }
  if (sevs.some((s) => onCallEnvironment(r, first).destination[s] === 'pagerduty')) {
    lines.push(`- Acknowledged but not resolved within ${r.pagerduty.acknowledgementTimeout.duration}: PagerDuty triggers the incident again. Past its MTTR target: escalate to the next level by hand (see Escalation chain).`);
  }
  return lines.join('\n');
}

/** The feature flags' expected values per environment (feature_flags.yml), as the drift alerts compare them. */
function featureFlagsRegion(p: CatalogPlan): string {
  const envs = p.environments.map((e) => e.name);
  const byEnv = p.environments.map((e) => e.featureFlags ?? []);
  const lines = [`| Flag | ${envs.map((e) => `Expected in ${e}`).join(' | ')} | What it switches |`, `|---|${envs.map(() => '---|').join('')}---|`];
  byEnv[0].forEach((f, i) => {
    const values = byEnv.map((flags) => {
      const v = flags[i].expected;
      return typeof v === 'boolean' ? `\`${v}\`` : 'any (not watched)';
    });
    lines.push(`| \`${f.name}\` | ${values.join(' | ')} | ${f.description.replace(/\|/g, '\\|').replace(/\s+/g, ' ')} |`);
  });
  return lines.join('\n');
}

/** Region name → content, for every region the catalog generates. */
export function renderRunbookRegions(p: CatalogPlan): Map<string, string> {
  const out = new Map<string, string>();
  const r = p.onCall;
  const envs = p.environments.map((e) => e.name);
  const first = envs[0];
  const firstPlan = p.environments[0];
  const byEnv = Object.fromEntries(p.environments.map((e) => [e.name, e.alerts]));
  if (r) {
    out.set('severities', severitiesRegion(p, r));
    out.set('escalation', escalationRegion(r));
    out.set('first-hour-monitor', monitorRegion(r));
  }
  out.set('first-hour-impact', impactRegion(byEnv[first]));
  if (firstPlan.dashboards) {
    out.set(
      'dashboards',
      firstPlan.dashboards.dashboards.map(({ spec: d, url: u }) => {
        return `  - ${u ? `[${d.title}](${u})` : d.title} — ${d.default ? 'every alert family not listed elsewhere' : d.families.join(', ')}`;
      }).join('\n'),
    );
  }
  if (p.environments[0].featureFlags) out.set('feature-flags', featureFlagsRegion(p));
  for (const anchor of p.runbookSections) {
    const alerts = byEnv[first].filter((a) => a.runbookAnchor === anchor);
    const lines = firstPlan.guardrails ? [...alarmLines(p, first, anchor).values()] : [];
    const alarms = lines.map((l) => ({ severity: l.severity, pages: l.dest === 'PagerDuty' }));
    if (!alerts.length && !alarms.length) continue;
    out.set(`conditions:${anchor}`, conditionsRegion(p, r, envs, byEnv, anchor));
    if (r) out.set(`escalation:${anchor}`, sectionEscalationRegion(p, r, first, alerts, alarms));
  }
  return out;
}

/** What is wrong with a runbook's regions against the catalog: stale, unknown and missing regions. */
export interface RunbookCheck {
  /** Regions whose text differs from what the catalog renders, with their line. */
  stale: RunbookRegion[];
  /** Regions the catalog does not generate (a removed section, a misspelt name). */
  unknown: RunbookRegion[];
  /** Regions the catalog generates that the runbook lacks. */
  missing: string[];
}

export function checkRunbook(markdown: string, regions: Map<string, string>): RunbookCheck {
  const found = runbookRegions(markdown);
  const names = new Set(found.map((f) => f.name));
  return {
    stale: found.filter((f) => regions.has(f.name) && f.text !== `${regions.get(f.name)}\n`),
    unknown: found.filter((f) => !regions.has(f.name)),
    missing: [...regions.keys()].filter((n) => !names.has(n)),
  };
}

/**
 * The runbook with every region rewritten. Throws, naming them, when the runbook holds a region the catalog does not
 * generate or lacks one it does (so a threshold can never be left without its region).
 */
export function withRunbookRegions(markdown: string, regions: Map<string, string>, name = 'docs/runbook.md'): string {
  const { unknown, missing } = checkRunbook(markdown, regions);
  const problems = [
    ...unknown.map((u) => `${name}:${u.line}: region '${u.name}' is not generated from the catalog (remove it, or fix its name)`),
    ...missing.map((m) => `${name}: no region '${m}': add ${BEGIN(m)} … ${END(m)} to its section`),
  ];
  if (problems.length) throw new Error(problems.join('\n'));
  return markdown.replace(REGION_RE, (_all, indent: string, n: string) => `${indent}${BEGIN(n)}\n${regions.get(n)}\n${indent}${END(n)}`);
}
