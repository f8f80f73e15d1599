/**
 * The README's "How to change a threshold" flow, performed on a temporary copy of the project, leaves the suite
 * green: raise the critical 5xx threshold by two points and move its examples and the scenarios next to it with it
 * (the YAML edited through its parsed document, found by alert name), `npm run validate`, `npm run docs`, then `jest -u` on every test file that
 * reads the live catalog. The other test files read only the fixture catalog (checked below), so no threshold of
 * `alerts/` can turn them red.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { ROOT, tempDir } from './helpers';

const ALERT = 'DeltaCrownHttp5xxRatioCritical';
const JEST = path.join(ROOT, 'node_modules', '.bin', 'jest');
const THIS = path.basename(__filename);

/** Test files that read the live catalog (`LIVE_ALERTS`), this one aside. */
const liveTests = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.ts') && f !== THIS && fs.readFileSync(path.join(__dirname, f), 'utf8').includes('LIVE_ALERTS'));

/** The project's working tree in a temp directory (node_modules linked, generated output left out). */
function copyProject(): string {
  const dir = path.join(tempDir('deltacrown-flow-'), 'project');
  const skip = new Set(['node_modules', '.git', 'cdktf.out', 'coverage']);
  fs.cpSync(ROOT, dir, { recursive: true, filter: (src) => !skip.has(path.relative(ROOT, src).split(path.sep)[0]) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/**
 * Steps 1 and 2 of the flow for a 5xx ratio alert: threshold + 0.02, and its examples moved with it — 1000
 * requests a minute, 0.1 point above (fires) and below (quiet) the new threshold, on the series the examples
 * already use. Returns the old and new thresholds.
 */
function raiseRatioThreshold(project: string, alert: string): { from: number; to: number; file: string } {
  const rules = path.join(project, 'alerts', 'rules');
  for (const f of fs.readdirSync(rules)) {
    const file = path.join(rules, f);
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    for (const family of (doc.get('families') as YAMLSeq<YAMLMap>).items) {
      for (const a of (family.get('alerts') as YAMLSeq<YAMLMap>).items) {
        if (a.get('name') !== alert) continue;
        const from = Number(a.get('threshold'));
        const to = Math.round((from + 0.02) * 1000) / 1000;
        a.set('threshold', to);
        const move = (kind: 'fires' | 'quiet', ratio: number) => {
          for (const ex of (a.getIn(['examples', kind]) as YAMLSeq<YAMLMap>).items) {
            const errors = Math.round(ratio * 1000);
            ex.set('description', `${(ratio * 100).toFixed(1)} %, just ${kind === 'fires' ? 'above' : 'below'} ${(to * 100).toFixed(0)} %`);
            for (const s of (ex.get('series') as YAMLSeq<YAMLMap>).items) {
              const failed = /code="5/.test(String(s.get('series')));
              s.set('values', `0+${failed ? errors : 1000 - errors}x20`);
            }
          }
        };
        move('fires', to + 0.001);
        move('quiet', to - 0.001);
        fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
        moveScenarios(project, alert, to - from);
        return { from, to, file: path.relative(project, file) };
      }
    }
  }
  throw new Error(`the live catalog has no alert ${alert}: point ALERT in ${THIS} at a 5xx ratio alert of alerts/rules/`);
}

/**
 * Step 2 for the scenarios next to the alert (`next_to: { <alert>: … }` in alerts/scenarios/*.yml): their ratios move
 * by as much as the threshold, so each stays on its side of it.
 */
function moveScenarios(project: string, alert: string, by: number): void {
  const dir = path.join(project, 'alerts', 'scenarios');
  for (const f of fs.readdirSync(dir).filter((x) => x !== 'background.yml')) {
    const file = path.join(dir, f);
    const doc = parseDocument(fs.readFileSync(file, 'utf8'));
    let moved = false;
    for (const s of (doc.get('scenarios') as YAMLSeq<YAMLMap>).items) {
      if (!(s.get('next_to') as YAMLMap | undefined)?.has(alert)) continue;
      for (const ch of (s.get('changes') as YAMLSeq<YAMLMap>).items) {
        const ratio = ch.get('ratio') as YAMLMap | undefined;
        if (!ratio) continue;
        ratio.set('to', Math.round((Number(ratio.get('to')) + by) * 10000) / 10000);
        moved = true;
      }
    }
    if (moved) fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
  }
}

describe('the README threshold flow on a copy of the project', () => {
  it('reads the live catalog only from the files that assert properties of it', () => {
    expect(liveTests.sort()).toEqual(expect.arrayContaining(['prometheus-rules.test.ts', 'stacks-snapshot.test.ts', 'pipeline-e2e.test.ts']));
    for (const f of fs.readdirSync(__dirname).filter((x) => x.endsWith('.ts') && x !== 'helpers.ts' && x !== THIS)) {
      const text = fs.readFileSync(path.join(__dirname, f), 'utf8');
      expect({ file: f, readsAlertsDirectly: /ROOT, 'alerts'|'\.\.\/alerts'|"alerts\/"/.test(text) }).toEqual({ file: f, readsAlertsDirectly: false });
    }
  });

  it(`raising ${ALERT} by two points with its examples, then validate, docs and jest -u: every live-catalog test passes`, () => {
    const project = copyProject();
    const { from, to, file } = raiseRatioThreshold(project, ALERT);
    const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: project, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

    const runner = path.join(project, 'scripts', 'run.cjs');
    const validate = run(process.execPath, [runner, 'bin/validate']);
    expect({ step: 'npm run validate', code: validate.status, stderr: validate.stderr }).toEqual({ step: 'npm run validate', code: 0, stderr: '' });
    const docs = run(process.execPath, [runner, 'bin/docs']);
    expect({ step: 'npm run docs', code: docs.status }).toEqual({ step: 'npm run docs', code: 0 });
    expect(docs.stdout).toMatch(/rewritten: docs\/oncall\.md/);

    const report = path.join(project, 'jest.json');
    const jest = run(JEST, ['-u', '--ci=false', '--silent', '--testTimeout=300000', '--json', `--outputFile=${report}`, ...liveTests.map((f) => path.join('__tests__', f))]);
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    const failures = r.testResults.flatMap((t: any) => t.assertionResults.filter((a: any) => a.status === 'failed').map((a: any) => `${path.basename(t.name)}: ${a.fullName}`));
    expect({ failures, suites: r.numTotalTestSuites }).toEqual({ failures: [], suites: liveTests.length });
    expect(jest.status).toBe(0);
    // The change shows where a reviewer looks: the stack snapshots and the on-call reference.
    expect(r.snapshot.updated).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(project, 'docs', 'oncall.md'), 'utf8')).toContain(`| ${ALERT} | critical |`);
    expect(fs.readFileSync(path.join(project, file), 'utf8')).toContain(`threshold: ${to}`);
    expect(to).toBeGreaterThan(from);
  }, 600000);
});
