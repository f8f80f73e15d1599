/**
 * `npm run simulate`: every scenario of the library through each environment's exported rules (`renderExport`)
 * with the real promtool — one process per scenario and environment, as many at a time as there are cores, the
 * longest first — then its firing alerts through the exported Alertmanager configuration (lib/simulate/outcome.ts).
 *
 * The scenario library and its background may come from another catalog than the rules (`library`): the review
 * runs the head's scenarios through the base's rules and routing, so that only the change under review differs.
 * promtool's verdict depends only on the rule file and the input series: runs are cached by their content
 * (`cache`), and a review whose rules did not change runs each scenario once.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Catalog } from '../catalog/model';
import type { Scenario } from '../catalog/schema-scenarios';
import { scenarioEnvironments } from '../catalog/crosscheck-scenarios';
import { ALWAYS_FIRING } from '../catalog/names';
import { longestWindow } from '../catalog/detection';
import { renderExport } from '../export';
import { seconds } from '../duration';
import { readAlertmanager } from '../alertmanager-model';
import { EnvironmentRules, parseRuleFile } from '../backtest/rules';
import { describeReceivers } from './notify';
import { EnvironmentModel, evaluate, Outcome, RuleInfo } from './outcome';
import { FiringByTime, parseFiring, PromtoolError, runPromtool, testFile } from './promtool';
import { scenarioSeries, timeline } from './series';

export interface SimulateOptions {
  /** Only these environments (default: every environment each scenario runs in). */
  environments?: string[];
  /** Only these scenarios, by name (default: all). */
  scenarios?: string[];
  /** The catalog holding the scenario library and background (default: the catalog simulated). */
  library?: Catalog;
  /** promtool processes at a time (default: the number of cores). */
  concurrency?: number;
  /** Results of earlier runs by content, shared between runs (the review's base and head). */
  cache?: Map<string, Promise<FiringByTime>>;
  /** The promtool binary (default: `promtool` on the PATH). */
  promtool?: string;
  /** Write the rule files and promtool test files here and keep them (default: a temp directory, removed). */
  keepDir?: string;
}

export interface Simulation {
  outcomes: Outcome[];
  /** Wall time, ms. */
  wallMs: number;
  /** promtool processes run (the rest came from the cache). */
  processes: number;
  ok: boolean;
}

/** Every scenario of a library, with the file it is written in. */
export function libraryScenarios(c: Catalog): { scenario: Scenario; file: string }[] {
  return c.scenarioFiles.flatMap(({ source, data }) => data.scenarios.map((scenario) => ({ scenario, file: source.name })));
}

/** The exported rules of an environment (read as the backtest reads them) as the simulation needs them: every alerting rule's reach, and the heartbeat. */
function ruleInfo(rules: EnvironmentRules): Map<string, RuleInfo> {
  const records = new Map(rules.records.map((r) => [r.record, r.expr] as const));
  const out = new Map<string, RuleInfo>();
  for (const r of rules.alerts) {
    const window = longestWindow(r.expr, records);
    const reach = window + r.forS;
    const prev = out.get(r.alert);
    out.set(r.alert, { name: r.alert, window: Math.max(window, prev?.window ?? 0), reach: Math.max(reach, prev?.reach ?? 0), alwaysFiring: r.expr.trim() === ALWAYS_FIRING });
  }
  return out;
}

