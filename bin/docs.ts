/**
 * `npm run docs [-- --catalog <dir>] [-- --root <dir>] [-- --check]`: regenerates what the docs derive from the catalog:
 * - the README's severity and escalation section (between `<!-- oncall-table:begin -->` and
 *   `<!-- oncall-table:end -->`; nothing else of the README is touched);
 * - `docs/oncall.md`, the on-call reference;
 * - the generated regions of `docs/runbook.md` (`<!-- begin generated:<name> -->` … `<!-- end generated:<name> -->`):
 *   every threshold, severity, delay and escalation statement; the hand-written text around them is kept.
 * `--root` is the project directory the docs live in (default: this project; a README that is not there is skipped),
 * `--catalog` its catalog (default `<root>/alerts`). `--check` writes nothing and exits 1 when anything is stale,
 * naming every stale runbook region with its line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { resolveCatalog } from '../lib/plan/resolve';
import { renderOnCallTable, withOnCallTable } from '../lib/render/oncall-table';
import { renderOnCallDoc } from '../lib/render/oncall-doc';
import { checkRunbook, renderRunbookRegions, withRunbookRegions } from '../lib/render/runbook';
import { projectRoot } from '../lib/project-root';
import { option, parseArgs, runCli } from './cli';

export const RUNBOOK = 'docs/runbook.md';

/** Relative path → the content it should have, for every generated document under `root`. */
export function renderDocs(catalogDir: string, root = projectRoot()): Map<string, string> {
  const c = resolveCatalog(loadCatalog(catalogDir));
  const out = new Map<string, string>();
  const readme = path.join(root, 'README.md');
  if (fs.existsSync(readme)) out.set('README.md', withOnCallTable(fs.readFileSync(readme, 'utf8'), renderOnCallTable(c)));
  out.set('docs/oncall.md', renderOnCallDoc(c));
  const runbook = path.join(root, RUNBOOK);
  if (fs.existsSync(runbook)) out.set(RUNBOOK, withRunbookRegions(fs.readFileSync(runbook, 'utf8'), renderRunbookRegions(c), RUNBOOK));
  return out;
}

if (require.main === module) {
  runCli(() => {
    const { options } = parseArgs(process.argv.slice(2));
    const root = path.resolve(option(options, 'root', projectRoot())!);
    const catalogDir = option(options, 'catalog', path.join(root, 'alerts'))!;
    const docs = renderDocs(catalogDir, root);
    const stale: string[] = [];
    for (const [rel, text] of docs) {
      const file = path.join(root, rel);
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current === text) continue;
      if (rel === RUNBOOK) {
        const regions = checkRunbook(current, renderRunbookRegions(resolveCatalog(loadCatalog(catalogDir)))).stale;
        stale.push(`${rel} (${regions.map((r) => `region ${r.name} at line ${r.line}`).join(', ') || 'regions'})`);
      } else stale.push(rel);
      if (!options.has('check')) fs.writeFileSync(file, text);
    }
    if (options.has('check') && stale.length) {
      process.stderr.write(`stale: ${stale.join(', ')}; run npm run docs\n`);
      process.exit(1);
    }
    process.stdout.write(stale.length ? `rewritten: ${stale.map((s) => s.split(' ')[0]).join(', ')}\n` : 'docs up to date\n');
  });
}
