/**
 * Resolves the catalog for one environment: overrides applied, disabled alerts dropped, every alert turned
 * into one flat record with its full PromQL condition, labels and annotations. Renderers (Prometheus rules,
 * promtool tests, Alertmanager, docs, review) all read this, so they agree by construction.
 */
import { BURN_WORD, burnAlertsOf, Catalog } from './model';
import type { Examples, Unit } from './schema';
import { SERVICES_PLACEHOLDER, SLO_RECORDS, sloRecordName, sloWindows, WINDOW_PLACEHOLDER } from './names';
import { fmt } from '../num';
import { dashboardAnnotation } from './dashboards';
import { FEATURE_FLAG_FAMILY, featureFlagRecords } from './feature-flags';

export interface ResolvedAlert {
  name: string;
  /** Prometheus rule group the alert lives in. */
  group: string;
  family: string;
  /** Human title of the family (runbook section heading). */
  title: string;
  kind: 'threshold' | 'condition' | 'burn';
  severity: string;
  /** Services the alert covers; the first is the owner when `serviceFromSeries` is false. */
  services: string[];
  /** True when the `service` label comes from the series; false when the rule adds it. */
  serviceFromSeries: boolean;
  /** The full alert condition. */
  expr: string;
  /** The measured value a threshold alert compares (its signal, placeholders expanded). */
  signalExpr?: string;
  for: string;
  keepFiringFor?: string;
  threshold?: number;
  comparison?: 'above' | 'below';
  unit?: Unit;
  /** The threshold for people: `5%`, `400ms`, `80`. */
  thresholdText?: string;
  /** True when this environment overrides the catalog's threshold (the examples are written for the catalog's own). */
  thresholdOverridden?: boolean;
  runbookAnchor: string;
  /** Labels the rule sets: severity, environment, family (+ service when fixed, + slo/burn for burn alerts). */
  labels: Record<string, string>;
  /** `dashboard_url`: `<grafana url>/d/<uid>` of the family's dashboard (dashboards.yml), when one covers it. */
  annotations: { summary: string; description: string; runbook_url: string; dashboard_url?: string };
  examples: Examples;
  /** The catalog file that defines the alert, as shown in messages (`alerts/rules/http.yml`). */
  definedIn: string;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface ResolvedGroup {
  name: string;
  interval: string;
  recordings: RecordingRule[];
  alerts: ResolvedAlert[];
}

export interface ResolvedEnvironment {
  name: string;
  pages: boolean;
  groups: ResolvedGroup[];
}

const RESOLVED = new WeakMap<Catalog, Map<string, ResolvedEnvironment>>();

/**
 * The alerting rules of one environment, computed once per catalog and environment: the loader's detection-budget
 * check and the environment plan (lib/plan/resolve.ts) share one result. Treat it as read-only (the plan freezes it).
 */
export function resolveEnvironment(c: Catalog, envName: string): ResolvedEnvironment {
  let byEnv = RESOLVED.get(c);
  if (!byEnv) RESOLVED.set(c, (byEnv = new Map()));
  let r = byEnv.get(envName);
  if (!r) byEnv.set(envName, (r = computeEnvironment(c, envName)));
  return r;
}

function computeEnvironment(c: Catalog, envName: string): ResolvedEnvironment {
  const env = c.catalog.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`unknown environment ${envName}`);
  const base = c.catalog.project.runbook_base_url;
  const groups: ResolvedGroup[] = [];

  for (const slo of c.slos.slos) {
    const budget = (100 - slo.objective) / 100;
    const selector = `{slo="${slo.name}"}`;
    const windows = sloWindows(slo);
    const labels = { slo: slo.name };
    const recordings: RecordingRule[] = [
      ...windows.map((w) => ({
        record: sloRecordName(w),
        expr: `(${slo.sli.errors.split(WINDOW_PLACEHOLDER).join(w)})\n/\n(${slo.sli.total.split(WINDOW_PLACEHOLDER).join(w)} > 0)`,
        labels,
      })),
      // Sloth's period records: the whole window's error ratio averaged from the shortest recorded window.
      { record: SLO_RECORDS.objective, expr: `vector(${fmt(slo.objective / 100)})`, labels },
      { record: SLO_RECORDS.errorBudget, expr: `vector(${fmt(budget)})`, labels },
      {
        record: sloRecordName(slo.window),
        expr: `sum_over_time(${sloRecordName(windows[0])}${selector}[${slo.window}])\n/\ncount_over_time(${sloRecordName(windows[0])}${selector}[${slo.window}])`,
        labels,
      },
      {
        record: SLO_RECORDS.budgetRemaining,
        expr: `1 - ${sloRecordName(slo.window)}${selector} / on (slo) group_left ${SLO_RECORDS.errorBudget}${selector}`,
        labels,
      },
    ];
    const alerts: ResolvedAlert[] = [];
    for (const [burn, b] of burnAlertsOf(slo)) {
      const o = b.overrides?.[envName] ?? {};
      if (o.enabled === false) continue;
      const limit = `(${fmt(b.burn_rate)} * ${fmt(budget)})`;
      const severity = o.severity ?? b.severity;
      const burnWord = BURN_WORD[burn];
      alerts.push({
        name: b.name,
        group: `deltacrown-slo-${slo.name}`,
        family: 'slo-burn-rate',
        title: 'SLO burn rate',
        kind: 'burn',
        severity,
        services: [slo.service],
        serviceFromSeries: false,
        expr: `${sloRecordName(b.long_window)}${selector} > ${limit}\nand\n${sloRecordName(b.short_window)}${selector} > ${limit}`,
        for: o.for ?? b.for,
        runbookAnchor: slo.runbook,
        labels: { severity, service: slo.service, environment: envName, family: 'slo-burn-rate', slo: slo.name, burn: burnWord },
        annotations: {
          summary: `${slo.service}: error budget ${burn === 'ticket' ? 'slow leak' : `${burnWord} burn`} (${b.budget_consumed}% of the ${slo.window} budget in ${b.long_window})`,
          description:
            `${slo.description} The error ratio over ${b.long_window} and ${b.short_window} is above ${fmt(b.burn_rate)} × the budget of ${fmt(100 - slo.objective)}% ` +
            `(objective ${slo.objective}% over ${slo.window}): at this rate ${b.budget_consumed}% of the budget is gone in ${b.long_window}. ` +
            `Current ${b.long_window}-window error ratio: {{ $value | humanizePercentage }}.`,
          runbook_url: `${base}#${slo.runbook}`,
          ...dashboardAnnotation(c, envName, 'slo-burn-rate'),
        },
        examples: b.examples ?? { fires: [], quiet: [] },
        definedIn: c.sources.slos!.name,
      });
    }
    groups.push({ name: `deltacrown-slo-${slo.name}`, interval: env.evaluation_interval, recordings, alerts });
  }

