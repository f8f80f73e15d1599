/**
 * What a scenario's firing alerts lead to in one environment: the first alert and its detection time after the
 * onset, the notifications Alertmanager sends (routing tree, inhibition, group_wait / group_interval of the route),
 * who they reach, the verdict of every expectation and the detection time against the severity's budget.
 *
 * Judged alerts only: an alert whose longest range window (following recording rules) plus its `for` reaches back
 * before the first sample is evaluated on a truncated window — over a shorter past than in production, its averages
 * move faster (or, for a baseline, it has none) — so what it does at that moment says nothing. The scenario's
 * `history` sets how much healthy past there is; the others are listed as not judged.
 *
 * Notifications, as Alertmanager sends them: an alert's aggregation group (its route's receiver and group_by labels)
 * starts when its first alert fires and is flushed group_wait later, then every group_interval while an alert of it
 * fires; a flush sends the alerts firing and not muted at that moment (the state of the last evaluation before it).
 * Only the first notification of each group is reported (re-notifications repeat it).
 */
import type { Catalog } from '../catalog/model';
import { BURN_KINDS, BURN_WORD, burnAlertsOf, severityRank } from '../catalog/model';
import type { Expectation, Scenario } from '../catalog/schema-scenarios';
import { PAGES_NONE } from '../catalog/schema-scenarios';
import { Labels, labelsKey } from '../label-matchers';
import { Alertmanager, groupOf, MatchedRoute } from '../alertmanager-model';
import type { Notified } from './notify';
import type { FiringByTime } from './promtool';
import { formatDuration, seconds } from '../duration';

/** What the simulation needs to know of one exported alerting rule. */
export interface RuleInfo {
  name: string;
  /** Seconds of samples it needs before what it says counts: longest range window + for. */
  reach: number;
  window: number;
  alwaysFiring: boolean;
}

/** One environment's exported configuration, as the simulation reads it. */
export interface EnvironmentModel {
  environment: string;
  /** The environment's evaluation interval, seconds. */
  evaluation: number;
  rules: Map<string, RuleInfo>;
  am: Alertmanager;
  notified: Map<string, Notified>;
}

export interface AlertRef {
  alertname: string;
  severity: string;
  service?: string;
  labels: Labels;
}

export interface Notification {
  /** Seconds after the onset (negative: during the history). */
  at: number;
  receiver: string;
  notified: Notified;
  alerts: AlertRef[];
}

export interface ExpectationResult {
  text: string;
  ok: boolean;
  /** What happened instead, when it failed. */
  detail?: string;
}

export interface Outcome {
  scenario: string;
  kind: Scenario['kind'];
  environment: string;
  /** Evaluation step, seconds; `coarse` when the scenario steps more slowly than the environment. */
  step: number;
  coarse: boolean;
  firstAlert?: AlertRef & { at: number };
  /** Seconds from the onset to the first alert. */
  detection?: number;
  /** The first alert of the most severe severity that fired; the detection budget is its severity's. */
  topAlert?: AlertRef & { at: number };
  notifications: Notification[];
  /** The most severe page: its severity, and the first notification of that severity. */
  topPage?: { severity: string; at: number; alertname: string; notified: Notified };
  /** The first notification that reaches anyone (a page or a Slack message). */
  firstNotice?: Notification;
  /** Alerts firing during the healthy history (the background is not healthy for them). */
  historyNoise: AlertRef[];
  /** Alerts that fired but could not be judged (window + for longer than the samples before). */
  unjudged: { alertname: string; window: number; at: number }[];
  expectations: ExpectationResult[];
  /** The most severe alert's detection time against its severity's budget. */
  budget?: { seconds: number; key: string; verdict: 'within' | 'over' | 'over, with exception' | 'n/a'; note?: string };
  ok: boolean;
  error?: string;
  /** Wall time of its promtool process, ms (absent when the result came from the cache). */
  promtoolMs?: number;
}

function ref(l: Labels): AlertRef {
  return { alertname: l.alertname ?? '', severity: l.severity ?? '', service: l.service, labels: l };
}

