/** Test helpers shared by the catalog tests: temp copies of the catalog, positions, binaries. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { loadCatalog } from '../lib/catalog/load';
import { CatalogError, CatalogIssue, formatIssue } from '../lib/catalog/errors';
import { markdownAnchors } from '../lib/markdown';

export const ROOT = path.join(__dirname, '..');
/**
 * The live catalog, `alerts/`: what the project deploys. Tests read it only to assert properties that hold for
 * any valid catalog (every alert's examples pass promtool, dashboards draw the resolved thresholds, …), never its
 * values, so that the README's "change a threshold" flow leaves the suite green.
 */
export const LIVE_ALERTS = path.join(ROOT, 'alerts');
/** The committed JSON Schemas of the catalog (generated from the code, not from catalog values). */
export const LIVE_SCHEMAS = path.join(LIVE_ALERTS, 'schemas');
/**
 * A frozen catalog for tests that need particular values or mutate a catalog: `__tests__/fixtures/catalog/`
 * holds `alerts/` and the `docs/runbook.md` its runbook anchors point to. It changes only when a test needs it to.
 */
export const FIXTURE = path.join(__dirname, 'fixtures', 'catalog');
export const FIXTURE_ALERTS = path.join(FIXTURE, 'alerts');

const temps: string[] = [];

/** A temp directory, removed after the test file (see `removeTempDirs`). */
export function tempDir(prefix = 'deltacrown-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made; the jest setup file calls it after each test file. */
export function removeTempDirs(): void {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/**
 * A fresh copy of the fixture catalog (`alerts/` and `docs/runbook.md`) in a temp directory; returns the path of
 * its `alerts/`, to be changed with `edit`.
 */
export function copyCatalog(): string {
  const dir = tempDir('deltacrown-catalog-');
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return path.join(dir, 'alerts');
}

/**
 * Removes the scenario library (`scenarios/`) of a catalog copy: a test that takes alerts, checks or metrics away
 * takes away the scenarios that speak of them (a catalog without a scenario library is valid).
 */
export function withoutScenarios(catalogDir: string): void {
  fs.rmSync(path.join(catalogDir, 'scenarios'), { recursive: true, force: true });
}

/** Replaces `from` (must occur) by `to` in `file` of a catalog copy; returns the new text. */
export function edit(catalogDir: string, file: string, from: string | RegExp, to: string): string {
  const abs = path.join(catalogDir, file);
  const text = fs.readFileSync(abs, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${file}`);
  fs.writeFileSync(abs, next);
  return next;
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text` (+ `shift` characters). */
export function positionOf(text: string, needle: string, shift = 0, nth = 1): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`positionOf: ${needle} not found`);
  at += shift;
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

/**
 * Runs a project command exactly as its npm script does (`node scripts/run.cjs <entry> …`, e.g. `bin/review`,
 * `main`), in `cwd` (default: the project) with `env` added to the environment.
 */
export function runCommand(entry: string, args: string[] = [], opts: { cwd?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run.cjs'), entry, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: 60000,
  });
}

/** Path of a Debian tool the tests run, or a failure that says how to install it. */
export function requireBinary(name: string, debianPackage: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${name} is not installed: run \`sudo apt-get install -y ${debianPackage}\` (bash .ci/run installs it)`);
  }
  return r.stdout.trim();
}

/** Every issue the loader reports for the catalog in `dir`; fails the test when the catalog loads. */
export function catalogIssues(dir: string): CatalogIssue[] {
  try {
    loadCatalog(dir);
  } catch (e) {
    if (e instanceof CatalogError) return e.issues;
    throw e;
  }
  throw new Error(`the catalog in ${dir} was accepted; expected it to be rejected`);
}

/** The one issue of `file` (relative to `alerts/`) at `field`; fails with every issue listed when there is none or more than one. */
export function issueAt(issues: CatalogIssue[], file: string, field: string): CatalogIssue {
  const found = issues.filter((i) => i.file.endsWith(`alerts/${file}`) && i.field === field);
  expect({ found: found.length, issues: issues.map(formatIssue) }).toMatchObject({ found: 1 });
  return found[0];
}

/** Line and column of an issue, to compare with `positionOf`. */
export const where = (i: CatalogIssue) => ({ line: i.line, column: i.column });

/** The anchors of every heading of a runbook, default the project's docs/runbook.md (the loader checks the catalog's anchors with the same function). */
export function runbookAnchors(file = path.join(ROOT, 'docs', 'runbook.md')): Set<string> {
  return markdownAnchors(fs.readFileSync(file, 'utf8'));
}

/** Every file under `dir`, recursively (paths joined to `dir`). */
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Every file under `dir` with its text, by path relative to `dir`: a written output directory, to compare whole. */
export function readTree(dir: string): Map<string, string> {
  return new Map(walk(dir).map((f) => [path.relative(dir, f), fs.readFileSync(f, 'utf8')]));
}
