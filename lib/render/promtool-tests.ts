/**
 * Turns the examples written next to every alert into a promtool unit-test file (`promtool test rules`).
 *
 * - a `fires` example asserts, through `ALERTS{alertstate="firing"}`, that exactly the expected alert is firing
 *   at `at`, with every label the rule sets plus the labels the example names;
 * - a `quiet` example asserts that the alert is not firing at `at` (`exp_alerts: []`).
 * An alert whose threshold an environment overrides is tested with the examples only where the threshold is the
 * catalog's own (the examples are written against that threshold); an example naming `environments` only there.
 */
import type { Example, ResolvedAlert, RulesPlan as ResolvedEnvironment } from '../plan/types';

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTestGroup[];
}

export interface PromtoolTestGroup {
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test?: { eval_time: string; alertname: string; exp_alerts: unknown[] }[];
  promql_expr_test?: { expr: string; eval_time: string; exp_samples: { labels: string; value: number }[] }[];
}

/**
 * One promtool test group per example, in catalog order, in one test file per sample spacing: promtool steps
 * through time at the file's `evaluation_interval`, and a week of 5-minute samples evaluated every minute
 * costs five times what it needs to. Keyed by that interval (`1m`, `5m`, …).
 */
export function renderPromtoolTests(r: ResolvedEnvironment, ruleFile: string, skip: (a: ResolvedAlert) => boolean = () => false): Map<string, PromtoolTestFile> {
  const files = new Map<string, PromtoolTestFile>();
  const add = (ex: Example, t: PromtoolTestGroup) => {
    if (!files.has(ex.interval)) files.set(ex.interval, { rule_files: [ruleFile], evaluation_interval: ex.interval, tests: [] });
    files.get(ex.interval)!.tests.push(t);
  };
  for (const a of r.groups.flatMap((g) => g.alerts)) {
    if (skip(a)) continue;
    const here = (ex: Example) => !ex.environments || ex.environments.includes(r.name);
    for (const ex of a.examples.fires.filter(here)) add(ex, firesTest(a, ex));
    for (const ex of a.examples.quiet.filter(here)) add(ex, quietTest(a, ex));
  }
  return files;
}

function base(ex: Example): PromtoolTestGroup {
  return { interval: ex.interval, input_series: ex.series.map((s) => ({ series: s.series, values: s.values })) };
}

function firesTest(a: ResolvedAlert, ex: Example): PromtoolTestGroup {
  const labels = { alertname: a.name, alertstate: 'firing', ...a.labels, ...(ex.labels ?? {}) };
  return {
    ...base(ex),
    promql_expr_test: [
      {
        expr: `ALERTS{alertname="${a.name}", alertstate="firing"}`,
        eval_time: ex.at,
        exp_samples: [{ labels: `ALERTS${labelString(labels)}`, value: 1 }],
      },
    ],
  };
}

function quietTest(a: ResolvedAlert, ex: Example): PromtoolTestGroup {
  return { ...base(ex), alert_rule_test: [{ eval_time: ex.at, alertname: a.name, exp_alerts: [] }] };
}

/** `{a="1", b="2"}` with keys sorted and values escaped. */
export function labelString(labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}
