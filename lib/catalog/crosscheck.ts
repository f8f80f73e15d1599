/**
 * Checks that span fields or files: references to services, severities and environments; unique names;
 * threshold order within a family; units; SLO arithmetic; PromQL syntax and the metric contract; examples.
 * Every issue is located in its YAML file.
 */
import { CatalogIssue } from './errors';
import { burnAlertsOf, Catalog, NON_NOTIFYING_SEVERITIES, SEVERITY_ORDER, severityRank } from './model';
import type { AlertSpec, Example, Examples, Family, Signal, Slo } from './schema';
import { FieldPath, SourceFile } from './source';
import { parsePromql } from '../promql';
import { crossCheckGuardrails } from './crosscheck-guardrails';
import { crossCheckOnCall } from './crosscheck-oncall';
import { crossCheckSynthetics } from './crosscheck-synthetics';
import { crossCheckDashboards } from './crosscheck-dashboards';
import { crossCheckLiveness } from './crosscheck-liveness';
import { crossCheckFeatureFlags, hasFeatureFlagFamily } from './crosscheck-feature-flags';
import { FEATURE_FLAG_EXPECTED } from './feature-flags';
import { crossCheckScenarios } from './crosscheck-scenarios';
import { seconds } from '../duration';
import { fmt } from '../num';

import { ALWAYS_FIRING, SERVICES_PLACEHOLDER, SLO_RECORDS, sloRecordName, sloWindows, WINDOW_PLACEHOLDER } from './names';

export function crossCheck(c: Catalog): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const services = new Set(c.catalog.services.map((s) => s.name));
  const environments = new Set(c.catalog.environments.map((e) => e.name));
  const severities = new Set<string>([...Object.keys(c.catalog.severities), ...NON_NOTIFYING_SEVERITIES]);
  const cat = c.sources.catalog;

  duplicates(c.catalog.services.map((s) => s.name), (i, n) => issues.push(cat.issue(['services', i, 'name'], `duplicate service '${n}'`)));
  duplicates(c.catalog.environments.map((e) => e.name), (i, n) => issues.push(cat.issue(['environments', i, 'name'], `duplicate environment '${n}'`)));
  // Names and uids are <base><name_suffix>: distinct suffixes make every object of one environment distinct from the
  // other's, in one cluster or one Grafana.
  duplicates(c.catalog.environments.map((e) => e.name_suffix), (i, n) =>
    issues.push(cat.issue(['environments', i, 'name_suffix'], `name_suffix '${n}' is also another environment's: their Kubernetes objects and Grafana uids would collide`)),
  );
  for (const [i, sev] of SEVERITY_ORDER.entries()) {
    const next = SEVERITY_ORDER[i + 1];
    if (next && seconds(c.catalog.severities[sev].mtta) > seconds(c.catalog.severities[next].mtta)) {
      issues.push(cat.issue(['severities', sev, 'mtta'], `MTTA target of ${sev} must not be longer than that of ${next}`));
    }
  }

  const ctx: Ctx = { issues, services, environments, severities, c, recorded: new Set(), alertNames: new Map() };
  // Recording rule names first, so that alerts may use them wherever they are defined.
  for (const { data } of c.ruleFiles) {
    for (const f of data.families) {
      for (const s of [f.signal, ...f.alerts.map((a) => a.signal)]) if (s?.record) ctx.recorded.add(s.record);
    }
  }
  for (const slo of c.slos.slos) for (const w of [...sloWindows(slo), slo.window]) ctx.recorded.add(sloRecordName(w));
  if (c.slos.slos.length) for (const r of Object.values(SLO_RECORDS)) ctx.recorded.add(r);
  // Recorded from feature_flags.yml for the drift family (a family without the file is reported on its own).
  if (c.featureFlags || hasFeatureFlagFamily(c)) ctx.recorded.add(FEATURE_FLAG_EXPECTED);

  const groups = new Map<string, string>();
  for (const { source, data } of c.ruleFiles) {
    const prev = groups.get(data.group);
    if (prev) issues.push(source.issue(['group'], `duplicate rule group '${data.group}' (also in ${prev})`));
    groups.set(data.group, source.name);
    data.families.forEach((f, fi) => checkFamily(ctx, source, f, ['families', fi]));
  }
  if (c.sources.slos) c.slos.slos.forEach((slo, i) => checkSlo(ctx, c.sources.slos!, slo, ['slos', i]));
  issues.push(...crossCheckOnCall(c));
  issues.push(...crossCheckGuardrails(c));
  issues.push(...crossCheckSynthetics(c));
  issues.push(...crossCheckDashboards(c));
  issues.push(...crossCheckLiveness(c));
  issues.push(...crossCheckFeatureFlags(c));
  issues.push(...crossCheckScenarios(c));
  return issues;
}

