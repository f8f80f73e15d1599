/**
 * `npm run bench` (not a test): measures what every PR waits for.
 *
 * - synth: `main.ts` for all stacks of both environments, in a fresh process each run (wall time includes
 *   Node start-up and TypeScript loading through tsx), median of the runs and the highest peak RSS;
 * - validate: the catalog load alone.
 *
 * Prints a Markdown table and writes bench/results.md and bench/results.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { countResources, measure, median, Measurement } from './measure';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Row {
  name: string;
  runs: number;
  medianMs: number;
  peakRssMiB: number;
  detail: string;
}

function series(name: string, detail: string, fn: () => Measurement): Row {
  const ms: Measurement[] = [];
  for (let i = 0; i < RUNS; i++) ms.push(fn());
  return { name, runs: RUNS, medianMs: median(ms.map((m) => m.wallMs)), peakRssMiB: Math.max(...ms.map((m) => m.peakRssMiB)), detail };
}

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function main(): void {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const rows: Row[] = [];
  let counts = { stacks: 0, resources: 0 };
  rows.push(
    series('synth (all stacks, both environments)', '', () => {
      fs.rmSync(out, { recursive: true, force: true });
      const m = measure('main.ts', [], { CDKTF_OUTDIR: out });
      counts = countResources(out);
      return m;
    }),
  );
  rows[0].detail = `${counts.stacks} stacks, ${counts.resources} resources and data sources`;
  rows.push(series('validate (load + check the catalog)', '', () => measure('bin/validate.ts')));

  const table = [
    '| what | runs | median wall time | peak RSS | size |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.runs} | ${(r.medianMs / 1000).toFixed(2)} s | ${r.peakRssMiB.toFixed(0)} MiB | ${r.detail} |`),
  ].join('\n');
  const md = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.\n\n${table}\n`;
  fs.writeFileSync(path.join(__dirname, 'results.md'), md);
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify({ machine: machine(), date: new Date().toISOString(), rows }, null, 2)}\n`);
  process.stdout.write(md);
}

main();
