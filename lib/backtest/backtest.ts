/**
 * The backtest: replays alerting rules (the base and the head version of a catalog) over real history from a
 * Prometheus HTTP API and tells, per alert and environment, how often each would have fired, for how long, and how
 * many pages that would have made after Alertmanager's grouping and inhibition.
 *
 * For each alert: its exported condition (`renderExport` → `<env>/prometheus/rules.yml`) is queried with
 * `query_range` at its group's evaluation interval, on a grid of multiples of the interval (Prometheus offsets each
 * group's evaluations by a hash of its name; the grid here starts at the epoch), starting `for` + `keep_firing_for`
 * before `from` so that the state at `from` is the state of a Prometheus that was running. The states follow
 * Prometheus's rules (alert-state.ts); the firings go through the environment's exported Alertmanager
 * configuration (alertmanager.ts), together with the alerts that may inhibit them.
 *
 * A recording rule is read from the history when the history holds its series over the range and (for the head)
 * its rule is the same as in the base; otherwise — a new record, or a changed one — it is evaluated from its
 * expression (promql.ts `inlineRecords`).
 *
 * Before the heavy queries, every selector the conditions read is checked over the range (one cheap range query
 * of `count(last_over_time(selector[res]))` each): a selector without series makes its alert "no series" rather
 * than "never fired"; a range that starts before the history does (retention) is an error.
 */
import type { Catalog } from '../catalog/model';
import { Episode, Labels, runAlertRule } from './alert-state';
import { escapeRegex, labelsKey } from '../label-matchers';
import { AmAlert, Notification, simulateNotifications } from '../alertmanager-model';
import { inlineRecords, normalizeExpr, recordSelector, recordsUsed, selectorUses } from './promql';
import { BacktestError, oneLine, PrometheusClient } from './prometheus';
import { AlertRule, EnvironmentRules, exportedRules, RecordingRule } from './rules';
import { humanSeconds, isoSeconds } from './time';
import { seconds } from '../duration';

export type AlertSelection = 'changed' | 'all';

export interface BacktestOptions {
  client: PrometheusClient;
  /** The catalog as changed (the working tree). */
  head: Catalog;
  /** The catalog to compare with (e.g. at a git ref); without it, only the head is replayed. */
  base?: Catalog;
  /** What the base is, for the report (the git ref). */
  baseName?: string;
  /** ms since the epoch. */
  from: number;
  to: number;
  /** `changed` (default with a base): alerts whose rule differs between base and head; `all`: every alert. */
  alerts?: AlertSelection;
  /** Only alerts with these names (`*` matches any characters). */
  only?: string[];
  /** Only these environments (default: every environment of the head). */
  environments?: string[];
  /** Evaluate every recording rule from its expression, even when the history holds it. */
  inlineAllRecords?: boolean;
}

/** One firing of one alert, as reported. */
export interface FiringReport {
  labels: Labels;
  /** ISO instants; `resolvedAt` absent: still firing at `to`. */
  pendingSince: string;
  firedAt: string;
  resolvedAt?: string;
  /** Firing time within the range (s). */
  firingSeconds: number;
  /** When the firing opened a PagerDuty incident, and on which receiver. */
  pagedAt?: string;
  pagedReceiver?: string;
}

/** One version (base or head) of one alert in one environment over the range. */
export interface VariantReport {
  /** `no-series`: none of the series its condition reads exists in the range (so "never fired" would be a guess). */
  status: 'ok' | 'no-series';
  /** Firings overlapping the range (one per label set and episode; one already firing at `from` counts). */
  firings: number;
  /** Total firing time within the range (s). */
  firingSeconds: number;
  /** PagerDuty incidents opened within the range (after grouping and inhibition). */
  pages: number;
  /** Notifications of new firing alerts within the range, to any receiver that sends something. */
  notifications: number;
  /** Receivers of those notifications. */
  receivers: string[];
  episodes: FiringReport[];
  /** The expression queried (records the history lacks evaluated inline). */
  query: string;
  forSeconds: number;
  keepFiringForSeconds: number;
  intervalSeconds: number;
  /** Selectors of the condition without any series in the range. */
  missingSeries: string[];
  /** Selectors whose series begin after `from`, with their first sample (ISO, to the coverage query's resolution). */
  lateSeries: { selector: string; firstSample: string }[];
  /** Recording rules evaluated from their expression (the history lacks them, or they changed). */
  inlinedRecords: string[];
  /** Evaluations Prometheus would have failed (two series with one label set after the rule's labels). */
  failedEvaluations: number;
}

