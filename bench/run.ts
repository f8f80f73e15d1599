/**
 * `npm run bench` (not a test): measures what every PR waits for.
 *
 * - synth: `npm run synth`'s command (`node scripts/run.cjs main`) for all stacks of both environments, in a fresh
 *   process each run (wall time includes Node start-up; the compiled build is cached, as for users between edits),
 *   median of the runs and the highest peak RSS;
 * - validate: the catalog load alone;
 * - scale: synth of generated catalogs of 10, 50 and 200 services, each service with the full alert set
 *   (bench/generate-catalog.ts): time, memory, resources and rules per service, and how time grows;
 * - end to end: the delivery latencies of the pipeline test (real prometheus and alertmanager), unless
 *   BENCH_SKIP_E2E=1;
 * - simulate: `npm run simulate` over the whole scenario library (every scenario, every environment it runs in, one
 *   promtool process per run, as many at a time as there are cores), BENCH_SIMULATE_RUNS runs (default 1), against
 *   the goal of 60 s on this 2-core machine (peak RSS: the Node process, not its promtool children);
 * - the PR loop: wall time of `npm test` (type-check and the whole jest suite, as CI runs it), BENCH_TEST_RUNS
 *   runs (default 1; 0 skips it), against the goal of 45 s on this 2-core machine.
 * Every temp directory it makes is removed at the end.
 *
 * Prints Markdown, writes bench/results.md and bench/results.json, and puts the table in the README (between
 * `<!-- bench:begin -->` and `<!-- bench:end -->`). BENCH_RUNS sets the runs per row (default 5; scale rows use
 * at most 3). BENCH_ONLY=simulate measures the simulation alone (BENCH_ONLY=synth the synth, validate and scale rows) and merges it into the last results (the other rows
 * as they were measured).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { benchTemp, measure, median, Measurement, removeBenchTemps } from './measure';
import { synthesized } from '../stacks/summary';
import { generateCatalog } from './generate-catalog';
import { loadCatalog } from '../lib/catalog/load';
import { resolveCatalog } from '../lib/plan/resolve';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TEST_RUNS = Number(process.env.BENCH_TEST_RUNS ?? 1);
/** The PR loop's goal on this machine (2 cores): `npm test` within 45 s. */
const TEST_GOAL_MS = 45000;
const SIMULATE_RUNS = Number(process.env.BENCH_SIMULATE_RUNS ?? 1);
/** The simulation's goal on this machine (2 cores): the whole scenario library within 60 s. */
const SIMULATE_GOAL_MS = 60000;
const SCALE = [10, 50, 200];
/** Synth goals on this machine: the whole app ≤ 1 s and ≤ 200 MiB peak RSS; 200 generated services ≤ 4 s. */
const SYNTH_GOAL_MS = 1000;
const SYNTH_RSS_GOAL_MIB = 200;
const SCALE_GOAL_MS = 4000;

interface Row {
  name: string;
  runs: number;
  medianMs: number;
  peakRssMiB: number;
  stacks?: number;
  resources?: number;
  rules?: number;
  services?: number;
}

function series(name: string, runs: number, fn: () => Measurement): Row {
  const ms: Measurement[] = [];
  for (let i = 0; i < runs; i++) ms.push(fn());
  return { name, runs, medianMs: median(ms.map((m) => m.wallMs)), peakRssMiB: Math.max(...ms.map((m) => m.peakRssMiB)) };
}

