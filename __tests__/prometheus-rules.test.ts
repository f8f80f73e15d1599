/**
 * The rendered Prometheus rules of the live catalog, checked and unit-tested by the real promtool (Prometheus
 * 2.42): `promtool check rules` on every environment's rules.yml, and `promtool test rules` on the tests generated
 * from every alert's examples. Only properties that hold for any valid catalog are asserted on the live catalog;
 * what needs particular values or a change uses the fixture catalog.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { parse, stringify } from 'yaml';
import { seconds } from '../lib/duration';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { renderRuleGroups, PromAlertingRule } from '../lib/render/prometheus-rules';
import { ALWAYS_FIRING } from '../lib/catalog/names';
import { LIVE_ALERTS, copyCatalog, edit, requireBinary, tempDir } from './helpers';

const catalog = loadCatalog(LIVE_ALERTS);
const environments = catalog.catalog.environments.map((e) => e.name);
const files = renderExport(catalog);
const out = tempDir('deltacrown-export-');
writeFiles(files, out);
const testFiles = [...files.keys()].filter((f) => f.includes('/prometheus/tests/'));

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * promtool steps every test group from 0 to its eval_time through every rule of the file, one group after the
 * other: a week of 5-minute samples through all rule groups costs seconds of CPU, a 15-minute example almost
 * nothing. For the suite's time the exported test files are cut into parts, each with the examples of one rule
 * group and about `STEPS_PER_PART` evaluation steps (a long example alone), run side by side, as many as there are
 * cores. A part loads the rule group of its alerts and the groups that record the series those read (the
 * closure), in the exported order: rules of other groups cannot change its alerts, so the verdict is the same as
 * for the whole file. Each exported file passes when all its parts pass.
 */
const STEPS_PER_PART = 400;

interface RuleGroupDoc {
  name: string;
  rules: { alert?: string; record?: string; expr: string }[];
}

/** The rule groups `names` need: themselves and, transitively, the groups recording a series their rules read. */
function groupsNeeded(all: RuleGroupDoc[], names: Set<string>): RuleGroupDoc[] {
  const recordedIn = new Map(all.flatMap((g) => g.rules.filter((r) => r.record).map((r) => [r.record!, g.name] as const)));
  const need = new Set(names);
  for (let grew = true; grew; ) {
    grew = false;
    for (const g of all.filter((x) => need.has(x.name))) {
      for (const r of g.rules) {
        for (const [series, owner] of recordedIn) {
          if (!need.has(owner) && new RegExp(`(^|[^a-zA-Z0-9_:])${series.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-zA-Z0-9_:])`).test(r.expr)) {
            need.add(owner);
            grew = true;
          }
        }
      }
    }
  }
  return all.filter((g) => need.has(g.name));
}

function parts(file: string): string[] {
  const doc = parse(files.get(file)!);
  const rules: RuleGroupDoc[] = parse(files.get(path.join(path.dirname(file), doc.rule_files[0]).split(path.sep).join('/'))!).groups;
  const groupOf = new Map(rules.flatMap((g) => g.rules.filter((r) => r.alert).map((r) => [r.alert!, g.name] as const)));
  const step = seconds(doc.evaluation_interval);
  const chunks: { group: string; tests: unknown[]; steps: number }[] = [];
  for (const t of doc.tests) {
    const checks: { eval_time: string; alertname?: string; expr?: string }[] = [...(t.alert_rule_test ?? []), ...(t.promql_expr_test ?? [])];
    const alert = checks.map((x) => x.alertname ?? /alertname="([^"]+)"/.exec(x.expr ?? '')?.[1])[0];
    const group = groupOf.get(alert ?? '');
    if (!group) throw new Error(`${file}: no rule group for the test of ${alert}`);
    const steps = Math.ceil(Math.max(...checks.map((x) => seconds(x.eval_time))) / step);
    const last = chunks.find((c) => c.group === group && c.steps + steps <= STEPS_PER_PART);
    if (last) {
      last.tests.push(t);
      last.steps += steps;
    } else chunks.push({ group, tests: [t], steps });
  }
  return chunks.map((c, i) => {
    const base = path.join(path.dirname(file), `${path.basename(file, '.test.yml')}.part${i}`);
    fs.writeFileSync(path.join(out, `${base}.rules.yml`), stringify({ groups: groupsNeeded(rules, new Set([c.group])) }));
    fs.writeFileSync(path.join(out, `${base}.test.yml`), stringify({ ...doc, rule_files: [path.basename(`${base}.rules.yml`)], tests: c.tests }));
    return `${base}.test.yml`;
  });
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

/** Every exported test file's promtool runs (of its parts), started once for the whole file. */
let promtoolRuns: Map<string, Promise<{ part: string; code: number; output: string }[]>>;

beforeAll(() => {
  requireBinary('promtool', 'prometheus');
  const byFile = testFiles.map((f) => ({ f, parts: parts(f) }));
  const jobs = byFile.flatMap(({ parts: ps }) => ps.map((part) => () => run('promtool', ['test', 'rules', path.basename(part)], path.join(out, path.dirname(part))).then((r) => ({ part, ...r }))));
  const all = pool(jobs, os.cpus().length);
  let offset = 0;
  promtoolRuns = new Map(byFile.map(({ f, parts: ps }) => {
    const from = offset;
    offset += ps.length;
    return [f, all.then((rs) => rs.slice(from, from + ps.length))];
  }));
});

