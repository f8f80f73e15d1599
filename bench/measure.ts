/** Runs a TypeScript entry point in a fresh Node process and measures wall time (ms) and peak RSS (MiB). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

export interface Measurement {
  wallMs: number;
  peakRssMiB: number;
  /** What the command printed. */
  stdout: string;
}

const ROOT = path.join(__dirname, '..');

const temps: string[] = [];

/** A temp directory for a benchmark, removed by `removeBenchTemps` when the run ends. */
export function benchTemp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Removes every directory `benchTemp` made. */
export function removeBenchTemps(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/**
 * `node --require rss-hook scripts/run.cjs <entry> <args>` — the command an npm script runs (`main`,
 * `bin/validate`, …) — with `env` added. Throws when it exits with a code not in `exitCodes` (default: 0 only).
 */
export function measure(entry: string, args: string[] = [], env: Record<string, string> = {}, exitCodes: number[] = [0]): Measurement {
  const usageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const usage = path.join(usageDir, 'usage.json');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'rss-hook.cjs'), path.join(ROOT, 'scripts', 'run.cjs'), entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_USAGE_FILE: usage },
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (!exitCodes.includes(r.status ?? -1)) throw new Error(`${entry} exited ${r.status}: ${r.stderr}`);
  const ru = JSON.parse(fs.readFileSync(usage, 'utf8')) as { maxRSS: number };
  fs.rmSync(usageDir, { recursive: true, force: true });
  return { wallMs, peakRssMiB: ru.maxRSS / 1024, stdout: r.stdout };
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