export interface AlertReport {
  alert: string;
  environment: string;
  severity?: string;
  /** `changed`, `added` (head only), `removed` (base only), `unchanged` (same rule; with `--alerts all`). */
  change: 'changed' | 'added' | 'removed' | 'unchanged';
  base?: VariantReport;
  head?: VariantReport;
}

export interface BacktestReport {
  prometheus: string;
  from: string;
  to: string;
  alerts: AlertSelection;
  /** Whether a base was compared (else only `head` columns are set). */
  compared: boolean;
  /** The base's name (git ref), when compared. */
  base?: string;
  environments: string[];
  results: AlertReport[];
  /** Alerts evaluated only because they may inhibit a reported one (their firings mute its notifications). */
  inhibitors: { environment: string; side: 'base' | 'head'; alert: string }[];
  /** Requests sent to Prometheus. */
  requests: number;
  /** Retention as Prometheus reports it, if it does. */
  retention?: string;
}

/** Name filter: exact names, `*` for any characters. */
function nameFilter(only?: string[]): (name: string) => boolean {
  if (!only?.length) return () => true;
  const res = only.map((p) => new RegExp(`^${p.split('*').map((s) => escapeRegex(s)).join('.*')}$`));
  return (n) => res.some((r) => r.test(n));
}

function staticLabels(a: AlertRule): Labels {
  return { ...a.labels, alertname: a.alert };
}

/** What makes an alert behave: its condition with every record expanded, timings, labels and evaluation interval. */
function definition(a: AlertRule, records: RecordingRule[]): string {
  const expr = normalizeExpr(inlineRecords(a.expr, { records, inline: () => true }));
  const labels = Object.entries(a.labels).sort(([x], [y]) => x.localeCompare(y));
  return JSON.stringify({ expr, for: a.forS, keep: a.keepFiringForS, labels, interval: a.intervalS });
}

function recordKey(r: RecordingRule): string {
  return `${r.record}${JSON.stringify(Object.entries(r.labels).sort(([x], [y]) => x.localeCompare(y)))}`;
}

interface Plan {
  side: 'base' | 'head';
  env: string;
  rule: AlertRule;
  reported: boolean;
  query: string;
  inlined: string[];
  uses: { selector: string; offsetS: number }[];
  gridStart: number;
  gridEnd: number;
}

interface Coverage {
  /** First instant with data (ms, lower bound at the query's resolution); undefined: no series in the range. */
  first?: number;
}

/** Parses the time part of Prometheus's `storageRetention` ("15d", "15d or 10GiB", "10GiB") to seconds. */
function retentionSeconds(text: string | undefined): number | undefined {
  for (const part of (text ?? '').split(/\s+or\s+/)) {
    try {
      return seconds(part.trim());
    } catch {
      // a size limit: not a time
    }
  }
  return undefined;
}

