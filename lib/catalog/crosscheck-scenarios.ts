/**
 * Cross-checks of the scenario library (scenarios/*.yml) and its healthy background (scenarios/background.yml):
 *
 * - the background covers the metric contract: every metric of metrics.yml has an entry (an empty list where a
 *   healthy system exposes no series), with the labels of the contract and the fields of its type (a counter's
 *   rate, a gauge's value, a histogram's rate, buckets and p95), and every source has at least one series — or its
 *   liveness rule would fire in every scenario;
 * - every scenario: a unique name, known environments, severities and services, times within the scenario, steps
 *   that fit (samples on the evaluation steps), selectors that parse, name metrics of the contract, select on its
 *   labels and select series of the background of the right type, known synthetic checks and probe locations,
 *   incidents with a runbook section (checked against the runbook like every anchor);
 * - coverage, once the catalog has scenarios: every alert (the always-firing heartbeat aside) has a scenario that
 *   makes it fire (`next_to: { <alert>: firing }`), and every alert with a threshold (burn-rate tiers included) a
 *   quiet scenario next to that threshold (`next_to: { <alert>: quiet }`); reported at the alert.
 */
import { CatalogIssue } from './errors';
import type { Catalog } from './model';
import { NON_NOTIFYING_SEVERITIES, burnAlertsOf } from './model';
import type { FieldPath, SourceFile } from './source';
import type { Scenario } from './schema-scenarios';
import { PAGES_NONE, RAMPED_SHAPES, SHAPES } from './schema-scenarios';
import { backgroundSeries, BackgroundSeries, MetricType } from './background';
import { ALWAYS_FIRING } from './names';
import { MatcherSyntaxError, matchesAll, parseSelector, selectorMetric, SeriesSelector } from '../label-matchers';
import { seconds } from '../duration';

/** The environments a scenario is simulated in: its own list, else those its expectations name, else every environment that pages. */
export function scenarioEnvironments(c: Catalog, s: Scenario): string[] {
  if (s.environments) return [...s.environments];
  const named = [...new Set(s.expect.map((e) => e.environment).filter((e): e is string => e !== undefined))];
  if (named.length) return named;
  return c.catalog.environments.filter((e) => e.pages).map((e) => e.name);
}

/** The shape each change kind needs its selected series to be. */
const SHAPE_TYPE: Partial<Record<(typeof SHAPES)[number], MetricType>> = {
  rate: 'counter',
  ratio: 'counter',
  reset: 'counter',
  value: 'gauge',
  sawtooth: 'gauge',
  latency: 'histogram',
};

const PROMTOOL_VALUES = /^\s*(_(x[0-9]+)?|stale|[-+]?[0-9.e]+([+-][0-9.e]+)?(x[0-9]+)?)(\s+(_(x[0-9]+)?|stale|[-+]?[0-9.e]+([+-][0-9.e]+)?(x[0-9]+)?))*\s*$/;