export function evaluate(
  c: Catalog,
  s: Scenario,
  env: EnvironmentModel,
  run: { onset: number; end: number; step: number; firing: FiringByTime },
): Outcome {
  const { onset, end, step } = run;
  const steps = Math.floor(end / step) + 1;
  const judged: Labels[][] = [];
  const unjudged = new Map<string, { alertname: string; window: number; at: number }>();
  const historyNoise = new Map<string, AlertRef>();
  const canonical = new Map<string, Labels>();
  for (let k = 0; k < steps; k++) {
    const t = k * step;
    const now: Labels[] = [];
    for (const raw of run.firing.get(t) ?? []) {
      const { __name__: _n, alertstate: _s, ...labels } = raw;
      const rule = env.rules.get(labels.alertname ?? '');
      if (rule?.alwaysFiring) continue;
      if (rule && t < rule.reach) {
        if (!unjudged.has(rule.name)) unjudged.set(rule.name, { alertname: rule.name, window: rule.window, at: t - onset });
        continue;
      }
      const id = labelsKey(labels);
      if (!canonical.has(id)) canonical.set(id, labels);
      now.push(canonical.get(id)!);
      if (t < onset && !historyNoise.has(id)) historyNoise.set(id, ref(labels));
    }
    judged.push(now);
  }

  // The first alert from the onset on, and the first of the most severe.
  let first: (AlertRef & { at: number }) | undefined;
  let top: (AlertRef & { at: number }) | undefined;
  for (let k = Math.ceil(onset / step); k < steps; k++) {
    const now = [...judged[k]].sort((a, b) => severityRank(a.severity ?? '') - severityRank(b.severity ?? '') || (a.alertname ?? '').localeCompare(b.alertname ?? ''));
    if (!now.length) continue;
    first ??= { ...ref(now[0]), at: k * step - onset };
    if (!top || severityRank(now[0].severity ?? '') < severityRank(top.severity)) top = { ...ref(now[0]), at: k * step - onset };
  }

  const notifications = notify(env, judged, step, steps, onset);
  const pages = notifications.filter((n) => n.notified.kind === 'pagerduty' && n.at >= 0);
  let topPage: Outcome['topPage'];
  for (const p of pages) {
    for (const a of p.alerts) {
      if (!topPage || severityRank(a.severity) < severityRank(topPage.severity) || (a.severity === topPage.severity && p.at < topPage.at)) {
        topPage = { severity: a.severity, at: p.at, alertname: a.alertname, notified: p.notified };
      }
    }
  }
  const firstNotice = notifications.find((n) => n.at >= 0 && (n.notified.kind === 'pagerduty' || n.notified.kind === 'slack'));

  const ctx = { judged, notifications, step, onset, steps, duration: end - onset };
  const expectations = s.expect.filter((e) => e.environment === undefined || e.environment === env.environment).map((e) => check(e, ctx));
  if (historyNoise.size) {
    expectations.unshift({
      text: 'a healthy history',
      ok: false,
      detail: `${[...historyNoise.values()].map((a) => a.alertname).join(', ')} fires before the onset: the background is not healthy for it`,
    });
  }
  const coarse = step !== env.evaluation;
  return {
    scenario: s.name,
    kind: s.kind,
    environment: env.environment,
    step,
    coarse,
    firstAlert: first,
    detection: first?.at,
    topAlert: top,
    notifications,
    topPage,
    firstNotice,
    historyNoise: [...historyNoise.values()],
    unjudged: [...unjudged.values()],
    expectations,
    budget: top ? budgetOf(c, top, top.at, coarse, step) : undefined,
    ok: expectations.every((e) => e.ok),
  };
}

