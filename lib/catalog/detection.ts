/**
 * Detection time: how long, at worst, an alert takes from the start of its condition to firing, against the budget
 * of its severity (catalog.yml `detection_budget`).
 *
 * - A threshold or condition alert: the longest range window its expression reads (following the catalog's
 *   recording rules; offsets excepted), which a value just past the threshold needs to fill, plus its `for`, plus
 *   one evaluation interval (the condition may start just after an evaluation).
 * - A burn-rate alert, by its tier's budget: a total outage (every request failing) crosses the long window's limit
 *   after long_window × burn_rate × error budget (the short window's limit sooner), plus `for`, plus one evaluation
 *   interval — the SRE workbook's detection time.
 * An alert over its budget states `detection_exception` with the reason; the loader rejects it otherwise.
 */
import type { Catalog } from './model';
import { BURN_WORD, burnAlertsOf } from './model';
import type { ResolvedAlert, ResolvedEnvironment } from './resolve';
import { resolveEnvironment } from './resolve';
import { CatalogIssue } from './errors';
import type { FieldPath, SourceFile } from './source';
import { formatDuration, seconds } from '../duration';

export interface Detection {
  /** Worst-case detection time, in seconds. */
  seconds: number;
  /** How it adds up: `window 5m + for 2m + evaluation 30s`. */
  parts: string;
  /** The budget it is held to, in seconds, and where the budget is written (`critical`, `burn.fast_burn`). */
  budget?: { seconds: number; key: string };
}

/** Longest range window (s) an expression reads, following recording rules; `offset` and `@` are not windows. */
export function longestWindow(expr: string, records: ReadonlyMap<string, string>, seen = new Set<string>()): number {
  let longest = 0;
  for (const m of expr.matchAll(/\[\s*([0-9a-z]+)\s*(?::[^\]]*)?\]/g)) longest = Math.max(longest, safeSeconds(m[1]));
  // Every maximal run of name characters is a candidate metric or record name.
  for (const name of expr.match(/[a-zA-Z0-9_:]+/g) ?? []) {
    const rexpr = records.get(name);
    if (rexpr === undefined || seen.has(name)) continue;
    seen.add(name);
    longest = Math.max(longest, longestWindow(rexpr, records, seen));
  }
  return longest;
}

function safeSeconds(d: string): number {
  try {
    return seconds(d);
  } catch {
    return 0;
  }
}

const RECORDS = new WeakMap<ResolvedEnvironment, ReadonlyMap<string, string>>();

/** Record name → expression of an environment's recording rules (computed once per environment). */
function recordsOf(r: ResolvedEnvironment): ReadonlyMap<string, string> {
  let m = RECORDS.get(r);
  if (!m) RECORDS.set(r, (m = new Map(r.groups.flatMap((g) => g.recordings.map((x) => [x.record, x.expr] as const)))));
  return m;
}

/** Detection figures by resolved alert and evaluation interval: the loader's budget check and the plan share them. */
const DETECTIONS = new WeakMap<ResolvedAlert, Map<string, Detection>>();

/**
 * The detection time of `a` in the resolved environment `r` evaluated every `evaluation`, computed once per alert
 * (a resolved alert belongs to one resolved environment of one catalog: lib/catalog/resolve.ts).
 */
export function detectionOf(c: Catalog, r: ResolvedEnvironment, a: ResolvedAlert, evaluation: string): Detection {
  let byEvaluation = DETECTIONS.get(a);
  if (!byEvaluation) DETECTIONS.set(a, (byEvaluation = new Map()));
  let d = byEvaluation.get(evaluation);
  if (!d) byEvaluation.set(evaluation, (d = computeDetection(c, r, a, evaluation)));
  return d;
}

function computeDetection(c: Catalog, r: ResolvedEnvironment, a: ResolvedAlert, evaluation: string): Detection {
  const budgets = c.catalog.detection_budget;
  const evalS = seconds(evaluation);
  const forS = seconds(a.for);
  if (a.kind === 'burn') {
    const slo = c.slos.slos.find((s) => s.name === a.labels.slo)!;
    const [kind, b] = burnAlertsOf(slo).find(([, x]) => x.name === a.name)!;
    const budget = (100 - slo.objective) / 100;
    const outage = seconds(b.long_window) * b.burn_rate * budget;
    const budgetS = budgets?.burn[kind];
    return {
      seconds: outage + forS + evalS,
      parts: `${formatDuration(outage)} to spend ${b.budget_consumed}% of the budget at 100 % errors + for ${a.for} + evaluation ${evaluation}`,
      budget: budgetS ? { seconds: seconds(budgetS), key: `burn.${kind}` } : undefined,
    };
  }
  const windowS = longestWindow(a.expr, recordsOf(r));
  const sev = a.severity as 'critical' | 'high' | 'warning';
  const budgetS = budgets && sev in budgets ? budgets[sev] : undefined;
  return {
    seconds: windowS + forS + evalS,
    parts: `${windowS ? `window ${formatDuration(windowS)} + ` : ''}for ${a.for} + evaluation ${evaluation}`,
    budget: budgetS ? { seconds: seconds(budgetS), key: sev } : undefined,
  };
}

/** Every alert over its detection budget without a `detection_exception`, in every environment, located. */
export function checkDetectionBudgets(c: Catalog): CatalogIssue[] {
  if (!c.catalog.detection_budget) return [];
  const issues: CatalogIssue[] = [];
  const where = new Map<string, { src: SourceFile; at: FieldPath; exception?: string }>();
  for (const { source, data } of c.ruleFiles) {
    data.families.forEach((f, fi) => f.alerts.forEach((a, ai) => where.set(a.name, { src: source, at: ['families', fi, 'alerts', ai], exception: a.detection_exception })));
  }
  c.slos.slos.forEach((slo, i) => {
    for (const [kind, b] of burnAlertsOf(slo)) where.set(b.name, { src: c.sources.slos!, at: ['slos', i, 'alerts', kind], exception: b.detection_exception });
  });
  const worst = new Map<string, { d: Detection; env: string }>();
  for (const env of c.catalog.environments) {
    const r = resolveEnvironment(c, env.name);
    for (const g of r.groups) {
      for (const a of g.alerts) {
        const d = detectionOf(c, r, a, env.evaluation_interval);
        const prev = worst.get(a.name);
        if (d.budget && d.seconds > d.budget.seconds && (!prev || d.seconds - d.budget.seconds > prev.d.seconds - prev.d.budget!.seconds)) worst.set(a.name, { d, env: env.name });
      }
    }
  }
  for (const [name, { d, env }] of worst) {
    const w = where.get(name);
    if (!w || w.exception) continue;
    const budgetWord = d.budget!.key.startsWith('burn.') ? `the ${BURN_WORD[d.budget!.key.slice(5) as keyof typeof BURN_WORD]} burn tier's` : `the ${d.budget!.key}`;
    issues.push(
      w.src.issue(
        [...w.at, 'name'],
        `alert ${name} detects in ${formatDuration(d.seconds)} at worst in ${env} (${d.parts}), over ${budgetWord} budget of ${formatDuration(d.budget!.seconds)} (catalog.yml detection_budget.${d.budget!.key}); shorten its window or 'for', or state 'detection_exception' with the reason`,
      ),
    );
  }
  return issues;
}
