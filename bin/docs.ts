/**
 * `npm run docs [-- --catalog <dir>] [-- --check]`: regenerates what the docs derive from the catalog:
 * - the README's severity and escalation section (between `<!-- oncall-table:begin -->` and
 *   `<!-- oncall-table:end -->`; nothing else of the README is touched);
 * - `docs/oncall.md`, the on-call reference.
 * `--check` writes nothing and exits 1 when either is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { renderOnCallTable, withOnCallTable } from '../lib/render/oncall-table';
import { renderOnCallDoc } from '../lib/render/oncall-doc';
import { projectRoot } from '../lib/project-root';
import { option, parseArgs, runCli } from './cli';

const ROOT = projectRoot();

/** Relative path → the content it should have, for every generated document. */
export function renderDocs(catalogDir: string): Map<string, string> {
  const c = loadCatalog(catalogDir);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return new Map([
    ['README.md', withOnCallTable(readme, renderOnCallTable(c))],
    ['docs/oncall.md', renderOnCallDoc(c)],
  ]);
}

if (require.main === module) {
  runCli(() => {
    const { options } = parseArgs(process.argv.slice(2));
    const docs = renderDocs(option(options, 'catalog', 'alerts')!);
    const stale: string[] = [];
    for (const [rel, text] of docs) {
      const file = path.join(ROOT, rel);
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current === text) continue;
      stale.push(rel);
      if (!options.has('check')) fs.writeFileSync(file, text);
    }
    if (options.has('check') && stale.length) {
      process.stderr.write(`stale: ${stale.join(', ')}; run npm run docs\n`);
      process.exit(1);
    }
    process.stdout.write(stale.length ? `rewritten: ${stale.join(', ')}\n` : 'docs up to date\n');
  });
}