/** Runs `jobs` with at most `limit` at a time, in order. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

export async function simulate(c: Catalog, opts: SimulateOptions = {}): Promise<Simulation> {
  // Elapsed times on the monotonic clock: a duration, never an instant (nothing here depends on the date).
  const start = performance.now();
  const library = opts.library ?? c;
  const all = libraryScenarios(library);
  const known = new Set(all.map((x) => x.scenario.name));
  for (const n of opts.scenarios ?? []) if (!known.has(n)) throw new Error(`unknown scenario '${n}'; expected one of ${[...known].join(', ')}`);
  const envNames = new Set(c.catalog.environments.map((e) => e.name));
  for (const e of opts.environments ?? []) if (!envNames.has(e)) throw new Error(`unknown environment '${e}'; expected one of ${[...envNames].join(', ')}`);
  if (!library.background) throw new Error(`the catalog ${library.dir} has no scenarios/background.yml: nothing to simulate`);

  const runs = all
    .filter((x) => !opts.scenarios || opts.scenarios.includes(x.scenario.name))
    .flatMap((x) => scenarioEnvironments(library, x.scenario).filter((e) => envNames.has(e) && (!opts.environments || opts.environments.includes(e))).map((env) => ({ ...x, env })));
  const envs = [...new Set(runs.map((r) => r.env))];
  const files = envs.length ? renderExport(c, { environments: envs }) : new Map<string, string>();
  const dir = opts.keepDir ? path.resolve(opts.keepDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'deltacrown-simulate-'));
  if (opts.keepDir) fs.mkdirSync(dir, { recursive: true });
  try {
    const models = new Map<string, EnvironmentModel & { ruleFile: string; rulesYaml: string }>();
    for (const env of envs) {
      const rulesYaml = files.get(`${env}/prometheus/rules.yml`)!;
      const amYaml = files.get(`${env}/alertmanager/alertmanager.yml`);
      if (!amYaml) throw new Error(`the catalog has no on-call model (oncall.yml): no Alertmanager configuration to route through`);
      const ruleFile = path.join(dir, `${env}.rules.yml`);
      fs.writeFileSync(ruleFile, rulesYaml);
      const am = readAlertmanager(amYaml);
      const evaluation = seconds(c.catalog.environments.find((e) => e.name === env)!.evaluation_interval);
      models.set(env, { environment: env, evaluation, rules: ruleInfo(parseRuleFile(rulesYaml, env)), am, notified: describeReceivers(c, env, am), ruleFile, rulesYaml });
    }
    const cache = opts.cache ?? new Map<string, Promise<FiringByTime>>();
    let processes = 0;
    const prepared = runs.map((r) => {
      const m = models.get(r.env)!;
      const t = timeline(library, r.scenario);
      const step = r.scenario.evaluation_interval ? seconds(r.scenario.evaluation_interval) : m.evaluation;
      const ignore = [...m.rules.values()].filter((x) => x.alwaysFiring).map((x) => x.name);
      const text = testFile({ ruleFile: path.basename(m.ruleFile), step, scrape: t.scrape, end: t.end, series: scenarioSeries(library, r.env, r.scenario), ignore });
      const id = crypto.createHash('sha256').update(m.rulesYaml).update('\0').update(text).digest('hex');
      return { ...r, m, t, step, text, id, cost: (t.end / step) * (1 + text.length / 1e6), ms: undefined as number | undefined };
    });
    // The longest first: the many short ones fill the cores around them.
    const order = [...prepared.keys()].sort((a, b) => prepared[b].cost - prepared[a].cost);
    const jobs = order.map((i) => async () => {
      const p = prepared[i];
      let pending = cache.get(p.id);
      if (!pending) {
        processes++;
        const file = path.join(dir, opts.keepDir ? `${p.scenario.name}.${p.env}.test.yml` : `${p.id.slice(0, 16)}.test.yml`);
        fs.writeFileSync(file, p.text);
        const began = performance.now();
        pending = runPromtool(path.basename(file), dir, opts.promtool).then(({ output }) => {
          p.ms = Math.round(performance.now() - began);
          return parseFiring(output);
        });
        cache.set(p.id, pending);
      }
      let outcome: Outcome;
      try {
        outcome = evaluate(c, p.scenario, p.m, { onset: p.t.onset, end: p.t.end, step: p.step, firing: await pending });
      } catch (e) {
        if (!(e instanceof PromtoolError)) throw e;
        outcome = failed(p.scenario, p.env, p.step, p.m.evaluation, e.message);
      }
      return { i, outcome: { ...outcome, promtoolMs: p.ms } };
    });
    const done = await pool(jobs, opts.concurrency ?? os.cpus().length);
    const outcomes = done.sort((a, b) => a.i - b.i).map((d) => d.outcome);
    return { outcomes, wallMs: Math.round(performance.now() - start), processes, ok: outcomes.every((o) => o.ok) };
  } finally {
    if (!opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function failed(s: Scenario, env: string, step: number, evaluation: number, error: string): Outcome {
  return {
    scenario: s.name,
    kind: s.kind,
    environment: env,
    step,
    coarse: step !== evaluation,
    notifications: [],
    historyNoise: [],
    unjudged: [],
    expectations: [{ text: 'promtool evaluates the rules', ok: false, detail: error }],
    ok: false,
    error,
  };
}
