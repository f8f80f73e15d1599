/**
 * `npm run docs [-- --catalog <dir>] [-- --check]`: rewrites the README's severity and escalation section (between
 * `<!-- oncall-table:begin -->` and `<!-- oncall-table:end -->`) from the catalog; nothing else of the README is
 * touched. `--check` writes nothing and exits 1 when the section is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { currentOnCallTable, renderOnCallTable, withOnCallTable } from '../lib/render/oncall-table';
import { option, parseArgs, runCli } from './cli';

if (require.main === module) {
  runCli(() => {
    const { options } = parseArgs(process.argv.slice(2));
    const c = loadCatalog(option(options, 'catalog', 'alerts')!);
    const readmePath = path.join(__dirname, '..', 'README.md');
    const readme = fs.readFileSync(readmePath, 'utf8');
    const table = renderOnCallTable(c);
    if (options.has('check')) {
      if (currentOnCallTable(readme) !== table) {
        process.stderr.write('README.md: the severity and escalation section is stale; run npm run docs\n');
        process.exit(1);
      }
      return;
    }
    const next = withOnCallTable(readme, table);
    if (next !== readme) fs.writeFileSync(readmePath, next);
    process.stdout.write(`README.md: severity and escalation section ${next === readme ? 'up to date' : 'rewritten'}\n`);
  });
}
