/**
 * MTTA / MTTR of real incidents against the catalog's targets, from PagerDuty's Analytics raw incidents
 * (`POST /analytics/raw/incidents`: `seconds_to_first_ack`, `seconds_to_resolve`, `service_name`,
 * `escalation_policy_name`, `priority_name`, `created_at`, …). Each incident is mapped back to an environment and a
 * severity through the names the PagerDuty stack gives (a CloudWatch service is one severity's; an event's
 * severity picks the escalation policy; a priority named like a severity also counts). Per severity: count, median
 * and p90 (nearest rank) of MTTA and MTTR, and every incident over a target with what the runbook says follows
 * (catalog.yml `breach`). Pure except `fetchRawIncidents`, which talks HTTP.
 */
import { z } from 'zod';
import type { Catalog, Severity } from './catalog/model';
import { SEVERITY_ORDER } from './catalog/model';
import { formatIssue } from './catalog/errors';
import { SourceFile } from './catalog/source';
import { seconds } from './duration';
import { resolveCatalog } from './plan/resolve';

/** One raw incident, as far as the report reads it (other fields are kept and ignored). */
export const rawIncidentSchema = z
  .object({
    id: z.string({ invalid_type_error: 'an incident id (string)', required_error: 'an incident id' }),
    created_at: z.string({ invalid_type_error: 'an ISO 8601 time', required_error: 'the creation time' }).datetime({ offset: true, message: 'an ISO 8601 time with offset, such as 2026-11-02T03:04:05Z' }),
    service_name: z.string().nullish(),
    escalation_policy_name: z.string().nullish(),
    priority_name: z.string().nullish(),
    urgency: z.string().nullish(),
    seconds_to_first_ack: z.number({ invalid_type_error: 'a number of seconds or null' }).nonnegative().nullish(),
    seconds_to_resolve: z.number({ invalid_type_error: 'a number of seconds or null' }).nonnegative().nullish(),
    incident_number: z.number().nullish(),
  })
  .passthrough();
export type RawIncident = z.infer<typeof rawIncidentSchema>;

/** One page of the API, or an export: `{ data: [...] }` (the API's shape) or a bare array. */
const pageSchema = z.object({ data: z.array(z.unknown(), { invalid_type_error: 'an array of incidents' }), more: z.boolean().optional(), last: z.string().nullish() }).passthrough();

/**
 * The incidents of an export or API page, validated; every problem located (`name:line:column: data[3].field:
 * message`). Throws one Error listing them all.
 */
export function parseRawIncidents(name: string, text: string): { incidents: RawIncident[]; more: boolean; last?: string } {
  const src = new SourceFile(name, text);
  const syntax = src.syntaxIssues();
  if (syntax.length) throw new Error(syntax.map((i) => formatIssue({ ...i, message: i.message.replace('invalid YAML', 'invalid JSON') })).join('\n'));
  const raw = src.toJS();
  const wrapped = Array.isArray(raw);
  const page = pageSchema.safeParse(wrapped ? { data: raw } : raw);
  if (!page.success) {
    throw new Error(page.error.issues.map((i) => formatIssue(src.issue(i.path, `expected ${i.message}`))).join('\n') || `${name}: expected { "data": [ … ] }`);
  }
  const issues: string[] = [];
  const incidents: RawIncident[] = [];
  page.data.data.forEach((item, i) => {
    const at = wrapped ? [i] : ['data', i];
    const r = rawIncidentSchema.safeParse(item);
    if (r.success) incidents.push(r.data);
    else for (const e of r.error.issues) issues.push(formatIssue({ ...src.issue([...at, ...e.path], `expected ${e.message}`), field: `data[${i}]${e.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}` }));
  });
  if (issues.length) throw new Error(issues.join('\n'));
  return { incidents, more: page.data.more ?? false, last: page.data.last ?? undefined };
}

/** Where an incident belongs: environment and severity, from the names the PagerDuty stack gives. */
export interface Mapped {
  environment?: string;
  severity?: Severity;
}

/** A function mapping a raw incident to its environment and severity, built from every environment's PagerDuty plan. */
export function severityMapper(c: Catalog): (i: RawIncident) => Mapped {
  const services = new Map<string, Mapped>();
  const policies = new Map<string, Mapped>();
  for (const env of resolveCatalog(c).environments) {
    const pd = env.pagerduty;
    if (!pd) continue;
    for (const s of pd.services) services.set(s.name, { environment: env.name });
    for (const s of pd.cloudWatchServices) services.set(s.name, { environment: env.name, severity: s.severity });
    for (const p of pd.escalationPolicies) policies.set(p.name, { environment: env.name, severity: p.severity });
  }
  return (i) => {
    const byService = i.service_name ? services.get(i.service_name) : undefined;
    const byPolicy = i.escalation_policy_name ? policies.get(i.escalation_policy_name) : undefined;
    const byPriority = SEVERITY_ORDER.find((s) => s === i.priority_name?.trim().toLowerCase());
    return { environment: byService?.environment ?? byPolicy?.environment, severity: byService?.severity ?? byPolicy?.severity ?? byPriority };
  };
}