function notify(env: EnvironmentModel, judged: Labels[][], step: number, steps: number, onset: number): Notification[] {
  const routes = new Map<Labels, MatchedRoute[]>();
  const routesOf = (l: Labels) => {
    if (!routes.has(l)) routes.set(l, env.am.routes(l));
    return routes.get(l)!;
  };
  const muted = judged.map((now) => new Set(now.filter((a) => env.am.muted(a, now))));
  const groups = new Map<string, { route: MatchedRoute; members: Set<Labels>; flush: number }>();
  const out: Notification[] = [];
  const end = (steps - 1) * step;
  const active = (g: { members: Set<Labels> }, k: number) => judged[k].filter((a) => g.members.has(a) && !muted[k].has(a));
  for (let k = 0; k < steps; k++) {
    const t = k * step;
    for (const a of judged[k]) {
      for (const r of routesOf(a)) {
        const id = groupOf(r, a).key;
        const g = groups.get(id);
        if (g) g.members.add(a);
        else groups.set(id, { route: r, members: new Set([a]), flush: t + r.groupWaitS });
      }
    }
    // Flushes due before the next evaluation see this evaluation's state.
    const next = t + step;
    for (const [id, g] of groups) {
      while (g.flush < next && g.flush <= end) {
        const firingNow = judged[k].some((a) => g.members.has(a));
        if (!firingNow) {
          groups.delete(id);
          break;
        }
        const send = active(g, k);
        if (send.length) {
          out.push({ at: g.flush - onset, receiver: g.route.receiver, notified: env.notified.get(g.route.receiver) ?? { kind: 'nobody' }, alerts: send.map(ref) });
          g.flush = Infinity; // the first notification of the group is what the report needs
          break;
        }
        g.flush += g.route.groupIntervalS;
      }
      if (g.flush === Infinity && !judged[k].some((a) => g.members.has(a))) groups.delete(id);
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

interface CheckContext {
  judged: Labels[][];
  notifications: Notification[];
  step: number;
  onset: number;
  steps: number;
  duration: number;
}

/** An expectation in words: `pages critical for deltacrown-api within 5m`. */
export function expectationText(e: Expectation): string {
  const svc = e.service ? ` for ${e.service}` : '';
  const where = e.environment ? ` in ${e.environment}` : '';
  if (e.quiet) return `stays quiet${where}`;
  if (e.pages === PAGES_NONE) return `does not page${svc}${where}`;
  if (e.pages_at_most !== undefined) return `pages nothing above ${e.pages_at_most}${svc}${where}`;
  if (e.pages !== undefined) return `pages ${e.pages}${svc}${e.within ? ` within ${e.within}` : ''}${where}`;
  if (e.slack !== undefined) return `notifies Slack of ${e.slack}${svc}${e.within ? ` within ${e.within}` : ''}${where}`;
  return `${e.firing}${svc} still firing at +${e.at}${where}`;
}

/** A time after the onset: `4m30s`, `0s`, `-2m` (before it). */
export function afterOnset(s: number): string {
  return s < 0 ? `-${formatDuration(-s)}` : formatDuration(s);
}

function check(e: Expectation, x: CheckContext): ExpectationResult {
  const text = expectationText(e);
  const svcOk = (a: AlertRef) => e.service === undefined || a.service === e.service;
  const describe = (ns: Notification[]) =>
    ns.length ? ns.slice(0, 3).map((n) => `${n.alerts.map((a) => `${a.severity} ${a.alertname}`).join(', ')} at ${afterOnset(n.at)} (${n.notified.kind})`).join('; ') : 'none';
  if (e.quiet) {
    const fired = new Map<string, string>();
    x.judged.forEach((now, k) => now.forEach((a) => !fired.has(a.alertname) && fired.set(a.alertname, `${a.alertname} (${a.severity}) at ${afterOnset(k * x.step - x.onset)}`)));
    return fired.size ? { text, ok: false, detail: `fired: ${[...fired.values()].slice(0, 4).join(', ')}` } : { text, ok: true };
  }
  if (e.pages === PAGES_NONE) {
    const pages = x.notifications.filter((n) => n.notified.kind === 'pagerduty' && n.alerts.some(svcOk));
    return pages.length ? { text, ok: false, detail: `paged: ${describe(pages)}` } : { text, ok: true };
  }
  if (e.pages_at_most !== undefined) {
    const limit = severityRank(e.pages_at_most);
    const above = x.notifications.filter((n) => n.notified.kind === 'pagerduty' && n.alerts.some((a) => svcOk(a) && severityRank(a.severity) < limit));
    return above.length ? { text, ok: false, detail: `paged: ${describe(above)}` } : { text, ok: true };
  }
  if (e.pages !== undefined || e.slack !== undefined) {
    const kind = e.pages !== undefined ? 'pagerduty' : 'slack';
    const sev = (e.pages ?? e.slack)!;
    const within = e.within === undefined ? x.duration : seconds(e.within);
    const sent = x.notifications.filter((n) => n.notified.kind === kind && n.at >= 0);
    const hit = sent.find((n) => n.at <= within && n.alerts.some((a) => a.severity === sev && svcOk(a)));
    if (hit) return { text, ok: true };
    const late = sent.find((n) => n.alerts.some((a) => a.severity === sev && svcOk(a)));
    return { text, ok: false, detail: late ? `the first ${sev} ${kind === 'pagerduty' ? 'page' : 'Slack message'} comes at ${afterOnset(late.at)}` : `got ${kind === 'pagerduty' ? 'pages' : 'Slack messages'}: ${describe(sent)}` };
  }
  const at = x.onset + seconds(e.at!);
  const k = Math.min(x.steps - 1, Math.floor(at / x.step));
  const now = x.judged[k].filter((a) => a.severity === e.firing && (e.service === undefined || a.service === e.service));
  return now.length ? { text, ok: true } : { text, ok: false, detail: `firing then: ${x.judged[k].map((a) => `${a.alertname} (${a.severity})`).join(', ') || 'nothing'}` };
}

/** The first alert's detection time against its severity's budget (burn tiers: their tier's, which is for a total outage). */
function budgetOf(c: Catalog, first: AlertRef, detection: number, coarse: boolean, step: number): Outcome['budget'] {
  const budgets = c.catalog.detection_budget;
  if (!budgets) return undefined;
  const burn = BURN_KINDS.find((k) => BURN_WORD[k] === first.labels.burn);
  const keyName = burn ? `burn.${burn}` : first.severity;
  const text = burn ? budgets.burn[burn] : (budgets as Record<string, unknown>)[first.severity];
  if (typeof text !== 'string') return undefined;
  const budget = seconds(text);
  if (coarse) return { seconds: budget, key: keyName, verdict: 'n/a', note: `evaluated every ${formatDuration(step)}` };
  if (detection <= budget) return { seconds: budget, key: keyName, verdict: 'within' };
  const exception = exceptionOf(c, first.alertname);
  if (exception) return { seconds: budget, key: keyName, verdict: 'over, with exception', note: exception };
  return { seconds: budget, key: keyName, verdict: 'over', note: burn ? 'the tier budget is for a total outage' : undefined };
}

function exceptionOf(c: Catalog, alert: string): string | undefined {
  for (const { data } of c.ruleFiles) for (const f of data.families) for (const a of f.alerts) if (a.name === alert) return a.detection_exception;
  for (const slo of c.slos.slos) for (const [, b] of burnAlertsOf(slo)) if (b.name === alert) return b.detection_exception;
  return undefined;
}
