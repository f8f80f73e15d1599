/**
 * `tsc --noEmit` over the whole project (sources, tests, bench) as one test: jest runs it side by side with the
 * other test files instead of before them, so the type-check fills the time the end-to-end tests spend waiting.
 * `npm run typecheck` runs the same check on its own.
 */
import * as path from 'path';
import { spawn } from 'child_process';
import { ROOT } from './helpers';

it('the project type-checks (tsc --noEmit)', async () => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await new Promise<{ code: number; output: string }>((resolve) => {
    const p = spawn(process.execPath, [tsc, '--noEmit', '-p', ROOT], { cwd: ROOT });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
  expect({ code: r.code, errors: r.output.trim() }).toEqual({ code: 0, errors: '' });
}, 120000);
