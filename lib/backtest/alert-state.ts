/**
 * An alerting rule's states over a sequence of evaluations, as Prometheus computes them — a port of
 * `AlertingRule.Eval` in prometheus/prometheus `rules/alerting.go`:
 *
 * - every series the condition returns becomes an alert keyed by its labels (the series' labels without
 *   `__name__`, the rule's labels set over them, `alertname`); a new one is *pending* with `ActiveAt` = the
 *   evaluation's timestamp;
 * - a pending alert turns *firing* at the first evaluation `ts` with `ts - ActiveAt >= for` (so `for: 0` fires at
 *   once, and `for` is measured between evaluation timestamps, not wall time);
 * - when the series is missing from an evaluation, a pending alert is dropped; a firing alert with
 *   `keep_firing_for` keeps firing while `ts - KeepFiringSince < keep_firing_for` (`KeepFiringSince` = the first
 *   evaluation without the series, reset when it comes back), otherwise it is *resolved* at that evaluation's
 *   timestamp (`ResolvedAt`);
 * - a resolved alert whose series comes back is a new alert (pending again from that evaluation);
 * - an evaluation whose result holds two series with the same labels after the rule's labels are applied fails
 *   (`ErrDuplicateAlertLabelSet`) and changes no state.
 */
import { labelsKey } from '../label-matchers';

export type Labels = Record<string, string>;

/** One firing of one alert (a label set): pending from `activeAt`, firing from `firedAt` until `resolvedAt`. */
export interface Episode {
  labels: Labels;
  /** ms since the epoch. */
  activeAt: number;
  firedAt: number;
  /** ms; undefined: still firing at the last evaluation. */
  resolvedAt?: number;
}

/** The condition's result at the evaluations: for each series, its labels and the evaluations that returned it. */
export interface ConditionSeries {
  labels: Labels;
  /** Evaluation timestamps (ms) at which the series was in the result. */
  at: number[];
}

export interface RuleTiming {
  alertname: string;
  /** Rule labels, set over the series' labels. */
  labels: Labels;
  forS: number;
  keepFiringForS: number;
}


/** The alert's labels for a series of the condition, as `Eval` builds them. */
function alertLabels(series: Labels, rule: RuleTiming): Labels {
  const out: Labels = { ...series };
  delete out.__name__;
  for (const [k, v] of Object.entries(rule.labels)) out[k] = v;
  out.alertname = rule.alertname;
  // An empty label value is the same as no label.
  for (const k of Object.keys(out)) if (out[k] === '') delete out[k];
  return out;
}

interface Active {
  labels: Labels;
  state: 'pending' | 'firing';
  activeAt: number;
  firedAt?: number;
  keepFiringSince?: number;
}

export interface StateRun {
  episodes: Episode[];
  /** Evaluations that failed (two series with the same alert labels), ms. */
  failedEvaluations: number[];
}

/**
 * Runs the rule over `evaluations` (ascending timestamps, ms) given the condition's series; returns every episode
 * that reached *firing* (a pending alert that never fired is no episode).
 */
export function runAlertRule(rule: RuleTiming, evaluations: number[], series: ConditionSeries[]): StateRun {
  // Per evaluation: the alert keys in the result (and a failure mark on duplicate label sets).
  const present = new Map<number, Map<string, Labels>>();
  const failed = new Set<number>();
  for (const s of series) {
    const labels = alertLabels(s.labels, rule);
    const key = labelsKey(labels);
    for (const t of s.at) {
      let m = present.get(t);
      if (!m) present.set(t, (m = new Map()));
      if (m.has(key)) failed.add(t);
      m.set(key, labels);
    }
  }
  const forMs = rule.forS * 1000;
  const keepMs = rule.keepFiringForS * 1000;
  const active = new Map<string, Active>();
  const episodes: Episode[] = [];
  for (const ts of evaluations) {
    if (failed.has(ts)) continue;
    const result = present.get(ts) ?? new Map<string, Labels>();
    for (const [key, labels] of result) {
      if (!active.has(key)) active.set(key, { labels, state: 'pending', activeAt: ts });
    }
    for (const [key, a] of active) {
      if (!result.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && keepMs > 0) {
          a.keepFiringSince ??= ts;
          keepFiring = ts - a.keepFiringSince < keepMs;
        }
        if (!keepFiring) {
          if (a.state === 'firing') episodes.push({ labels: a.labels, activeAt: a.activeAt, firedAt: a.firedAt!, resolvedAt: ts });
          active.delete(key);
          continue;
        }
      } else {
        a.keepFiringSince = undefined;
      }
      if (a.state === 'pending' && ts - a.activeAt >= forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
    }
  }
  for (const a of active.values()) if (a.state === 'firing') episodes.push({ labels: a.labels, activeAt: a.activeAt, firedAt: a.firedAt! });
  episodes.sort((x, y) => x.firedAt - y.firedAt || labelsKey(x.labels).localeCompare(labelsKey(y.labels)));
  return { episodes, failedEvaluations: [...failed].sort((a, b) => a - b) };
}