  for (const { source, data } of c.ruleFiles) {
    const recordings: RecordingRule[] = [];
    const recorded = new Set<string>();
    const alerts: ResolvedAlert[] = [];
    // The feature flags' expected values of this environment, next to the alerts that compare them.
    if (data.families.some((f) => f.family === FEATURE_FLAG_FAMILY)) recordings.push(...featureFlagRecords(c, envName));
    data.families.forEach((f) => {
      const services = f.services ?? [f.service!];
      const expand = (expr: string) => expr.trim().split(SERVICES_PLACEHOLDER).join(services.join('|'));
      f.alerts.forEach((a) => {
        const o = a.overrides?.[envName] ?? {};
        const signal = a.signal ?? f.signal;
        if (signal?.record && !recorded.has(signal.record) && !a.expr) {
          recorded.add(signal.record);
          recordings.push({ record: signal.record, expr: expand(signal.expr) });
        }
        if (o.enabled === false) return;
        const severity = o.severity ?? a.severity;
        const threshold = a.expr ? undefined : (o.threshold ?? a.threshold);
        const comparison = a.comparison ?? f.comparison;
        let expr: string;
        if (a.expr) expr = expand(a.expr);
        else {
          const lhs = signal!.record ?? (/[\s()]/.test(signal!.expr.trim()) ? `(${expand(signal!.expr)})` : expand(signal!.expr));
          expr = `${lhs} ${comparison === 'above' ? '>' : '<'} ${fmt(threshold!)}`;
        }
        const thresholdText = threshold === undefined ? undefined : formatValue(threshold, signal!.unit);
        const fill = (t: string) => (thresholdText ? t.split('$threshold').join(thresholdText) : t);
        const labels: Record<string, string> = { severity, environment: envName, family: f.family };
        if (f.service) labels.service = f.service;
        alerts.push({
          name: a.name,
          group: data.group,
          family: f.family,
          title: f.title,
          kind: a.expr ? 'condition' : 'threshold',
          severity,
          services,
          serviceFromSeries: !f.service,
          expr,
          signalExpr: a.expr ? undefined : expand(signal!.expr),
          for: o.for ?? a.for ?? f.for,
          keepFiringFor: a.keep_firing_for ?? f.keep_firing_for,
          threshold,
          comparison: a.expr ? undefined : comparison,
          unit: a.expr ? undefined : signal!.unit,
          thresholdText,
          thresholdOverridden: o.threshold !== undefined,
          runbookAnchor: f.runbook,
          labels,
          annotations: {
            summary: fill(a.summary ?? f.summary),
            description: fill(a.description ?? f.description),
            runbook_url: `${base}#${f.runbook}`,
            ...dashboardAnnotation(c, envName, f.family),
          },
          examples: a.examples ?? { fires: [], quiet: [] },
          definedIn: source.name,
        });
      });
    });
    groups.push({ name: data.group, interval: env.evaluation_interval, recordings, alerts });
  }
  return { name: envName, pages: env.pages, groups };
}

/** Every alert of an environment, in rule-file order. */
export function allAlerts(r: ResolvedEnvironment): ResolvedAlert[] {
  return r.groups.flatMap((g) => g.alerts);
}

/** A threshold as people write it: ratio 0.05 → `5%`, seconds 0.4 → `400ms`, per_minute 1000 → `1000/min`. */
export function formatValue(v: number, unit: Unit): string {
  switch (unit) {
    case 'ratio':
      return `${fmt(v * 100)}%`;
    case 'percent':
      return `${fmt(v)}%`;
    case 'seconds':
      return v < 1 ? `${fmt(v * 1000)}ms` : `${fmt(v)}s`;
    case 'per_minute':
      return `${fmt(v)}/min`;
    case 'bytes':
      return `${fmt(v)} B`;
    case 'count':
      return fmt(v);
  }
}
