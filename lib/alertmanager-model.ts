/**
 * What Alertmanager (0.25) does with firing alerts, for every tool that needs it — the simulation (who a scenario
 * notifies, and when) and the backtest (how often history would have paged): the routing tree (which receivers,
 * grouped by what, with which timings), inhibition and the notifications of each aggregation group. One model, ported
 * from prometheus/alertmanager v0.25.0 and checked against `amtool config routes test`
 * (__tests__/alertmanager-model.test.ts, __tests__/simulate-routing.test.ts):
 *
 * - `dispatch/route.go` `Route.Match`: a route matches when its matchers do; its children are tried in order, the
 *   first match ends the search unless that child has `continue`; a route without matching children is the match.
 *   `receiver`, `group_by` and the timings are inherited from the parent; the root route matches every alert;
 * - `dispatch/dispatch.go`: alerts are grouped per matched route by the values of its `group_by` labels
 *   (`...` = every label); a new group flushes after `group_wait`, then every `group_interval`; resolved alerts
 *   that were part of a flush leave the group, an empty group is removed (the next alert starts a new one);
 * - `inhibit/inhibit.go` `Mutes`: an alert matching a rule's target matchers is muted while an alert matching its
 *   source matchers fires with equal values of the `equal` labels (a missing label equals only a missing label);
 *   when the target matches the source matchers too, sources that also match the target matchers do not count;
 * - `notify/notify.go` `DedupStage.needsUpdate`: a flush notifies when it has firing alerts not in the last
 *   notification, when every alert of the last notification resolved, when `send_resolved` and new resolved
 *   alerts, or after `repeat_interval`; a flush whose alerts are all muted sends nothing.
 *
 * Matchers are Alertmanager's (lib/label-matchers.ts: `^(?:re)$` regexes, bare values accepted).
 *
 * A *page* is a notification to a receiver with `pagerduty_configs` that has firing alerts while no PagerDuty
 * incident is open for the group (Alertmanager's dedup key is the group's key): it opens one; a resolve
 * notification closes it. Later notifications of the same group while it is open update the incident.
 * Not modelled: silences, time intervals, PagerDuty's auto-resolve of long incidents, the up to 30 s before
 * Alertmanager drops an empty group (a group that empties is dropped at once here).
 */
import { parse } from 'yaml';
import { seconds } from './duration';
import { LabelMatcher, Labels, labelsKey, matchesAll, matchesValue, parseMatcher } from './label-matchers';

interface RouteConfig {
  receiver?: string;
  group_by?: string[];
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  continue?: boolean;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: RouteConfig[];
}

interface ReceiverConfig {
  name: string;
  pagerduty_configs?: { send_resolved?: boolean; routing_key?: string; routing_key_file?: string; severity?: string }[];
  slack_configs?: { send_resolved?: boolean; channel?: string }[];
  webhook_configs?: { send_resolved?: boolean; url?: string }[];
  email_configs?: { send_resolved?: boolean }[];
  [k: string]: unknown;
}

export interface AlertmanagerConfig {
  route: RouteConfig;
  receivers?: ReceiverConfig[];
  inhibit_rules?: { source_matchers?: string[]; target_matchers?: string[]; source_match?: Record<string, string>; target_match?: Record<string, string>; source_match_re?: Record<string, string>; target_match_re?: Record<string, string>; equal?: string[] }[];
}

/** A route as matched: where it sits in the tree, its receiver and (inherited) grouping and timings. */
export interface MatchedRoute {
  /** Position in the tree (`0.3.1`): the identity of its aggregation groups. */
  id: string;
  receiver: string;
  /** `all` for `group_by: ['...']`. */
  groupBy: string[] | 'all';
  groupWaitS: number;
  groupIntervalS: number;
  repeatIntervalS: number;
}

export interface Receiver {
  name: string;
  /** Sends to PagerDuty: its notifications with firing alerts open incidents (pages). */
  pages: boolean;
  /** Sends anything at all (a receiver without configurations is the `null` sink). */
  notifies: boolean;
  sendResolved: boolean;
  /** Where it sends: PagerDuty (the routing key, or the file holding it, and the event severity), Slack, webhooks. */
  pagerduty: { routingKey?: string; routingKeyFile?: string; severity?: string }[];
  slack: { channel?: string }[];
  webhook: { url?: string }[];
}