export function crossCheckScenarios(c: Catalog): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  if (c.background && c.sources.background) checkBackground(c, c.sources.background, issues);
  if (c.scenarioFiles.length === 0) return issues;
  if (!c.background) {
    const first = c.scenarioFiles[0].source;
    issues.push(first.issue([], 'scenarios need the healthy background they start from: scenarios/background.yml (every metric of metrics.yml, healthy)'));
    return issues;
  }
  // Where each scenario name is first written; located only when a duplicate needs it.
  const names = new Map<string, { src: SourceFile; at: FieldPath }>();
  const severities = new Set(Object.keys(c.catalog.severities));
  const services = new Set(c.catalog.services.map((s) => s.name));
  const environments = new Map(c.catalog.environments.map((e) => [e.name, e]));
  const alerts = alertIndex(c);
  const firingCover = new Set<string>();
  const quietCover = new Set<string>();
  const series = new Map<string, BackgroundSeries[]>();
  const bg = (env: string) => {
    if (!series.has(env)) series.set(env, backgroundSeries(c, env));
    return series.get(env)!;
  };

  for (const { source: src, data } of c.scenarioFiles) {
    data.scenarios.forEach((s, si) => {
      const at: FieldPath = ['scenarios', si];
      const issue = (p: FieldPath, m: string) => issues.push(src.issue([...at, ...p], m));
      const prev = names.get(s.name);
      if (prev) {
        const i = prev.src.issue(prev.at, '');
        issue(['name'], `duplicate scenario '${s.name}' (first defined at ${i.file}:${i.line}:${i.column})`);
      } else names.set(s.name, { src, at: [...at, 'name'] });
      if (s.kind === 'incident' && s.runbook === undefined) issue([], "an incident scenario names the runbook section the on-call follows: 'runbook: <anchor>'");

      const envs = scenarioEnvironments(c, s);
      s.environments?.forEach((e, i) => environments.has(e) || issue(['environments', i], `unknown environment '${e}'; expected one of ${[...environments.keys()].join(', ')}`));
      const scrape = seconds(s.scrape_interval ?? c.background!.scrape_interval);
      const history = seconds(s.history);
      const dur = seconds(s.duration);
      if (dur <= 0) issue(['duration'], 'expected a duration longer than 0s');
      for (const e of envs) {
        const env = environments.get(e);
        if (!env) continue;
        const envStep = seconds(env.evaluation_interval);
        const step = s.evaluation_interval ? seconds(s.evaluation_interval) : envStep;
        if (s.evaluation_interval && (step < envStep || step % envStep !== 0)) {
          issue(['evaluation_interval'], `expected a multiple of ${e}'s evaluation interval ${env.evaluation_interval} (a coarser step for a scenario of days), got ${s.evaluation_interval}`);
        } else if (step % scrape !== 0) {
          issue([s.evaluation_interval ? 'evaluation_interval' : 'scrape_interval'], `the evaluation step ${step}s in ${e} is not a multiple of the scrape interval ${scrape}s: rules would be evaluated between samples`);
        } else if (history % step !== 0 || dur % step !== 0) {
          issue([history % step !== 0 ? 'history' : 'duration'], `expected a multiple of the evaluation step ${step}s in ${e}: the onset and the end fall on evaluations`);
        }
      }

      s.changes.forEach((ch, ci) => {
        const cat = ['changes', ci];
        const kind = SHAPES.find((k) => ch[k] !== undefined);
        if (!kind) return;
        const atS = seconds(ch.at);
        if (atS > dur) issue([...cat, 'at'], `expected a time within the scenario's duration ${s.duration}, got ${ch.at}`);
        if (ch.until !== undefined && (seconds(ch.until) <= atS || seconds(ch.until) > dur)) issue([...cat, 'until'], `expected a time after 'at' (${ch.at}) and within the duration ${s.duration}`);
        if (ch.ramp !== undefined && !RAMPED_SHAPES.includes(kind)) issue([...cat, 'ramp'], `'ramp' applies to ${RAMPED_SHAPES.join(', ')}, not to ${kind}`);
        const shapeAt = [...cat, kind];
        const check = (field: string, text: string, type: MetricType | undefined) => {
          const sel = selector(c, src, [...at, ...shapeAt, field], text, issues);
          if (!sel) return;
          const env = envs.find((e) => environments.has(e)) ?? c.catalog.environments[0].name;
          const hit = bg(env).filter((b) => matchesAll(sel.matchers, b.labels, 'prometheus'));
          if (hit.length === 0) issue([...shapeAt, field], `'${text}' selects no series of the background (scenarios/background.yml)`);
          else if (type) {
            // A restart resets a histogram's counters too.
            const wrong = hit.find((b) => b.type !== type && !(kind === 'reset' && b.type === 'histogram'));
            if (wrong) issue([...shapeAt, field], `${kind} needs ${type} series; '${text}' selects ${wrong.metric}, a ${wrong.type}`);
          }
        };
        const shape = ch[kind] as Record<string, unknown>;
        if (kind === 'ratio') {
          check('of', String(shape.of), 'counter');
          check('in', String(shape.in), 'counter');
        } else if (kind === 'probes_fail') {
          const chk = c.synthetics?.checks.find((x) => x.name === ch.probes_fail!.check);
          if (!chk) issue([...shapeAt, 'check'], `unknown synthetic check '${ch.probes_fail!.check}'; expected one of ${(c.synthetics?.checks ?? []).map((x) => x.name).join(', ') || 'none (the catalog has no synthetics/uptime_checks.yml)'}`);
          else {
            const probes = chk.probes ?? c.synthetics!.defaults.probes;
            ch.probes_fail!.probes.forEach((p, pi) => probes.includes(p) || issue([...shapeAt, 'probes', pi], `check ${chk.name} does not run from '${p}'; it runs from ${probes.join(', ')}`));
          }
        } else if (kind === 'series') {
          selector(c, src, [...at, ...shapeAt, 'series'], ch.series!.series, issues, true);
          if (!PROMTOOL_VALUES.test(ch.series!.values)) issue([...shapeAt, 'values'], `expected samples in promtool notation such as '0+60x30' or '1 1 _ stale', got ${JSON.stringify(ch.series!.values)}`);
        } else if (kind !== 'crash_loop' && typeof shape.select === 'string') {
          check('select', shape.select, SHAPE_TYPE[kind]);
        }
        if (kind === 'latency') {
          const sel = safeSelector(ch.latency!.select);
          const hist = sel && bg(envs[0] ?? c.catalog.environments[0].name).find((b) => b.type === 'histogram' && matchesAll(sel.matchers, b.labels, 'prometheus'));
          const top = hist?.buckets?.[hist.buckets.length - 1];
          if (top !== undefined && ch.latency!.p95 > top) issue([...shapeAt, 'p95'], `expected a p95 within the histogram's buckets (at most ${top}s): above the last bucket histogram_quantile says ${top}s`);
        }
      });

      s.expect.forEach((e, ei) => {
        const eat = ['expect', ei];
        for (const k of ['pages', 'pages_at_most', 'slack', 'firing'] as const) {
          const v = e[k];
          if (v === undefined || (k === 'pages' && v === PAGES_NONE)) continue;
          if (!severities.has(v)) issue([...eat, k], `unknown severity '${v}'; expected one of ${[...severities].join(', ')}${k === 'pages' ? `, or ${PAGES_NONE}` : ''}`);
        }
        if (e.service !== undefined && !services.has(e.service)) issue([...eat, 'service'], `unknown service '${e.service}'; expected one of ${[...services].join(', ')}`);
        if (e.environment !== undefined && !environments.has(e.environment)) issue([...eat, 'environment'], `unknown environment '${e.environment}'; expected one of ${[...environments.keys()].join(', ')}`);
        else if (e.environment !== undefined && !envs.includes(e.environment)) issue([...eat, 'environment'], `the scenario runs in ${envs.join(', ')} only (its 'environments')`);
        for (const k of ['within', 'at'] as const) {
          const v = e[k];
          if (v !== undefined && seconds(v) > dur) issue([...eat, k], `expected a time within the scenario's duration ${s.duration}, got ${v}`);
        }
      });

      for (const [name, side] of Object.entries(s.next_to ?? {})) {
        const a = alerts.get(name);
        if (!a) {
          issues.push(src.issue([...at, 'next_to', name], `unknown alert '${name}'`, src.keyAt([...at, 'next_to'], name)));
          continue;
        }
        if (side === 'quiet' && a.alwaysFiring) issue(['next_to', name], `${name} always fires: no scenario keeps it quiet`);
        (side === 'firing' ? firingCover : quietCover).add(name);
      }
    });
  }

  for (const [name, a] of alerts) {
    if (a.alwaysFiring || NON_NOTIFYING_SEVERITIES.includes(a.severity as (typeof NON_NOTIFYING_SEVERITIES)[number])) continue;
    if (!firingCover.has(name)) {
      issues.push(a.src.issue(a.nameAt, `alert ${name} has no scenario that makes it fire: add one to scenarios/*.yml with 'next_to: { ${name}: firing }'`));
    }
    if (a.thresholdAt && !quietCover.has(name)) {
      issues.push(a.src.issue(a.thresholdAt, `the threshold of ${name} has no quiet scenario next to it: add one to scenarios/*.yml with 'next_to: { ${name}: quiet }'`));
    }
  }
  return issues;
}

