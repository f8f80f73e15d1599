/** Reads the catalog as it is at a git ref, without checking anything out. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';

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
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deltacrown-base-')), path.basename(abs));
  for (const f of files) {
    const target = path.join(out, path.relative(rel, f));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, git(['show', `${ref}:${f}`], root));
  }
  return out;
}