/** The value at rank ⌈q·n⌉ of the sorted values (nearest rank); undefined for none. */
export function nearestRank(values: number[], q: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

export interface Breach {
  incident: string;
  createdAt: string;
  severity: Severity;
  service: string;
  metric: 'MTTA' | 'MTTR';
  /** Seconds. */
  target: number;
  actual: number;
  /** What the runbook says follows (catalog.yml `breach`). */
  consequence: string;
}

export interface SeverityStats {
  severity: Severity;
  incidents: number;
  /** Seconds: target, median, p90; `late`: incidents over the target; `missing`: never acknowledged / still open. */
  mtta: { target: number; median?: number; p90?: number; late: number; missing: number };
  mttr: { target: number; median?: number; p90?: number; late: number; missing: number };
}

export interface IncidentReport {
  environment: string;
  from?: string;
  to?: string;
  total: number;
  /** Incidents of other environments, and incidents whose severity the names do not tell. */
  otherEnvironments: number;
  unmapped: { id: string; service: string }[];
  severities: SeverityStats[];
  breaches: Breach[];
}

/** The report of `incidents` for one environment, created in [from, to). */
export function incidentReport(c: Catalog, incidents: RawIncident[], opts: { environment: string; from?: Date; to?: Date }): IncidentReport {
  const map = severityMapper(c);
  const inRange = incidents.filter((i) => (!opts.from || Date.parse(i.created_at) >= opts.from.getTime()) && (!opts.to || Date.parse(i.created_at) < opts.to.getTime()));
  const report: IncidentReport = { environment: opts.environment, from: opts.from?.toISOString(), to: opts.to?.toISOString(), total: inRange.length, otherEnvironments: 0, unmapped: [], severities: [], breaches: [] };
  const bySeverity = new Map<Severity, RawIncident[]>();
  for (const i of inRange) {
    const m = map(i);
    if (m.environment && m.environment !== opts.environment) report.otherEnvironments++;
    else if (!m.severity || !m.environment) report.unmapped.push({ id: i.id, service: i.service_name ?? '' });
    else bySeverity.set(m.severity, [...(bySeverity.get(m.severity) ?? []), i]);
  }
  for (const severity of SEVERITY_ORDER) {
    const list = [...(bySeverity.get(severity) ?? [])].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    const t = c.catalog.severities[severity];
    const stat = (key: 'seconds_to_first_ack' | 'seconds_to_resolve', target: number, metric: 'MTTA' | 'MTTR') => {
      const values = list.map((i) => i[key]).filter((v): v is number => typeof v === 'number');
      for (const i of list) {
        const v = i[key];
        if (typeof v === 'number' && v > target) {
          report.breaches.push({ incident: i.id, createdAt: i.created_at, severity, service: i.service_name ?? '', metric, target, actual: v, consequence: (metric === 'MTTA' ? t.breach?.mtta : t.breach?.mttr) ?? 'no consequence in catalog.yml' });
        }
      }
      return { target, median: nearestRank(values, 0.5), p90: nearestRank(values, 0.9), late: values.filter((v) => v > target).length, missing: list.length - values.length };
    };
    report.severities.push({ severity, incidents: list.length, mtta: stat('seconds_to_first_ack', seconds(t.mtta), 'MTTA'), mttr: stat('seconds_to_resolve', seconds(t.mttr), 'MTTR') });
  }
  return report;
}

/** Seconds for people: `4m 10s`, `1h 2m`, `—`. */
export function humanSeconds(s: number | undefined): string {
  if (s === undefined) return '—';
  const r = Math.round(s);
  if (r < 60) return `${r}s`;
  if (r < 3600) return `${Math.floor(r / 60)}m${r % 60 ? ` ${r % 60}s` : ''}`;
  return `${Math.floor(r / 3600)}h${Math.floor((r % 3600) / 60) ? ` ${Math.floor((r % 3600) / 60)}m` : ''}`;
}

export function reportMarkdown(r: IncidentReport): string {
  const range = r.from || r.to ? ` — created ${r.from ?? '…'} to ${r.to ?? '…'}` : '';
  const lines = [
    `# MTTA / MTTR: ${r.environment}${range}`,
    '',
    `${r.total} incident${r.total === 1 ? '' : 's'}; ${r.otherEnvironments} of other environments; ${r.unmapped.length} whose severity the PagerDuty names do not tell${r.unmapped.length ? ` (${r.unmapped.map((u) => `${u.id} ${u.service}`.trim()).join(', ')})` : ''}. Medians and p90 by nearest rank.`,
    '',
    '| severity | incidents | MTTA target | MTTA median | MTTA p90 | acknowledged late | never acknowledged | MTTR target | MTTR median | MTTR p90 | resolved late | open |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.severities.map(
      (s) =>
        `| ${s.severity} | ${s.incidents} | ${humanSeconds(s.mtta.target)} | ${humanSeconds(s.mtta.median)} | ${humanSeconds(s.mtta.p90)} | ${s.mtta.late} | ${s.mtta.missing} | ${humanSeconds(s.mttr.target)} | ${humanSeconds(s.mttr.median)} | ${humanSeconds(s.mttr.p90)} | ${s.mttr.late} | ${s.mttr.missing} |`,
    ),
    '',
    `## Breaches (${r.breaches.length})`,
    '',
  ];
  if (!r.breaches.length) lines.push('None: every incident met its targets.');
  else {
    lines.push('| incident | created | severity | service | target | actual | what follows |', '|---|---|---|---|---|---|---|');
    for (const b of r.breaches) lines.push(`| ${b.incident} | ${b.createdAt} | ${b.severity} | ${b.service} | ${b.metric} ${humanSeconds(b.target)} | ${humanSeconds(b.actual)} | ${b.consequence} |`);
  }
  return `${lines.join('\n')}\n`;
}