interface InhibitRule {
  source: LabelMatcher[];
  target: LabelMatcher[];
  equal: string[];
}

/** `match` (equality) and `match_re` (regex) maps of the older configuration format, as matchers. */
function legacy(eq?: Record<string, string>, re?: Record<string, string>): LabelMatcher[] {
  return [
    ...Object.entries(eq ?? {}).map(([name, value]) => ({ name, op: '=' as const, value: String(value) })),
    ...Object.entries(re ?? {}).map(([name, value]) => ({ name, op: '=~' as const, value: String(value) })),
  ];
}

/** A route of the tree, read once: its matchers parsed, its options inherited from its parent. */
interface Route {
  matched: MatchedRoute;
  matchers: LabelMatcher[];
  continue: boolean;
  routes: Route[];
}

function compileRoute(r: RouteConfig, parent: MatchedRoute | undefined, id: string, root = false): Route {
  const matched: MatchedRoute = {
    id,
    receiver: r.receiver ?? parent?.receiver ?? '',
    groupBy: r.group_by ? (r.group_by.includes('...') ? 'all' : r.group_by) : (parent?.groupBy ?? []),
    groupWaitS: r.group_wait ? seconds(r.group_wait) : (parent?.groupWaitS ?? 30),
    groupIntervalS: r.group_interval ? seconds(r.group_interval) : (parent?.groupIntervalS ?? 300),
    repeatIntervalS: r.repeat_interval ? seconds(r.repeat_interval) : (parent?.repeatIntervalS ?? 4 * 3600),
  };
  return {
    matched,
    // The root route matches every alert (its matchers, if any, are ignored by Alertmanager).
    matchers: root ? [] : [...(r.matchers ?? []).map(parseMatcher), ...legacy(r.match, r.match_re)],
    continue: r.continue ?? false,
    routes: (r.routes ?? []).map((child, i) => compileRoute(child, matched, `${id}.${i}`)),
  };
}

/** An exported `alertmanager.yml`, read. */
export function readAlertmanager(text: string): Alertmanager {
  return new Alertmanager(parse(text) as AlertmanagerConfig);
}

/** An Alertmanager configuration, ready to route, inhibit and simulate notifications. */
export class Alertmanager {
  readonly receivers = new Map<string, Receiver>();
  private readonly inhibitRules: InhibitRule[];
  private readonly root: Route;

  constructor(config: AlertmanagerConfig) {
    if (!config?.route) throw new Error('the Alertmanager configuration has no route');
    this.root = compileRoute(config.route, undefined, '0', true);
    for (const r of config.receivers ?? []) {
      const pd = r.pagerduty_configs ?? [];
      const kinds = Object.keys(r).filter((k) => k.endsWith('_configs') && Array.isArray(r[k]) && (r[k] as unknown[]).length > 0);
      // Defaults of Alertmanager: PagerDuty and webhooks send resolved notifications, Slack and e-mail do not.
      const sendResolved = kinds.some((k) => ((r[k] as { send_resolved?: boolean }[]) ?? []).some((c) => c.send_resolved ?? (k === 'pagerduty_configs' || k === 'webhook_configs')));
      this.receivers.set(r.name, {
        name: r.name,
        pages: pd.length > 0,
        notifies: kinds.length > 0,
        sendResolved,
        pagerduty: pd.map((p) => ({ routingKey: p.routing_key, routingKeyFile: p.routing_key_file, severity: p.severity })),
        slack: (r.slack_configs ?? []).map((c) => ({ channel: c.channel })),
        webhook: (r.webhook_configs ?? []).map((w) => ({ url: w.url })),
      });
    }
    this.inhibitRules = (config.inhibit_rules ?? []).map((r) => ({
      source: [...(r.source_matchers ?? []).map(parseMatcher), ...legacy(r.source_match, r.source_match_re)],
      target: [...(r.target_matchers ?? []).map(parseMatcher), ...legacy(r.target_match, r.target_match_re)],
      equal: r.equal ?? [],
    }));
  }