/** Synth of the catalog in `catalogDir` (default: the committed one), with sizes. */
function synthRow(name: string, runs: number, catalogDir?: string): Row {
  const out = benchTemp('bench-synth-');
  const env: Record<string, string> = { CDKTF_OUTDIR: out };
  if (catalogDir) env.DELTACROWN_CATALOG = catalogDir;
  const row = series(name, runs, () => {
    fs.rmSync(out, { recursive: true, force: true });
    return measure('main', [], env);
  });
  const c = loadCatalog(catalogDir ?? path.join(__dirname, '..', 'alerts'));
  const rules = resolveCatalog(c).environments.reduce((n, e) => n + e.rules.groups.reduce((m, g) => m + g.recordings.length + g.alerts.length, 0), 0);
  const { stacks, resources } = synthesized(out);
  return { ...row, stacks: stacks.length, resources, rules, services: c.catalog.services.length };
}

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function e2eLatencies(): Record<string, number> | undefined {
  if (process.env.BENCH_SKIP_E2E === '1') return undefined;
  const file = path.join(benchTemp('bench-e2e-'), 'latencies.json');
  const r = spawnSync(path.join(__dirname, '..', 'node_modules', '.bin', 'jest'), ['pipeline-e2e'], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, E2E_LATENCY_FILE: file },
    encoding: 'utf8',
  });
  if (r.status !== 0 || !fs.existsSync(file)) {
    process.stderr.write(`end-to-end run failed (exit ${r.status}); latencies left out\n${r.stderr.slice(-2000)}\n`);
    return undefined;
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

interface SimulateRow extends Row {
  /** Scenario runs (scenario × environment) and promtool processes of one simulation. */
  scenarioRuns: number;
  processes: number;
  failed: number;
  goalMs: number;
  /** When it was measured (BENCH_ONLY=simulate measures it apart from the other rows). */
  date?: string;
}

/** `npm run simulate` over the whole library, in a fresh process each run. */
function simulateRow(): SimulateRow {
  let last: { outcomes: unknown[]; processes: number } | undefined;
  const row = series('simulate: the whole scenario library', SIMULATE_RUNS, () => {
    // Exit 1 (a failed expectation) still measures; the row says how many failed.
    const m = measure('bin/simulate', ['--json'], {}, [0, 1]);
    last = JSON.parse(m.stdout);
    return m;
  });
  const outcomes = (last?.outcomes ?? []) as { ok: boolean }[];
  return { ...row, scenarioRuns: outcomes.length, processes: last?.processes ?? 0, failed: outcomes.filter((o) => !o.ok).length, goalMs: SIMULATE_GOAL_MS };
}

/** Wall time of `npm test` (ms), median of `TEST_RUNS` runs; undefined when skipped. Throws when the suite fails. */
function testLoop(): { runs: number; medianMs: number } | undefined {
  if (TEST_RUNS <= 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < TEST_RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync('npm', ['test', '--silent'], { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`npm test failed (exit ${r.status}); no PR-loop time\n${r.stderr.slice(-3000)}`);
  }
  return { runs: TEST_RUNS, medianMs: median(times) };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Replaces the README's benchmark section (between the bench markers) with the latest results. */
function updateReadme(md: string): void {
  const file = path.join(__dirname, '..', 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  if (i === -1 || j < i) return;
  fs.writeFileSync(file, `${readme.slice(0, i + begin.length)}\n${md}${readme.slice(j)}`);
}

interface Results {
  machine: string;
  date: string;
  testLoop?: { runs: number; medianMs: number };
  base: Row[];
  scale: Row[];
  timeGrowth: number;
  serviceGrowth: number;
  latencies?: Record<string, number>;
  simulate?: SimulateRow;
}

/** The Markdown of a set of results (bench/results.md and the README's benchmark section). */
function render(r: Results): string {
  const first = r.scale[0];
  const last = r.scale[r.scale.length - 1];
  const sim = r.simulate;
  const lines = [
    `Measured ${r.date.slice(0, 10)} on ${r.machine}.`,
    '',
    `Synth goals: all stacks ≤ ${s(SYNTH_GOAL_MS)} (${s(r.base[0].medianMs)}: ${r.base[0].medianMs <= SYNTH_GOAL_MS ? 'met' : 'MISSED'}), peak RSS ≤ ${SYNTH_RSS_GOAL_MIB} MiB (${r.base[0].peakRssMiB.toFixed(0)} MiB: ${r.base[0].peakRssMiB <= SYNTH_RSS_GOAL_MIB ? 'met' : 'MISSED'}), ${last.services} services ≤ ${s(SCALE_GOAL_MS)} (${s(last.medianMs)}: ${last.medianMs <= SCALE_GOAL_MS ? 'met' : 'MISSED'}).`,
    '',
    ...(r.testLoop ? [`PR loop: \`npm test\` (type-check and every test) takes ${s(r.testLoop.medianMs)} (median of ${r.testLoop.runs}); goal ≤ ${s(TEST_GOAL_MS)}: ${r.testLoop.medianMs <= TEST_GOAL_MS ? 'met' : 'MISSED'}.`, ''] : []),
    ...(sim
      ? [
          `Simulation: \`npm run simulate\` runs the whole scenario library (${sim.scenarioRuns} scenario runs, ${sim.processes} promtool processes${sim.failed ? `, ${sim.failed} FAILED` : ''}) in ${s(sim.medianMs)} (median of ${sim.runs}${sim.date ? `, measured ${sim.date.slice(0, 10)}` : ''}); goal ≤ ${s(sim.goalMs)}: ${sim.medianMs <= sim.goalMs ? 'met' : 'MISSED'}.`,
          '',
        ]
      : []),
    '| what | runs | median wall time | peak RSS | stacks | resources | rules |',
    '|---|---|---|---|---|---|---|',
    ...[...r.base, ...(sim ? [sim] : [])].map((x) => `| ${x.name} | ${x.runs} | ${s(x.medianMs)} | ${x.peakRssMiB.toFixed(0)} MiB | ${x.stacks ?? ''} | ${x.resources ?? ''} | ${x.rules ?? ''} |`),
    '',
    'Scale (generated catalogs, every service with the full alert set; both environments):',
    '',
    '| services | runs | median wall time | peak RSS | resources | rules | ms per service | resources per service | rules per service |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.scale.map(
      (x) =>
        `| ${x.services} | ${x.runs} | ${s(x.medianMs)} | ${x.peakRssMiB.toFixed(0)} MiB | ${x.resources} | ${x.rules} | ${(x.medianMs / x.services!).toFixed(0)} | ${(x.resources! / x.services!).toFixed(1)} | ${(x.rules! / x.services!).toFixed(1)} |`,
    ),
    '',
    `From ${first.services} to ${last.services} services (×${r.serviceGrowth.toFixed(0)}) synth time grows ×${r.timeGrowth.toFixed(1)}: ${r.timeGrowth <= r.serviceGrowth ? 'no faster than linear' : 'FASTER THAN LINEAR'}.`,
  ];
  if (r.latencies) {
    lines.push('', 'End-to-end delivery (real prometheus + alertmanager, timings shortened: evaluation 1 s, `for` 2 s, group_wait 1 s):', '', '| path | latency |', '|---|---|');
    for (const [k, v] of Object.entries(r.latencies)) lines.push(`| ${k} | ${s(v)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function write(r: Results): void {
  const md = render(r);
  fs.writeFileSync(path.join(__dirname, 'results.md'), md);
  updateReadme(md);
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(r, null, 2)}\n`);
  process.stdout.write(md);
}

function main(): void {
  const date = new Date().toISOString();
  if (process.env.BENCH_ONLY === 'simulate') {
    const previous = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8')) as Results;
    write({ ...previous, simulate: { ...simulateRow(), date } });
    return;
  }
  const base = [synthRow('synth: all stacks, both environments', RUNS), { ...series('validate: load and check the catalog', RUNS, () => measure('bin/validate')) }];
  const scale = SCALE.map((n) => synthRow(`synth: ${n} services`, Math.min(RUNS, 3), generateCatalog(n)));
  if (process.env.BENCH_ONLY === 'synth') {
    // Synth, validate and scale measured again; the other rows kept from the last full run.
    const previous = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8')) as Results;
    write({ ...previous, machine: machine(), date, base, scale, timeGrowth: scale[scale.length - 1].medianMs / scale[0].medianMs, serviceGrowth: scale[scale.length - 1].services! / scale[0].services! });
    return;
  }
  if (process.env.BENCH_ONLY) throw new Error(`BENCH_ONLY=${process.env.BENCH_ONLY}: only 'simulate' or 'synth' can run alone`);
  const simulate = { ...simulateRow(), date };
  const latencies = e2eLatencies();
  const loop = testLoop();
  const first = scale[0];
  const last = scale[scale.length - 1];
  write({
    machine: machine(),
    date,
    testLoop: loop,
    base,
    scale,
    timeGrowth: last.medianMs / first.medianMs,
    serviceGrowth: last.services! / first.services!,
    latencies,
    simulate,
  });
}

try {
  main();
} finally {
  removeBenchTemps();
}
