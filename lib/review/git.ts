/** Reads the catalog as it is at a git ref, without checking anything out. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { CatalogError } from '../catalog/errors';
import { loadCatalog } from '../catalog/load';
import type { Catalog } from '../catalog/model';

function git(args: string[], cwd: string): Buffer {
  return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
}

/**
 * Copies the catalog directory `catalogDir` (relative to the working tree) as of `ref` into a temp directory
 * and returns its path, or undefined when the ref has no such directory. Throws when the ref is unknown.
 * The caller removes the temp directory (the parent of the returned path).
 */
export function catalogAtRef(ref: string, catalogDir: string): string | undefined {
  const abs = path.resolve(catalogDir);
  const root = git(['rev-parse', '--show-toplevel'], path.dirname(abs)).toString().trim();
  const rel = path.relative(root, abs).split(path.sep).join('/');
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  } catch {
    throw new Error(`unknown git ref '${ref}'`);
  }
  const files = git(['ls-tree', '-r', '--name-only', ref, '--', rel], root).toString().split('\n').filter(Boolean);
  if (files.length === 0) return undefined;
  // One `git archive` of the directory, unpacked by tar: two processes, whatever the number of files.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deltacrown-base-'));
  const unpacked = path.join(tmp, 'tree');
  fs.mkdirSync(unpacked);
  execFileSync('tar', ['-x', '-C', unpacked], { input: git(['archive', '--format=tar', ref, '--', rel], root) });
  const out = path.join(tmp, path.basename(abs));
  fs.renameSync(path.join(unpacked, rel), out);
  fs.rmSync(unpacked, { recursive: true, force: true });
  return out;
}

/**
 * The catalog at a git ref, loaded without its runbook (the base's runbook anchors are not the subject of a review
 * or a backtest); the temp copy is removed. What is wrong with it, when it cannot be loaded: no catalog directory
 * there, or its catalog errors (how many, the first). Throws when the ref is unknown.
 */
export function loadCatalogAtRef(ref: string, catalogDir: string): { catalog: Catalog } | { problem: string } {
  const dir = catalogAtRef(ref, catalogDir);
  if (!dir) return { problem: `no ${catalogDir}/ directory there` };
  try {
    return { catalog: loadCatalog(dir, { runbook: false }) };
  } catch (e) {
    if (!(e instanceof CatalogError)) throw e;
    return { problem: `${e.issues.length} catalog error${e.issues.length === 1 ? '' : 's'}, first: ${e.issues[0].message}` };
  } finally {
    if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}