interface Ctx {
  issues: CatalogIssue[];
  services: Set<string>;
  environments: Set<string>;
  severities: Set<string>;
  c: Catalog;
  recorded: Set<string>;
  alertNames: Map<string, { src: SourceFile; at: FieldPath }>;
}

function checkFamily(ctx: Ctx, src: SourceFile, f: Family, at: FieldPath): void {
  const { issues } = ctx;
  if ((f.service === undefined) === (f.services === undefined)) {
    issues.push(src.issue(at, "expected exactly one of 'service' (a fixed owning service) or 'services' (services whose series carry the label)"));
  }
  if (f.service !== undefined) checkService(ctx, src, f.service, [...at, 'service']);
  f.services?.forEach((s, i) => checkService(ctx, src, s, [...at, 'services', i]));
  if (f.signal) checkSignal(ctx, src, f.signal, [...at, 'signal']);

  const implausible = new Set<number>();
  f.alerts.forEach((a, ai) => checkAlert(ctx, src, f, a, [...at, 'alerts', ai]) || implausible.add(ai));

  // Thresholds of one signal must escalate with severity: warning < high < critical (for 'above'). A threshold
  // already reported in the wrong unit is left out: its number says nothing about the order.
  const sharing = f.alerts
    .map((a, ai) => ({ a, ai }))
    .filter(({ a, ai }) => !implausible.has(ai) && !a.signal && a.threshold !== undefined && !a.expr && severityRank(a.severity) < SEVERITY_ORDER.length);
  const dir = f.comparison === 'below' ? -1 : 1;
  for (const x of sharing) {
    for (const y of sharing) {
      if (severityRank(x.a.severity) < severityRank(y.a.severity) && dir * (x.a.threshold! - y.a.threshold!) <= 0) {
        const word = dir === 1 ? 'above' : 'below';
        issues.push(
          src.issue(
            [...at, 'alerts', y.ai, 'threshold'],
            `thresholds out of order: ${y.a.severity} threshold ${y.a.threshold} must be strictly ${dir === 1 ? 'below' : 'above'} the ${x.a.severity} threshold ${x.a.threshold} (alerts fire ${word} their threshold; a more severe alert needs a worse value)`,
          ),
        );
      }
    }
  }
}

/** Checks one alert; false when its threshold is implausible for its signal (see checkThresholdUnit). */
function checkAlert(ctx: Ctx, src: SourceFile, f: Family, a: AlertSpec, at: FieldPath): boolean {
  const { issues } = ctx;
  let plausible = true;
  checkName(ctx, src, a.name, [...at, 'name']);
  checkSeverity(ctx, src, a.severity, [...at, 'severity']);
  const signal = a.signal ?? f.signal;
  if (a.signal) checkSignal(ctx, src, a.signal, [...at, 'signal']);
  if (a.expr !== undefined) {
    if (a.threshold !== undefined || a.signal) issues.push(src.issue([...at, 'expr'], "expected either 'expr' or a signal with 'threshold', not both"));
    checkExpr(ctx, src, a.expr, [...at, 'expr']);
  } else if (!signal) {
    issues.push(src.issue(at, "expected 'expr' (a full condition) or 'threshold' with a signal on the alert or its family"));
  } else if (a.threshold === undefined) {
    issues.push(src.issue([...at, 'threshold'], `required field is missing: a threshold in ${signal.unit} for the family signal`));
  } else {
    plausible = checkThresholdUnit(ctx, src, a.threshold, signal, [...at, 'threshold']);
  }
  for (const [env, o] of Object.entries(a.overrides ?? {})) {
    checkEnvironment(ctx, src, env, [...at, 'overrides'], env);
    if (o.severity !== undefined) checkSeverity(ctx, src, o.severity, [...at, 'overrides', env, 'severity']);
    if (o.threshold !== undefined) {
      if (!signal || a.expr !== undefined) issues.push(src.issue([...at, 'overrides', env, 'threshold'], 'a threshold override needs an alert with a signal and threshold'));
      else checkThresholdUnit(ctx, src, o.threshold, signal, [...at, 'overrides', env, 'threshold']);
    }
  }
  for (const field of ['summary', 'description'] as const) {
    const text = a[field] ?? f[field];
    if (text.includes('$threshold') && (a.expr !== undefined || a.threshold === undefined)) {
      issues.push(src.issue(a[field] ? [...at, field] : [...at.slice(0, -2), field], `'$threshold' is used but alert ${a.name} has no threshold`));
    }
  }
  checkExamples(ctx, src, a.name, a.examples, at, a.expr?.trim() === ALWAYS_FIRING, disabledIn(a.overrides));
  return plausible;
}

