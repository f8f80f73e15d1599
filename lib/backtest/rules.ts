/**
 * The rules the backtest replays, read from the export (`renderExport` → `<env>/prometheus/rules.yml`), i.e. exactly
 * what Prometheus would load: expressions, `for`, `keep_firing_for`, labels and each group's evaluation interval.
 */
import { parse } from 'yaml';
import type { Catalog } from '../catalog/model';
import { renderExport } from '../export';
import { seconds } from '../duration';
import { Alertmanager, readAlertmanager } from '../alertmanager-model';

/** Prometheus's evaluation interval when a group sets none (the global default, `1m`). */
const DEFAULT_INTERVAL_S = 60;

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
  group: string;
  /** Evaluation interval of its group (s). */
  intervalS: number;
}

export interface AlertRule {
  alert: string;
  expr: string;
  /** `for` (s); 0 fires at the first evaluation that returns the series. */
  forS: number;
  /** `keep_firing_for` (s). */
  keepFiringForS: number;
  labels: Record<string, string>;
  group: string;
  intervalS: number;
}

/** One environment's rule file. */
export interface EnvironmentRules {
  environment: string;
  alerts: AlertRule[];
  records: RecordingRule[];
  /** The environment's Alertmanager (its exported `alertmanager.yml`, read once), when the catalog has one. */
  alertmanager?: Alertmanager;
}

interface RawRule {
  record?: string;
  alert?: string;
  expr: string | number;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
}

/** Parses a Prometheus rule file (the `groups:` document). */
export function parseRuleFile(text: string, environment: string): EnvironmentRules {
  const doc = (parse(text) ?? {}) as { groups?: { name: string; interval?: string; rules?: RawRule[] }[] };
  const out: EnvironmentRules = { environment, alerts: [], records: [] };
  for (const g of doc.groups ?? []) {
    const intervalS = g.interval ? seconds(g.interval) : DEFAULT_INTERVAL_S;
    for (const r of g.rules ?? []) {
      const labels = Object.fromEntries(Object.entries(r.labels ?? {}).map(([k, v]) => [k, String(v)]));
      if (r.record) out.records.push({ record: r.record, expr: String(r.expr), labels, group: g.name, intervalS });
      else if (r.alert) {
        out.alerts.push({
          alert: r.alert,
          expr: String(r.expr),
          forS: r.for ? seconds(r.for) : 0,
          keepFiringForS: r.keep_firing_for ? seconds(r.keep_firing_for) : 0,
          labels,
          group: g.name,
          intervalS,
        });
      }
    }
  }
  return out;
}

/** The exported rules (and Alertmanager configuration) of every environment of `c`, or of `environments`. */
export function exportedRules(c: Catalog, environments?: string[]): EnvironmentRules[] {
  const envs = environments ?? c.catalog.environments.map((e) => e.name);
  const files = renderExport(c, { environments: envs });
  return envs.map((env) => {
    const rules = files.get(`${env}/prometheus/rules.yml`);
    if (rules === undefined) throw new Error(`the export has no rules for environment ${env}`);
    const r = parseRuleFile(rules, env);
    const am = files.get(`${env}/alertmanager/alertmanager.yml`);
    if (am !== undefined) r.alertmanager = readAlertmanager(am);
    return r;
  });
}