const csvCell = (v: unknown) => (v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** One CSV: a `summary` row per severity and a `breach` row per breach (seconds throughout). */
export function reportCsv(r: IncidentReport): string {
  const head = ['record', 'severity', 'incidents', 'mtta_target_s', 'mtta_median_s', 'mtta_p90_s', 'mtta_late', 'mttr_target_s', 'mttr_median_s', 'mttr_p90_s', 'mttr_late', 'incident', 'created_at', 'service', 'metric', 'target_s', 'actual_s', 'consequence'];
  const rows = [
    ...r.severities.map((s) => ['summary', s.severity, s.incidents, s.mtta.target, s.mtta.median, s.mtta.p90, s.mtta.late, s.mttr.target, s.mttr.median, s.mttr.p90, s.mttr.late]),
    ...r.breaches.map((b) => ['breach', b.severity, '', '', '', '', '', '', '', '', '', b.incident, b.createdAt, b.service, b.metric, b.target, b.actual, b.consequence]),
  ];
  return `${[head, ...rows].map((row) => head.map((_h, i) => csvCell(row[i])).join(',')).join('\n')}\n`;
}

/**
 * Every raw incident created in [from, to) from PagerDuty's Analytics API (`POST <baseUrl>/analytics/raw/incidents`),
 * following `more` / `last` (`starting_after`) page by page; a 429 is retried after `Retry-After` seconds (default
 * 1 s, doubling, at most `retries` times). A page that is not valid is an error naming the page.
 */
export async function fetchRawIncidents(opts: { baseUrl: string; token: string; from: Date; to: Date; retries?: number; sleep?: (ms: number) => Promise<void> }): Promise<RawIncident[]> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const out: RawIncident[] = [];
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const body = { filters: { created_at_start: opts.from.toISOString(), created_at_end: opts.to.toISOString() }, limit: 1000, order: 'asc', order_by: 'created_at', time_zone: 'Etc/UTC', ...(cursor ? { starting_after: cursor } : {}) };
    let res: Response | undefined;
    for (let attempt = 0, wait = 1000; ; attempt++, wait *= 2) {
      res = await fetch(`${opts.baseUrl.replace(/\/$/, '')}/analytics/raw/incidents`, {
        method: 'POST',
        headers: { Authorization: `Token token=${opts.token}`, Accept: 'application/vnd.pagerduty+json;version=2', 'Content-Type': 'application/json', 'X-EARLY-ACCESS': 'analytics-v2' },
        body: JSON.stringify(body),
      });
      if (res.status !== 429) break;
      if (attempt >= (opts.retries ?? 5)) throw new Error(`PagerDuty page ${page}: still rate limited (429) after ${attempt + 1} tries`);
      const after = Number(res.headers.get('retry-after'));
      await res.text();
      await sleep(Number.isFinite(after) && after >= 0 && res.headers.get('retry-after') !== null ? after * 1000 : wait);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`PagerDuty page ${page}: HTTP ${res.status}: ${text.slice(0, 200)}`);
    const parsed = parseRawIncidents(`PagerDuty page ${page}${cursor ? ` (starting_after ${cursor})` : ''}`, text);
    out.push(...parsed.incidents);
    if (!parsed.more) return out;
    if (!parsed.last) throw new Error(`PagerDuty page ${page}: more pages announced but no 'last' cursor`);
    cursor = parsed.last;
  }
}