  /** The routes an alert with `labels` is sent along (in tree order), as `amtool config routes test` resolves them. */
  routes(labels: Labels): MatchedRoute[] {
    const match = (r: Route): MatchedRoute[] | undefined => {
      if (!matchesAll(r.matchers, labels)) return undefined;
      const all: MatchedRoute[] = [];
      for (const child of r.routes) {
        const m = match(child);
        if (m) all.push(...m);
        if (m && !child.continue) break;
      }
      return all.length ? all : [r.matched];
    };
    return match(this.root) ?? [];
  }

  /** Whether an alert with `labels` is muted at an instant when the alerts `firing` fire (inhibit.go `Mutes`). */
  muted(labels: Labels, firing: Labels[]): boolean {
    for (const r of this.inhibitRules) {
      if (!matchesAll(r.target, labels)) continue;
      const twoSided = matchesAll(r.source, labels);
      for (const s of firing) {
        if (!matchesAll(r.source, s)) continue;
        if (!r.equal.every((n) => (s[n] ?? '') === (labels[n] ?? ''))) continue;
        if (twoSided && matchesAll(r.target, s)) continue;
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an alert of rule `source` may inhibit one of rule `target`, judged before any series is known: some
   * inhibit rule's matchers and `equal` labels do not exclude it. A label the rule sets is known; one it does not set
   * is empty unless the rule's expression names it (`sum by (service)`), then it may have any value.
   */
  mayInhibit(source: StaticAlert, target: StaticAlert): boolean {
    const value = (a: StaticAlert, n: string): string | undefined => (n in a.labels ? a.labels[n] : wordPattern(n).test(a.expr) ? undefined : '');
    const may = (ms: LabelMatcher[], a: StaticAlert) =>
      ms.every((m) => {
        const v = value(a, m.name);
        return v === undefined || matchesValue(m, v);
      });
    return this.inhibitRules.some(
      (r) =>
        may(r.target, target) &&
        may(r.source, source) &&
        r.equal.every((n) => {
          const [a, b] = [value(source, n), value(target, n)];
          return a === undefined || b === undefined || a === b;
        }),
    );
  }
}

/**
 * The aggregation group an alert joins on a matched route (dispatch.go `getGroupLabels` and the group's key): its
 * `group_by` labels, and a key unique to the route and those labels.
 */
export function groupOf(route: MatchedRoute, labels: Labels): { labels: Labels; key: string } {
  const groupLabels: Record<string, string> = {};
  for (const [n, v] of Object.entries(labels)) if (route.groupBy === 'all' || route.groupBy.includes(n)) groupLabels[n] = v;
  return { labels: groupLabels, key: `${route.id}:${labelsKey(groupLabels)}` };
}

const WORDS = new Map<string, RegExp>();
/** `\bname\b`, built once per label name (mayInhibit asks it for every pair of alerts). */
function wordPattern(n: string): RegExp {
  let re = WORDS.get(n);
  if (!re) WORDS.set(n, (re = new RegExp(`\\b${n}\\b`)));
  return re;
}

/** An alerting rule as known before evaluation: its labels (with `alertname`) and its expression. */
export interface StaticAlert {
  labels: Labels;
  expr: string;
}

/** An alert as Alertmanager receives it: its labels and the intervals it fires (ms; `end` undefined: still firing). */
export interface AmAlert {
  labels: Labels;
  intervals: { start: number; end?: number }[];
}

export interface Notification {
  /** ms */
  at: number;
  receiver: string;
  route: string;
  /** The group's labels (its `group_by` values). */
  group: Labels;
  /** `trigger`: new firing alerts; `repeat`: nothing new, `repeat_interval` passed; `resolved`: new resolved alerts while others fire; `resolve`: every alert resolved. */
  kind: 'trigger' | 'repeat' | 'resolved' | 'resolve';
  /** Keys (`labelsKey`) of the firing alerts it carries. */
  firing: string[];
  /** Opened a PagerDuty incident. */
  page: boolean;
}

function firingAt(a: AmAlert, t: number): boolean {
  return a.intervals.some((i) => i.start <= t && (i.end === undefined || t < i.end));
}

interface Group {
  route: MatchedRoute;
  labels: Labels;
  key: string;
  members: Map<string, AmAlert>;
  nextFlush: number;
}

interface LogEntry {
  firing: Set<string>;
  resolved: Set<string>;
  at: number;
}

const isSubset = (small: Set<string>, big: Set<string>) => [...small].every((x) => big.has(x));

/**
 * Every notification Alertmanager would send for `alerts` until `until` (ms): routing, grouping, inhibition (any
 * alert of `alerts` can inhibit another) and the notification log, event by event.
 */
export function simulateNotifications(am: Alertmanager, alerts: AmAlert[], until: number): Notification[] {
  const keyed = alerts.map((a) => ({ key: labelsKey(a.labels), alert: a, routes: am.routes(a.labels) }));
  const arrivals = keyed.flatMap((k) => k.alert.intervals.map((i) => ({ at: i.start, k }))).sort((a, b) => a.at - b.at);
  const groups = new Map<string, Group>();
  const log = new Map<string, LogEntry>();
  const incidentOpen = new Set<string>();
  const out: Notification[] = [];
  const firingNow = (t: number) => alerts.filter((a) => firingAt(a, t)).map((a) => a.labels);

  let next = 0;
  for (;;) {
    const flushAt = Math.min(...[...groups.values()].map((g) => g.nextFlush));
    const arriveAt = next < arrivals.length ? arrivals[next].at : Infinity;
    const t = Math.min(flushAt, arriveAt);
    if (!(t <= until)) break;
    if (arriveAt <= flushAt) {
      // Prometheus sends the alert when it starts firing: it joins a group of every route it matches.
      const { k } = arrivals[next++];
      for (const route of k.routes) {
        const { labels: groupLabels, key: gkey } = groupOf(route, k.alert.labels);
        let g = groups.get(gkey);
        if (!g) groups.set(gkey, (g = { route, labels: groupLabels, key: gkey, members: new Map(), nextFlush: t + route.groupWaitS * 1000 }));
        g.members.set(k.key, k.alert);
      }
      continue;
    }
    const g = [...groups.values()].find((x) => x.nextFlush === t)!;
    g.nextFlush = t + g.route.groupIntervalS * 1000;
    const firing = firingNow(t);
    const members = [...g.members];
    const shown = members.filter(([, a]) => !am.muted(a.labels, firing));
    const receiver = am.receivers.get(g.route.receiver);
    if (shown.length && receiver?.notifies) {
      const F = new Set(shown.filter(([, a]) => firingAt(a, t)).map(([k]) => k));
      const R = new Set(shown.filter(([, a]) => !firingAt(a, t)).map(([k]) => k));
      const logKey = `${g.route.receiver}/${g.key}`;
      const entry = log.get(logKey);
      let kind: Notification['kind'] | undefined;
      if (!entry) kind = F.size ? 'trigger' : undefined;
      else if (!isSubset(F, entry.firing)) kind = 'trigger';
      else if (F.size === 0) kind = entry.firing.size ? 'resolve' : undefined;
      else if (receiver.sendResolved && !isSubset(R, entry.resolved)) kind = 'resolved';
      else if (entry.at <= t - g.route.repeatIntervalS * 1000) kind = 'repeat';
      if (kind) {
        let page = false;
        if (receiver.pages) {
          if (F.size && !incidentOpen.has(logKey)) {
            incidentOpen.add(logKey);
            page = true;
          } else if (!F.size && receiver.sendResolved) incidentOpen.delete(logKey);
        }
        log.set(logKey, { firing: F, resolved: R, at: t });
        out.push({ at: t, receiver: g.route.receiver, route: g.route.id, group: g.labels, kind, firing: [...F].sort(), page });
      }
    }
    // Resolved alerts that were part of the flush leave the group; an empty group is gone.
    for (const [k, a] of members) if (!firingAt(a, t)) g.members.delete(k);
    if (g.members.size === 0) groups.delete(g.key);
  }
  return out;
}