/** Replays the alerts over the history; throws `BacktestError` for a bad range, an unreachable server, … */
export async function backtest(opts: BacktestOptions): Promise<BacktestReport> {
  const { client, from, to } = opts;
  if (!(from < to)) throw new BacktestError(`--from (${isoSeconds(from)}) must be before --to (${isoSeconds(to)})`);
  const selection: AlertSelection = opts.alerts ?? (opts.base ? 'changed' : 'all');
  if (selection === 'changed' && !opts.base) throw new BacktestError('--alerts changed compares with a base: pass --base <git ref>, or --alerts all');
  const headEnvs = opts.head.catalog.environments.map((e) => e.name);
  const envs = opts.environments ?? headEnvs;
  for (const e of envs) if (!headEnvs.includes(e)) throw new BacktestError(`--env: unknown environment '${e}'; the catalog has ${headEnvs.join(', ')}`);
  const baseEnvs = new Set(opts.base?.catalog.environments.map((e) => e.name) ?? []);
  const head = exportedRules(opts.head, envs);
  const base = opts.base ? exportedRules(opts.base, envs.filter((e) => baseEnvs.has(e))) : [];
  const wanted = nameFilter(opts.only);

  // Reachable, and how long it keeps data (the first request says whether the server answers at all).
  const runtime = await client.status('runtimeinfo');
  if (runtime === undefined && (await client.status('buildinfo')) === undefined) {
    await client.api('/api/v1/query', { query: 'vector(1)' }, 'a test query');
  }
  const retention: string | undefined = runtime?.storageRetention;
  // A range past what the server keeps (its retention before its newest sample) is an error before any query.
  const retentionS = retentionSeconds(retention);
  if (retentionS !== undefined) {
    const tsdb = await client.status('tsdb');
    const newest = Number(tsdb?.headStats?.maxTime);
    const oldest = Number(tsdb?.headStats?.minTime);
    if (Number.isFinite(newest) && newest > 0 && newest >= oldest && from < newest - retentionS * 1000) {
      throw new BacktestError(
        `the range is past retention: Prometheus keeps ${retention} and its newest sample is at ${isoSeconds(newest)}, so nothing before ` +
          `${isoSeconds(newest - retentionS * 1000)} remains; --from is ${isoSeconds(from)}`,
      );
    }
  }

  // 1. Which alerts, on which side.
  const results: AlertReport[] = [];
  const targets: { side: 'base' | 'head'; env: EnvironmentRules; rule: AlertRule }[] = [];
  for (const env of envs) {
    const h = head.find((r) => r.environment === env)!;
    const b = base.find((r) => r.environment === env);
    const names = [...new Set([...h.alerts.map((a) => a.alert), ...(b?.alerts.map((a) => a.alert) ?? [])])].filter(wanted);
    for (const name of names) {
      const ha = h.alerts.find((a) => a.alert === name);
      const ba = b?.alerts.find((a) => a.alert === name);
      const change: AlertReport['change'] = !opts.base ? 'unchanged' : !ba ? 'added' : !ha ? 'removed' : definition(ha, h.records) === definition(ba, b!.records) ? 'unchanged' : 'changed';
      if (selection === 'changed' && change === 'unchanged') continue;
      results.push({ alert: name, environment: env, severity: (ha ?? ba)!.labels.severity, change });
      if (ha) targets.push({ side: 'head', env: h, rule: ha });
      if (ba && opts.base) targets.push({ side: 'base', env: b!, rule: ba });
    }
  }

  // 2. The alerts that may inhibit them (evaluated, not reported).
  const evaluated: { side: 'base' | 'head'; env: EnvironmentRules; rule: AlertRule; reported: boolean }[] = targets.map((t) => ({ ...t, reported: true }));
  const inhibitors: BacktestReport['inhibitors'] = [];
  for (const side of ['base', 'head'] as const) {
    for (const env of side === 'head' ? head : base) {
      const am = env.alertmanager;
      if (!am) continue;
      const mine = targets.filter((t) => t.side === side && t.env === env);
      for (const s of env.alerts) {
        if (mine.some((t) => t.rule === s)) continue;
        if (mine.some((t) => am.mayInhibit({ labels: staticLabels(s), expr: s.expr }, { labels: staticLabels(t.rule), expr: t.rule.expr }))) {
          evaluated.push({ side, env, rule: s, reported: false });
          inhibitors.push({ environment: env.environment, side, alert: s.alert });
        }
      }
    }
  }

  // 3. Coverage of what the conditions read; records the history lacks are inlined.
  const rangeS = (to - from) / 1000;
  const resS = Math.max(60, Math.ceil(rangeS / 1000 / 60) * 60);
  const coverage = new Map<string, Promise<Coverage>>();
  const cover = (selector: string, offsetS: number): Promise<Coverage> => {
    const key = `${selector}\u0000${offsetS}`;
    let c = coverage.get(key);
    if (!c) {
      const q = `count(last_over_time(${selector}[${resS}s]${offsetS ? ` offset ${offsetS}s` : ''}))`;
      const start = Math.min(from + resS * 1000, to);
      c = client.queryRange(q, start, to, resS).then((series) => {
        const first = series[0]?.points[0]?.[0];
        return { first: first === undefined ? undefined : first - resS * 1000 };
      });
      coverage.set(key, c);
    }
    return c;
  };
  const baseRecords = new Map<string, string>();
  for (const env of base) for (const r of env.records) baseRecords.set(`${env.environment}/${recordKey(r)}`, normalizeExpr(r.expr));
  const plans: Plan[] = await Promise.all(
    evaluated.map(async (e): Promise<Plan> => {
      const used = recordsUsed(e.rule.expr, e.env.records);
      const inline = new Set<RecordingRule>();
      await Promise.all(
        used.map(async (r) => {
          const changed = e.side === 'head' && opts.base !== undefined && baseRecords.get(`${e.env.environment}/${recordKey(r)}`) !== normalizeExpr(r.expr);
          if (opts.inlineAllRecords || changed || (await cover(recordSelector(r), 0)).first === undefined) inline.add(r);
        }),
      );
      const query = inlineRecords(e.rule.expr, { records: e.env.records, inline: (r) => inline.has(r) });
      const intervalMs = e.rule.intervalS * 1000;
      const warmupMs = (e.rule.forS + e.rule.keepFiringForS) * 1000;
      return {
        side: e.side,
        env: e.env.environment,
        rule: e.rule,
        reported: e.reported,
        query,
        inlined: [...inline].map(recordSelector).sort(),
        uses: selectorUses(query),
        gridStart: Math.ceil((from - warmupMs) / intervalMs) * intervalMs,
        gridEnd: Math.floor(to / intervalMs) * intervalMs,
      };
    }),
  );
  const usesCovered = new Map<Plan, { selector: string; offsetS: number; c: Coverage }[]>();
  await Promise.all(plans.map(async (p) => usesCovered.set(p, await Promise.all(p.uses.map(async (u) => ({ ...u, c: await cover(u.selector, u.offsetS) }))))));

  // 4. A range that starts before the history the alerts read is an error, before any heavy query.
  const withData = new Map<string, number>();
  for (const u of [...usesCovered.values()].flat()) if (u.c.first !== undefined) withData.set(show(u), u.c.first);
  const tolerance = Math.max(resS * 1000, 300000);
  if (withData.size && [...withData.values()].every((first) => first > from + tolerance)) {
    const earliest = Math.min(...withData.values());
    throw new BacktestError(
      `the range is past retention: the history Prometheus holds for the ${withData.size} series selector${withData.size === 1 ? '' : 's'} the alerts read begins between ` +
        `${isoSeconds(earliest)} and ${isoSeconds(earliest + resS * 1000)}, after --from ${isoSeconds(from)}${retention ? ` (retention: ${retention})` : ''}; ` +
        `start the range at ${isoSeconds(earliest + resS * 1000)} or later`,
    );
  }

  // 5. The conditions over the range, once per distinct query and grid.
  const ranges = new Map<string, ReturnType<PrometheusClient['queryRange']>>();
  const runs = await Promise.all(
    plans.map(async (p) => {
      const key = `${p.query}\u0000${p.gridStart}\u0000${p.gridEnd}\u0000${p.rule.intervalS}`;
      let r = ranges.get(key);
      if (!r) ranges.set(key, (r = client.queryRange(p.query, p.gridStart, p.gridEnd, p.rule.intervalS)));
      const series = await r;
      const evaluations: number[] = [];
      for (let t = p.gridStart; t <= p.gridEnd; t += p.rule.intervalS * 1000) evaluations.push(t);
      const run = runAlertRule(
        { alertname: p.rule.alert, labels: p.rule.labels, forS: p.rule.forS, keepFiringForS: p.rule.keepFiringForS },
        evaluations,
        series.map((s) => ({ labels: s.labels, at: s.points.map(([t]) => t) })),
      );
      return { plan: p, run };
    }),
  );

  // 6. Alertmanager per environment and side: every evaluated alert's firings, routed, grouped, inhibited.
  const notifications = new Map<string, Notification[]>();
  for (const side of ['base', 'head'] as const) {
    for (const env of side === 'head' ? head : base) {
      const am = env.alertmanager;
      if (!am) continue;
      const byKey = new Map<string, AmAlert>();
      for (const { plan, run } of runs) {
        if (plan.side !== side || plan.env !== env.environment) continue;
        for (const ep of run.episodes) {
          const k = labelsKey(ep.labels);
          let a = byKey.get(k);
          if (!a) byKey.set(k, (a = { labels: ep.labels, intervals: [] }));
          a.intervals.push({ start: ep.firedAt, end: ep.resolvedAt });
        }
      }
      notifications.set(`${side}/${env.environment}`, simulateNotifications(am, [...byKey.values()], to));
    }
  }

  // 7. The report.
  const variant = (p: Plan, episodes: Episode[], failed: number): VariantReport => {
    const inRange = episodes.filter((e) => (e.resolvedAt ?? Infinity) > from && e.firedAt <= to);
    const keys = new Set(inRange.map((e) => labelsKey(e.labels)));
    const mine = (notifications.get(`${p.side}/${p.env}`) ?? []).filter((n) => n.at >= from && n.at <= to && n.firing.some((k) => keys.has(k)));
    const reports: FiringReport[] = inRange.map((e) => {
      const key = labelsKey(e.labels);
      const page = mine.find((n) => n.page && n.firing.includes(key) && n.at >= e.firedAt && n.at < (e.resolvedAt ?? Infinity));
      const shown: Labels = { ...e.labels };
      delete shown.alertname;
      for (const k of Object.keys(p.rule.labels)) delete shown[k];
      return {
        labels: shown,
        pendingSince: isoSeconds(e.activeAt),
        firedAt: isoSeconds(e.firedAt),
        ...(e.resolvedAt !== undefined && e.resolvedAt <= to ? { resolvedAt: isoSeconds(e.resolvedAt) } : {}),
        firingSeconds: (Math.min(e.resolvedAt ?? to, to) - Math.max(e.firedAt, from)) / 1000,
        ...(page ? { pagedAt: isoSeconds(page.at), pagedReceiver: page.receiver } : {}),
      };
    });
    const covered = usesCovered.get(p) ?? [];
    const missing = [...new Set(covered.filter((u) => u.c.first === undefined).map((u) => show(u)))];
    const late = covered.filter((u) => u.c.first !== undefined && u.c.first > from + tolerance).map((u) => ({ selector: show(u), firstSample: isoSeconds(u.c.first!) }));
    return {
      status: covered.length > 0 && missing.length === new Set(covered.map(show)).size && inRange.length === 0 ? 'no-series' : 'ok',
      firings: inRange.length,
      firingSeconds: reports.reduce((s, r) => s + r.firingSeconds, 0),
      pages: mine.filter((n) => n.page).length,
      notifications: mine.filter((n) => n.kind === 'trigger').length,
      receivers: [...new Set(mine.map((n) => n.receiver))].sort(),
      episodes: reports,
      query: p.query,
      forSeconds: p.rule.forS,
      keepFiringForSeconds: p.rule.keepFiringForS,
      intervalSeconds: p.rule.intervalS,
      missingSeries: missing,
      lateSeries: late,
      inlinedRecords: p.inlined,
      failedEvaluations: failed,
    };
  };
  for (const r of results) {
    for (const { plan, run } of runs) {
      if (!plan.reported || plan.env !== r.environment || plan.rule.alert !== r.alert) continue;
      r[plan.side] = variant(plan, run.episodes, run.failedEvaluations.length);
    }
  }
  return {
    prometheus: client.url,
    from: isoSeconds(from),
    to: isoSeconds(to),
    alerts: selection,
    compared: opts.base !== undefined,
    ...(opts.base && opts.baseName ? { base: opts.baseName } : {}),
    environments: envs,
    results,
    inhibitors,
    requests: client.requests,
    ...(retention ? { retention } : {}),
  };
}

function show(u: { selector: string; offsetS: number }): string {
  return `${oneLine(u.selector)}${u.offsetS ? ` offset ${humanSeconds(u.offsetS)}` : ''}`;
}
