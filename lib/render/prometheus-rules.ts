/**
 * Renders an environment's resolved rules as Prometheus rule groups: the `groups:` document of a rule file,
 * which is also the `spec` of a PrometheusRule. Pure data, no I/O.
 */
import type { RulesPlan as ResolvedEnvironment } from '../plan/types';

export interface PromRecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface PromAlertingRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PromRuleGroup {
  name: string;
  interval?: string;
  rules: (PromRecordingRule | PromAlertingRule)[];
}

export interface PromRuleFile {
  groups: PromRuleGroup[];
}

/** Extra annotations per alert name (e.g. `dashboard_url`), added by callers that know them. */
export type AnnotationExtras = (alertName: string) => Record<string, string>;

export function renderRuleGroups(r: ResolvedEnvironment, extras: AnnotationExtras = () => ({})): PromRuleFile {
  return {
    groups: r.groups
      .filter((g) => g.recordings.length + g.alerts.length > 0)
      .map((g) => ({
        name: g.name,
        interval: g.interval,
        rules: [
          ...g.recordings.map((rec) => ({ record: rec.record, expr: rec.expr, ...(rec.labels ? { labels: rec.labels } : {}) })),
          ...g.alerts.map((a) => {
            const rule: PromAlertingRule = { alert: a.name, expr: a.expr, labels: a.labels, annotations: { ...a.annotations, ...extras(a.name) } };
            if (a.for && a.for !== '0s') rule.for = a.for;
            if (a.keepFiringFor) rule.keep_firing_for = a.keepFiringFor;
            // Keep the key order readable: alert, expr, for, keep_firing_for, labels, annotations.
            const { alert, expr, for: f, keep_firing_for: k, labels, annotations } = rule;
            return { alert, expr, ...(f ? { for: f } : {}), ...(k ? { keep_firing_for: k } : {}), labels, annotations };
          }),
        ],
      })),
  };
}