interface AlertRef {
  src: SourceFile;
  nameAt: FieldPath;
  /** Where its threshold is written (threshold alerts and burn-rate tiers), if it has one. */
  thresholdAt?: FieldPath;
  severity: string;
  alwaysFiring: boolean;
}

/** Every alert of the catalog by name, with where it is written. */
function alertIndex(c: Catalog): Map<string, AlertRef> {
  const out = new Map<string, AlertRef>();
  for (const { source, data } of c.ruleFiles) {
    data.families.forEach((f, fi) =>
      f.alerts.forEach((a, ai) => {
        const at: FieldPath = ['families', fi, 'alerts', ai];
        out.set(a.name, {
          src: source,
          nameAt: [...at, 'name'],
          thresholdAt: a.threshold !== undefined && a.expr === undefined ? [...at, 'threshold'] : undefined,
          severity: a.severity,
          alwaysFiring: a.expr?.trim() === ALWAYS_FIRING,
        });
      }),
    );
  }
  const slos = c.sources.slos;
  if (slos) {
    c.slos.slos.forEach((slo, i) => {
      for (const [kind, b] of burnAlertsOf(slo)) {
        const at: FieldPath = ['slos', i, 'alerts', kind];
        out.set(b.name, { src: slos, nameAt: [...at, 'name'], thresholdAt: [...at, 'burn_rate'], severity: b.severity, alwaysFiring: false });
      }
    });
  }
  return out;
}

