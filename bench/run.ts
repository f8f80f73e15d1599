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
 * - the PR loop: wall time of `npm test` (type-check and the whole jest suite, as CI runs it), BENCH_TEST_RUNS
 *   runs (default 1; 0 skips it), against the goal of 45 s on this 2-core machine.
 * Every temp directory it makes is removed at the end.
 *
 * Prints Markdown, writes bench/results.md and bench/results.json, and puts the table in the README (between
 * `<!-- bench:begin -->` and `<!-- bench:end -->`). BENCH_RUNS sets the runs per row (default 5; scale rows use
 * at most 3).
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

function main(): void {
  const base = [synthRow('synth: all stacks, both environments', RUNS), { ...series('validate: load and check the catalog', RUNS, () => measure('bin/validate')) }];
  const scale = SCALE.map((n) => synthRow(`synth: ${n} services`, Math.min(RUNS, 3), generateCatalog(n)));
  const latencies = e2eLatencies();
  const loop = testLoop();

  const first = scale[0];
  const last = scale[scale.length - 1];
  const timeGrowth = last.medianMs / first.medianMs;
  const serviceGrowth = last.services! / first.services!;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`,
    '',
    `Synth goals: all stacks ≤ ${s(SYNTH_GOAL_MS)} (${s(base[0].medianMs)}: ${base[0].medianMs <= SYNTH_GOAL_MS ? 'met' : 'MISSED'}), peak RSS ≤ ${SYNTH_RSS_GOAL_MIB} MiB (${base[0].peakRssMiB.toFixed(0)} MiB: ${base[0].peakRssMiB <= SYNTH_RSS_GOAL_MIB ? 'met' : 'MISSED'}), ${last.services} services ≤ ${s(SCALE_GOAL_MS)} (${s(last.medianMs)}: ${last.medianMs <= SCALE_GOAL_MS ? 'met' : 'MISSED'}).`,
    '',
    ...(loop ? [`PR loop: \`npm test\` (type-check and every test) takes ${s(loop.medianMs)} (median of ${loop.runs}); goal ≤ ${s(TEST_GOAL_MS)}: ${loop.medianMs <= TEST_GOAL_MS ? 'met' : 'MISSED'}.`, ''] : []),
    '| what | runs | median wall time | peak RSS | stacks | resources | rules |',
    '|---|---|---|---|---|---|---|',
    ...base.map((r) => `| ${r.name} | ${r.runs} | ${s(r.medianMs)} | ${r.peakRssMiB.toFixed(0)} MiB | ${r.stacks ?? ''} | ${r.resources ?? ''} | ${r.rules ?? ''} |`),
    '',
    'Scale (generated catalogs, every service with the full alert set; both environments):',
    '',
    '| services | runs | median wall time | peak RSS | resources | rules | ms per service | resources per service | rules per service |',
    '|---|---|---|---|---|---|---|---|---|',
    ...scale.map(
      (r) =>
        `| ${r.services} | ${r.runs} | ${s(r.medianMs)} | ${r.peakRssMiB.toFixed(0)} MiB | ${r.resources} | ${r.rules} | ${(r.medianMs / r.services!).toFixed(0)} | ${(r.resources! / r.services!).toFixed(1)} | ${(r.rules! / r.services!).toFixed(1)} |`,
    ),
    '',
    `From ${first.services} to ${last.services} services (×${serviceGrowth.toFixed(0)}) synth time grows ×${timeGrowth.toFixed(1)}: ${timeGrowth <= serviceGrowth ? 'no faster than linear' : 'FASTER THAN LINEAR'}.`,
  ];
  if (latencies) {
    lines.push('', 'End-to-end delivery (real prometheus + alertmanager, timings shortened: evaluation 1 s, `for` 2 s, group_wait 1 s):', '', '| path | latency |', '|---|---|');
    for (const [k, v] of Object.entries(latencies)) lines.push(`| ${k} | ${s(v)} |`);
  }
  const md = `${lines.join('\n')}\n`;
  fs.writeFileSync(path.join(__dirname, 'results.md'), md);
  updateReadme(md);
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify({ machine: machine(), date: new Date().toISOString(), testLoop: loop, base, scale, timeGrowth, serviceGrowth, latencies }, null, 2)}\n`);
  process.stdout.write(md);
}

try {
  main();
} finally {
  removeBenchTemps();
}
