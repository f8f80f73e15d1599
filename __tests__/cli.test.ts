/** The command-line entry points: exit codes, messages, and nothing written for a bad catalog. */
import * as fs from 'fs';
import * as path from 'path';
import { copyCatalog, edit, FIXTURE_ALERTS, readTree, runCommand, tempDir } from './helpers';
import { loadCatalog } from '../lib/catalog/load';
import { resolveCatalog } from '../lib/plan/resolve';
import { buildApp } from '../stacks/app';
import { synthesized } from '../stacks/summary';

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = runCommand(script.replace(/\.ts$/, ''), args, { env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function badCatalog(): string {
  const dir = copyCatalog();
  edit(dir, 'rules/database.yml', 'severity: high', 'severity: urgent');
  edit(dir, 'rules/http.yml', 'rate(http_requests_total[5m])) >= 100 / 300)', 'rate(http_requests_total[5m]) >= 100 / 300)');
  return dir;
}

describe('npm run validate', () => {
  it('accepts the committed catalog', () => {
    const r = run('bin/validate.ts', []);
    expect(r.stdout).toMatch(/alerts: catalog valid \(production: \d+ alerts, staging: \d+ alerts\)/);
    expect(r.code).toBe(0);
  });

  it('reports every error located and exits 1', () => {
    const r = run('bin/validate.ts', [badCatalog()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rules\/database\.yml:\d+:\d+: families\[0\]\.alerts\[0\]\.severity: unknown severity 'urgent'/);
    expect(r.stderr).toMatch(/rules\/http\.yml:\d+:\d+: families\[0\]\.signal\.expr: PromQL syntax error/);
    expect(r.stderr).toMatch(/catalog invalid: 2 errors; nothing was written/);
  });
});

describe('synth (main.ts)', () => {
  it('writes every stack of both environments', () => {
    const out = path.join(tempDir(), 'cdktf.out');
    const r = run('main.ts', [], { CDKTF_OUTDIR: out });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const stacks = fs.readdirSync(path.join(out, 'stacks'));
    expect(stacks).toEqual(expect.arrayContaining(['deltacrown-production-alerting', 'deltacrown-staging-alerting']));
    for (const s of stacks) expect(fs.existsSync(path.join(out, 'stacks', s, 'cdk.tf.json'))).toBe(true);
    // One summary line: stack and resource counts, where, which stacks.
    expect(r.stdout).toMatch(new RegExp(`^synthesized ${stacks.length} stacks \\(\\d+ resources and data sources\\) into .*cdktf\\.out/stacks: deltacrown-production-alerting, `));
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('writes the same bytes as the app synthesized in process, and counts what it wrote', () => {
    // The command runs the compiled build with cdktf's JSON writer replaced (scripts/preload.cjs) and counts while
    // writing (stacks/synth.ts); the app in this process writes with cdktf's own writer.
    const out = path.join(tempDir(), 'cdktf.out');
    const r = run('main.ts', [], { CDKTF_OUTDIR: out, DELTACROWN_CATALOG: FIXTURE_ALERTS });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const inProcess = path.join(tempDir(), 'cdktf.out');
    buildApp(resolveCatalog(loadCatalog(FIXTURE_ALERTS)), { outdir: inProcess }).synth();
    expect(readTree(out)).toEqual(readTree(inProcess));
    const { stacks, resources } = synthesized(out);
    expect(r.stdout).toContain(`synthesized ${stacks.length} stacks (${resources} resources and data sources) into `);
    expect(r.stdout.trim().endsWith(stacks.join(', '))).toBe(true);
  });

  it('writes nothing when the catalog is invalid', () => {
    const out = path.join(tempDir(), 'cdktf.out');
    const r = run('main.ts', [], { CDKTF_OUTDIR: out, DELTACROWN_CATALOG: badCatalog() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown severity 'urgent'/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('npm run export', () => {
  it('writes nothing when the catalog is invalid', () => {
    const out = path.join(tempDir(), 'export');
    const r = run('bin/export.ts', ['--out', out, '--catalog', badCatalog()]);
    expect(r.code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('says how to call it without --out', () => {
    const r = run('bin/export.ts', []);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run export -- --out <dir>/);
  });
});