function safeSelector(text: string): SeriesSelector | undefined {
  try {
    return parseSelector(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses a selector written at `at`, checks its metric and labels against the contract; undefined (and an issue)
 * when it does not parse. `series`: a raw series, which names one metric (of the contract, `_bucket`… of a histogram).
 */
function selector(c: Catalog, src: SourceFile, at: FieldPath, text: string, issues: CatalogIssue[], series = false): SeriesSelector | undefined {
  let sel: SeriesSelector;
  try {
    sel = parseSelector(text);
  } catch (e) {
    if (!(e instanceof MatcherSyntaxError)) throw e;
    issues.push(src.issueInValue(at, e.offset, `expected a series selector such as metric{label="value"}: ${e.message}`));
    return undefined;
  }
  const metric = selectorMetric(sel);
  const contract = c.metrics.metrics;
  if (series && (!metric || sel.matchers.some((m) => m.op !== '='))) {
    issues.push(src.issue(at, 'expected one series: metric{label="value", …} with = matchers only'));
    return undefined;
  }
  if (!metric) return sel;
  const base = series ? metric.replace(/_(bucket|sum|count)$/, '') : metric;
  const known = contract[metric] ?? (contract[base]?.type === 'histogram' ? contract[base] : undefined);
  if (!known) {
    issues.push(src.issueInValue(at, 0, `unknown metric '${metric}': not in the metric contract (metrics.yml)`));
    return undefined;
  }
  const allowed = new Set([...known.labels, '__name__', ...(known === contract[metric] ? [] : ['le'])]);
  const wrong = sel.matchers.filter((m) => !allowed.has(m.name));
  for (const m of wrong) issues.push(src.issue(at, `metric '${metric}' has no label '${m.name}' in the metric contract (expected one of: ${known.labels.join(', ') || 'none'})`));
  return wrong.length ? undefined : sel;
}

function checkBackground(c: Catalog, src: SourceFile, issues: CatalogIssue[]): void {
  const contract = c.metrics.metrics;
  const bg = c.background!;
  const scrape = seconds(bg.scrape_interval);
  for (const [metric, entries] of Object.entries(bg.metrics)) {
    const spec = contract[metric];
    if (!spec) {
      issues.push(src.issue(['metrics', metric], `unknown metric '${metric}': not in the metric contract (metrics.yml)`, src.keyAt(['metrics'], metric)));
      continue;
    }
    entries.forEach((e, i) => {
      const at: FieldPath = ['metrics', metric, i];
      for (const l of Object.keys(e.labels)) {
        if (!spec.labels.includes(l)) issues.push(src.issue([...at, 'labels', l], `metric '${metric}' has no label '${l}' in the metric contract (expected one of: ${spec.labels.join(', ') || 'none'})`, src.keyAt([...at, 'labels'], l)));
      }
      const need: Record<MetricType, string[]> = { counter: ['rate'], gauge: ['value'], histogram: ['rate', 'buckets', 'p95'] };
      const fields = ['rate', 'value', 'buckets', 'p95'] as const;
      for (const f of fields) {
        const has = e[f] !== undefined;
        if (need[spec.type].includes(f) && !has) issues.push(src.issue(at, `a ${spec.type} needs '${f}'`));
        if (!need[spec.type].includes(f) && has) issues.push(src.issue([...at, f], `'${f}' does not apply to a ${spec.type} (expected ${need[spec.type].join(', ')})`));
      }
      if (e.buckets) {
        if (e.buckets.some((b, bi) => bi > 0 && b <= e.buckets![bi - 1])) issues.push(src.issue([...at, 'buckets'], 'expected bucket bounds in ascending order'));
        if (e.p95 !== undefined && e.p95 > e.buckets[e.buckets.length - 1]) issues.push(src.issue([...at, 'p95'], `expected a p95 within the buckets (at most ${e.buckets[e.buckets.length - 1]}s)`));
      }
      if (e.for_each === 'synthetic_check') {
        if (!c.synthetics) issues.push(src.issue([...at, 'for_each'], 'for_each: synthetic_check needs synthetics/uptime_checks.yml'));
        for (const l of ['job', 'instance', 'probe']) if (!spec.labels.includes(l)) issues.push(src.issue([...at, 'for_each'], `for_each: synthetic_check sets the label '${l}', which '${metric}' does not have in the metric contract`));
      }
      if (e.every !== undefined && (seconds(e.every) < scrape || seconds(e.every) % scrape !== 0)) {
        issues.push(src.issue([...at, 'every'], `expected a multiple of the scrape interval ${bg.scrape_interval}, got ${e.every}`));
      }
    });
  }
  for (const metric of Object.keys(contract)) {
    if (!(metric in bg.metrics)) {
      issues.push(src.issue(['metrics'], `metric '${metric}' of the contract has no background: list its healthy series (or [] when a healthy system exposes none)`));
    }
  }
  const env = c.catalog.environments[0]?.name;
  if (!env) return;
  const present = new Set(backgroundSeries(c, env).flatMap((b) => contract[b.metric]?.source ?? []));
  for (const source of Object.keys(c.metrics.sources)) {
    if (!present.has(source)) {
      issues.push(src.issue(['metrics'], `source '${source}' (metrics.yml) has no series in the background: its liveness rule would fire in every scenario`));
    }
  }
}