function checkSlo(ctx: Ctx, src: SourceFile, slo: Slo, at: FieldPath): void {
  const { issues } = ctx;
  checkService(ctx, src, slo.service, [...at, 'service']);
  if (!(slo.objective > 0 && slo.objective < 100)) {
    issues.push(src.issue([...at, 'objective'], `expected an SLO objective in % strictly between 0 and 100, got ${slo.objective}`));
  }
  for (const part of ['errors', 'total'] as const) {
    const expr = slo.sli[part];
    if (!expr.includes(WINDOW_PLACEHOLDER)) {
      issues.push(src.issue([...at, 'sli', part], `expected the rate window placeholder ${WINDOW_PLACEHOLDER} in the SLI expression`));
    }
    checkExpr(ctx, src, expr.split(WINDOW_PLACEHOLDER).join('5m'), [...at, 'sli', part], (o) => mapWindowOffset(expr, o));
  }
  const window = seconds(slo.window);
  for (const [kind, b] of burnAlertsOf(slo)) {
    const bat = [...at, 'alerts', kind];
    checkName(ctx, src, b.name, [...bat, 'name']);
    checkSeverity(ctx, src, b.severity, [...bat, 'severity']);
    const long = seconds(b.long_window);
    if (seconds(b.short_window) >= long) issues.push(src.issue([...bat, 'short_window'], `expected a short window shorter than long_window ${b.long_window}`));
    if (long >= window) issues.push(src.issue([...bat, 'long_window'], `expected a long window shorter than the SLO window ${slo.window}`));
    const expected = ((b.budget_consumed / 100) * window) / long;
    if (Math.abs(expected - b.burn_rate) > 1e-6 * expected) {
      issues.push(
        src.issue(
          [...bat, 'burn_rate'],
          `expected burn_rate ${fmt(expected)} (= ${b.budget_consumed}% of the budget × ${slo.window} ÷ ${b.long_window}), got ${b.burn_rate}`,
        ),
      );
    }
    for (const [env, o] of Object.entries(b.overrides ?? {})) {
      checkEnvironment(ctx, src, env, [...bat, 'overrides'], env);
      if (o.severity !== undefined) checkSeverity(ctx, src, o.severity, [...bat, 'overrides', env, 'severity']);
    }
    checkExamples(ctx, src, b.name, b.examples, bat, false, disabledIn(b.overrides));
  }
  if (slo.alerts.fast_burn.burn_rate <= slo.alerts.slow_burn.burn_rate) {
    issues.push(src.issue([...at, 'alerts', 'fast_burn', 'burn_rate'], 'expected the fast burn rate to be higher than the slow burn rate'));
  }
  if (slo.alerts.ticket && slo.alerts.ticket.burn_rate >= slo.alerts.slow_burn.burn_rate) {
    issues.push(src.issue([...at, 'alerts', 'ticket', 'burn_rate'], 'expected the ticket burn rate to be lower than the slow burn rate (it catches the slow leaks below it)'));
  }
}

/** Offset in the original SLI text for an offset in the text with `{{.window}}` replaced by `5m`. */
function mapWindowOffset(original: string, offset: number): number {
  let o = 0;
  let shift = 0;
  for (const part of original.split(WINDOW_PLACEHOLDER)) {
    if (offset <= o + part.length) return offset + shift;
    o += part.length + 2;
    shift += WINDOW_PLACEHOLDER.length - 2;
  }
  return offset + shift;
}

function checkSignal(ctx: Ctx, src: SourceFile, s: Signal, at: FieldPath): void {
  checkExpr(ctx, src, s.expr, [...at, 'expr']);
}

/**
 * The longest threshold, in seconds, that a signal in seconds may have as a bare number: beyond a minute a bare
 * number is more likely milliseconds written without their unit (`400` meant as 400 ms is 6.7 minutes). A longer
 * threshold is written with its unit (`300s`), which says it is meant.
 */
