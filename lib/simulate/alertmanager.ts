/**
 * An exported `alertmanager.yml` (Alertmanager 0.25) as the simulation applies it to firing alerts: the routing
 * tree and the inhibition rules, implemented as Alertmanager implements them, so thousands of label sets route in
 * microseconds instead of one `amtool` process each (a test compares it with `amtool config routes test`).
 *
 * - Routing (dispatch/route.go `Route.Match`): a route matches when all its matchers do; its children are tried in
 *   order, each match collected, stopping at the first match whose route does not `continue`; a route none of whose
 *   children match is itself the match. Children inherit receiver, group_by and timings from their parent.
 * - Inhibition (inhibit/inhibit.go `Inhibitor.Mutes`): an alert matching a rule's target matchers is muted while a
 *   firing alert matches its source matchers with the same values of the `equal` labels — not counting a source that
 *   matches the target matchers too, when the muted alert matches the source matchers itself.
 */
import { parse } from 'yaml';
import { Labels, LabelMatcher, matchesAll, parseMatcher } from '../label-matchers';
import { seconds } from '../duration';

export interface RouteNode {
  receiver: string;
  matchers: LabelMatcher[];
  continue: boolean;
  groupBy: string[];
  /** Seconds. */
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  routes: RouteNode[];
}

export interface InhibitRule {
  source: LabelMatcher[];
  target: LabelMatcher[];
  equal: string[];
}

export interface ReceiverConfig {
  name: string;
  pagerduty?: { routingKey?: string; routingKeyFile?: string; severity?: string }[];
  slack?: { channel?: string }[];
  webhook?: { url?: string }[];
}

export interface AlertmanagerModel {
  route: RouteNode;
  inhibitRules: InhibitRule[];
  receivers: Map<string, ReceiverConfig>;
}

/** Alertmanager's defaults for a route that sets no timing (config/config.go DefaultRouteOpts). */
const DEFAULTS = { group_wait: '30s', group_interval: '5m', repeat_interval: '4h' };

interface RawRoute {
  receiver?: string;
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: RawRoute[];
}

function node(raw: RawRoute, parent: RouteNode | undefined): RouteNode {
  const matchers: LabelMatcher[] = [
    ...(raw.matchers ?? []).map(parseMatcher),
    ...Object.entries(raw.match ?? {}).map(([name, value]) => ({ name, op: '=' as const, value })),
    ...Object.entries(raw.match_re ?? {}).map(([name, value]) => ({ name, op: '=~' as const, value })),
  ];
  const n: RouteNode = {
    receiver: raw.receiver ?? parent?.receiver ?? '',
    matchers,
    continue: raw.continue ?? false,
    groupBy: raw.group_by ?? parent?.groupBy ?? [],
    groupWait: seconds(raw.group_wait ?? (parent ? `${parent.groupWait}s` : DEFAULTS.group_wait)),
    groupInterval: seconds(raw.group_interval ?? (parent ? `${parent.groupInterval}s` : DEFAULTS.group_interval)),
    repeatInterval: seconds(raw.repeat_interval ?? (parent ? `${parent.repeatInterval}s` : DEFAULTS.repeat_interval)),
    routes: [],
  };
  n.routes = (raw.routes ?? []).map((r) => node(r, n));
  return n;
}

/** Reads the text of an exported alertmanager.yml. */
export function parseAlertmanager(text: string): AlertmanagerModel {
  const doc = parse(text) as {
    route: RawRoute;
    inhibit_rules?: { source_matchers?: string[]; target_matchers?: string[]; equal?: string[] }[];
    receivers?: { name: string; pagerduty_configs?: Record<string, string>[]; slack_configs?: Record<string, string>[]; webhook_configs?: Record<string, string>[] }[];
  };
  return {
    route: node(doc.route, undefined),
    inhibitRules: (doc.inhibit_rules ?? []).map((r) => ({
      source: (r.source_matchers ?? []).map(parseMatcher),
      target: (r.target_matchers ?? []).map(parseMatcher),
      equal: r.equal ?? [],
    })),
    receivers: new Map(
      (doc.receivers ?? []).map((r) => [
        r.name,
        {
          name: r.name,
          pagerduty: r.pagerduty_configs?.map((p) => ({ routingKey: p.routing_key, routingKeyFile: p.routing_key_file, severity: p.severity })),
          slack: r.slack_configs?.map((s) => ({ channel: s.channel })),
          webhook: r.webhook_configs?.map((w) => ({ url: w.url })),
        },
      ]),
    ),
  };
}

/** The routes an alert with `labels` is delivered by (more than one only through `continue`). */
export function routeAlert(route: RouteNode, labels: Labels): RouteNode[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: RouteNode[] = [];
  for (const child of route.routes) {
    const m = routeAlert(child, labels);
    all.push(...m);
    if (m.length && !child.continue) break;
  }
  return all.length ? all : [route];
}

/** Whether `target` is muted by one of `firing` (the alerts firing at that moment, `target` possibly among them). */
export function isInhibited(rules: readonly InhibitRule[], target: Labels, firing: readonly Labels[]): boolean {
  for (const r of rules) {
    if (!matchesAll(r.target, target)) continue;
    const twoSided = matchesAll(r.source, target);
    for (const s of firing) {
      if (s === target || !matchesAll(r.source, s)) continue;
      if (!r.equal.every((n) => (s[n] ?? '') === (target[n] ?? ''))) continue;
      if (twoSided && matchesAll(r.target, s)) continue;
      return true;
    }
  }
  return false;
}

/** The key Alertmanager groups an alert under on a route: the receiver and the values of its group_by labels. */
export function groupKey(route: RouteNode, labels: Labels): string {
  return `${route.receiver}:${route.groupBy.map((l) => `${l}=${labels[l] ?? ''}`).join(',')}`;
}