describe.each(environments)('%s rules.yml', (env) => {
  it('is accepted by promtool check rules', async () => {
    const r = await run('promtool', ['check', 'rules', 'rules.yml'], path.join(out, env, 'prometheus'));
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('labels every alert with severity, service, environment and links the runbook', () => {
    const groups = renderRuleGroups(resolveEnvironment(catalog, env)).groups;
    const alerts = groups.flatMap((g) => g.rules).filter((r): r is PromAlertingRule => 'alert' in r);
    expect(alerts.length).toBeGreaterThan(15);
    for (const a of alerts) {
      expect(Object.keys(a.labels)).toEqual(expect.arrayContaining(['severity', 'environment', 'family']));
      expect(a.labels.environment).toBe(env);
      const serviceFromSeries = resolveEnvironment(catalog, env).groups.flatMap((g) => g.alerts).find((x) => x.name === a.alert)!.serviceFromSeries;
      if (!serviceFromSeries) expect(catalog.catalog.services.map((s) => s.name)).toContain(a.labels.service);
      expect(a.annotations.summary).toBeTruthy();
      expect(a.annotations.description).toBeTruthy();
      expect(a.annotations.runbook_url).toMatch(/^https:\/\/.*docs\/runbook\.md#[a-z0-9-]+$/);
      expect(`${a.annotations.summary} ${a.annotations.description}`).not.toContain('$threshold');
    }
  });

  it('has a generated firing and quiet example for every alert', () => {
    const covered = { fires: new Set<string>(), quiet: new Set<string>() };
    for (const f of testFiles.filter((t) => t.startsWith(`${env}/`))) {
      const doc = parse(files.get(f)!);
      for (const t of doc.tests) {
        for (const e of t.promql_expr_test ?? []) covered.fires.add(/alertname="([^"]+)"/.exec(e.expr)![1]);
        for (const e of t.alert_rule_test ?? []) covered.quiet.add(e.alertname);
      }
    }
    for (const a of allAlerts(resolveEnvironment(catalog, env))) {
      expect({ alert: a.name, fires: covered.fires.has(a.name) }).toEqual({ alert: a.name, fires: true });
      if (a.expr !== ALWAYS_FIRING) expect({ alert: a.name, quiet: covered.quiet.has(a.name) }).toEqual({ alert: a.name, quiet: true });
    }
  });
});

describe('promtool test rules', () => {
  // The parts of every file run in one pool started before the first test: a file's test waits for the pool's
  // earlier parts too, so its deadline covers the whole promtool work (tens of seconds on 2 busy cores).
  it.each(testFiles)('%s passes', async (f) => {
    for (const r of await promtoolRuns.get(f)!) {
      expect({ file: f, part: r.part, code: r.code, output: r.code === 0 ? '' : r.output }).toEqual({ file: f, part: r.part, code: 0, output: '' });
    }
  }, 300000);

  it('fails when an example no longer matches its threshold (the tests are real)', () => {
    const dir = copyCatalog();
    // Move the critical 5xx threshold above its firing example (5.1 %) without moving the example.
    edit(dir, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.052');
    const moved = renderExport(loadCatalog(dir), { environments: ['production'] });
    const target = tempDir('deltacrown-export-');
    writeFiles(moved, target);
    // Only that alert's examples (the others pass either way and cost time).
    const tests = path.join(target, 'production/prometheus/tests');
    const doc = parse(fs.readFileSync(path.join(tests, 'every-1m.test.yml'), 'utf8'));
    doc.tests = doc.tests.filter((t: object) => JSON.stringify(t).includes('DeltaCrownHttp5xxRatioCritical'));
    fs.writeFileSync(path.join(tests, 'critical.test.yml'), stringify(doc));
    const r = spawnSync('promtool', ['test', 'rules', 'critical.test.yml'], { cwd: tests, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/DeltaCrownHttp5xxRatioCritical/);
  });
});

describe('export', () => {
  it('writes rules.yml and the promtool tests of both environments', () => {
    for (const env of environments) {
      expect(fs.existsSync(path.join(out, env, 'prometheus', 'rules.yml'))).toBe(true);
      expect(testFiles.some((f) => f.startsWith(`${env}/prometheus/tests/`))).toBe(true);
    }
  });

  it('leaves out the examples of an alert whose threshold an environment overrides, there only', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/redis.yml', '        threshold: 1000\n', '        threshold: 1000\n        overrides: { staging: { threshold: 5000 } }\n');
    const exported = renderExport(loadCatalog(dir));
    const mentions = (env: string) => [...exported].filter(([f, text]) => f.startsWith(`${env}/prometheus/tests/`) && text.includes('DeltaCrownRedisEvictionsHigh')).length;
    expect(mentions('production')).toBeGreaterThan(0);
    expect(mentions('staging')).toBe(0);
  });

  it('can shorten every group evaluation interval (for end-to-end runs)', () => {
    const short = renderExport(catalog, { evaluationInterval: '1s', environments: ['production'] });
    const doc = parse(short.get('production/prometheus/rules.yml')!);
    expect(new Set(doc.groups.map((g: { interval: string }) => g.interval))).toEqual(new Set(['1s']));
  });
});