export const BARE_SECONDS_MAX = 60;

/**
 * A threshold's plausibility for the unit of its signal. Bare numbers: a ratio within [0, 1], a percentage within
 * [0, 100], seconds within [0, BARE_SECONDS_MAX], counts, rates and bytes non-negative (no natural scale). A time
 * with its unit (`400ms`) only on a signal in seconds.
 */
function checkThresholdUnit(ctx: Ctx, src: SourceFile, t: number, s: Signal, at: FieldPath): boolean {
  const before = ctx.issues.length;
  const bad = (why: string) => ctx.issues.push(src.issue(at, why));
  const raw = src.valueAt(at);
  const written = typeof raw === 'string' ? raw : undefined;
  if (written !== undefined) {
    if (s.unit !== 'seconds') bad(`'${written}' is a time, but the signal is in ${s.unit}; expected a number in ${s.unit}${s.unit === 'ratio' ? ' (write 5 % as 0.05)' : ''}`);
    return ctx.issues.length === before;
  }
  if (s.unit === 'ratio' && (t < 0 || t > 1)) bad(`expected a ratio between 0 and 1 (write 5 % as 0.05), got ${t}`);
  if (s.unit === 'percent' && (t < 0 || t > 100)) bad(`expected a percentage between 0 and 100, got ${t}`);
  if (s.unit === 'seconds' && t < 0) bad(`expected a non-negative time, got ${t}`);
  if (s.unit === 'seconds' && t > BARE_SECONDS_MAX) {
    bad(`${t} on a seconds signal is ${longTime(t)}; write ${t}ms if you meant milliseconds, or ${t}s if you mean ${longTime(t)} (a bare number of seconds is at most ${BARE_SECONDS_MAX})`);
  }
  if ((s.unit === 'count' || s.unit === 'per_minute' || s.unit === 'bytes') && t < 0) bad(`expected a non-negative ${s.unit.replace('_', ' ')} value, got ${t}`);
  return ctx.issues.length === before;
}

/** A time of more than a minute as people say it: `6.7 minutes`, `1.1 hours`, `2 days`. */
function longTime(seconds: number): string {
  const [n, unit] = seconds >= 86400 ? [seconds / 86400, 'day'] : seconds >= 3600 ? [seconds / 3600, 'hour'] : [seconds / 60, 'minute'];
  const v = Number(n.toFixed(1));
  return `${fmt(v)} ${unit}${v === 1 ? '' : 's'}`;
}

function checkExpr(ctx: Ctx, src: SourceFile, expr: string, at: FieldPath, mapOffset: (o: number) => number = (o) => o): void {
  // Same-length stand-in, so offsets stay exact.
  const parsed = parsePromql(expr.split(SERVICES_PLACEHOLDER).join('x'.repeat(SERVICES_PLACEHOLDER.length)), expr);
  if (parsed.error) {
    const { offset, message, opened } = parsed.error;
    const from = opened === undefined ? undefined : src.positionInValue(at, mapOffset(opened));
    const where = from ? ` (opened at line ${from.line}, column ${from.column})` : '';
    ctx.issues.push(src.issueInValue(at, mapOffset(offset), `PromQL syntax error: ${message}${where}`));
    return;
  }
  const contract = ctx.c.metrics.metrics;
  for (const sel of parsed.selectors) {
    if (!sel.metric) continue;
    const known = contract[sel.metric] ?? contract[sel.metric.replace(/_(bucket|sum|count)$/, '')];
    if (!known && !ctx.recorded.has(sel.metric) && sel.metric !== 'ALERTS') {
      ctx.issues.push(
        src.issueInValue(at, mapOffset(sel.from), `unknown metric '${sel.metric}': not in the metric contract (metrics.yml) and not a recording rule of the catalog`),
      );
      continue;
    }
    if (known) {
      const allowed = new Set([...known.labels, ...(contract[sel.metric] ? [] : ['le'])]);
      for (const l of sel.labels) {
        if (!allowed.has(l)) {
          ctx.issues.push(
            src.issueInValue(at, mapOffset(sel.from), `metric '${sel.metric}' is selected on label '${l}', which the metric contract does not promise (expected one of: ${[...allowed].join(', ') || 'none'})`),
          );
        }
      }
    }
  }
}

/** The environments whose override disables an alert. */
function disabledIn(overrides: Record<string, { enabled?: boolean }> | undefined): string[] {
  return Object.entries(overrides ?? {})
    .filter(([, o]) => o.enabled === false)
    .map(([env]) => env);
}

function checkExamples(ctx: Ctx, src: SourceFile, name: string, ex: Examples | undefined, at: FieldPath, alwaysFiring = false, disabled: string[] = []): void {
  if (!ex || ex.fires.length === 0) ctx.issues.push(src.issue(ex ? [...at, 'examples'] : at, `alert ${name} has no 'fires' example: every alert needs an input that must make it fire`));
  if (!alwaysFiring && (!ex || ex.quiet.length === 0)) ctx.issues.push(src.issue(ex ? [...at, 'examples'] : at, `alert ${name} has no 'quiet' example: every alert needs an input that must keep it quiet`));
  // Examples of some environments only: each environment the alert runs in still needs its firing and quiet one.
  if (ex && [...ex.fires, ...ex.quiet].some((e) => e.environments)) {
    for (const env of ctx.environments) {
      if (disabled.includes(env)) continue;
      const here = (e: Example) => !e.environments || e.environments.includes(env);
      for (const kind of alwaysFiring ? (['fires'] as const) : (['fires', 'quiet'] as const)) {
        if (ex[kind].length > 0 && !ex[kind].some(here)) {
          ctx.issues.push(src.issue([...at, 'examples', kind], `alert ${name} has no '${kind}' example for environment '${env}': every example names other environments`));
        }
      }
    }
  }
  for (const kind of ['fires', 'quiet'] as const) {
    ex?.[kind].forEach((e, i) => {
      e.environments?.forEach((env, j) => {
        if (!ctx.environments.has(env)) {
          ctx.issues.push(src.issue([...at, 'examples', kind, i, 'environments', j], `unknown environment '${env}'; expected one of ${[...ctx.environments].join(', ')}`));
        }
      });
      e.series.forEach((s, si) => {
        const p = parsePromql(s.series);
        if (p.error || p.selectors.length !== 1) {
          ctx.issues.push(src.issueInValue([...at, 'examples', kind, i, 'series', si, 'series'], p.error?.offset ?? 0, `expected a series such as metric{label="value"}${p.error ? `: ${p.error.message}` : ''}`));
        }
        if (!/^\s*(_(x[0-9]+)?|stale|[-+]?[0-9.e]+([+-][0-9.e]+)?(x[0-9]+)?)(\s+(_(x[0-9]+)?|stale|[-+]?[0-9.e]+([+-][0-9.e]+)?(x[0-9]+)?))*\s*$/.test(s.values)) {
          ctx.issues.push(src.issue([...at, 'examples', kind, i, 'series', si, 'values'], `expected samples in promtool notation such as '0+60x30' or '1 1 _ 0', got ${JSON.stringify(s.values)}`));
        }
      });
    });
  }
}

function checkName(ctx: Ctx, src: SourceFile, name: string, at: FieldPath): void {
  const prev = ctx.alertNames.get(name);
  if (prev) {
    const first = prev.src.issue(prev.at, '');
    ctx.issues.push(src.issue(at, `duplicate alert name '${name}' (first defined at ${first.file}:${first.line}:${first.column})`));
  } else ctx.alertNames.set(name, { src, at }); // located only if a duplicate needs it
}

function checkService(ctx: Ctx, src: SourceFile, s: string, at: FieldPath): void {
  if (!ctx.services.has(s)) ctx.issues.push(src.issue(at, `unknown service '${s}'; expected one of ${[...ctx.services].join(', ')}`));
}

function checkSeverity(ctx: Ctx, src: SourceFile, s: string, at: FieldPath): void {
  if (!ctx.severities.has(s)) ctx.issues.push(src.issue(at, `unknown severity '${s}'; expected one of ${[...ctx.severities].join(', ')}`));
}

/** Checks an environment name used as a key of the map at `at`; the issue points at the key. */
function checkEnvironment(ctx: Ctx, src: SourceFile, e: string, at: FieldPath, key: string): void {
  if (!ctx.environments.has(e)) {
    ctx.issues.push(src.issue([...at, key], `unknown environment '${e}'; expected one of ${[...ctx.environments].join(', ')}`, src.keyAt(at, key)));
  }
}

function duplicates(names: string[], report: (index: number, name: string) => void): void {
  const seen = new Set<string>();
  names.forEach((n, i) => (seen.has(n) ? report(i, n) : seen.add(n)));
}
