/**
 * The cdktf app entry point (`npm run synth`, `npx cdktf synth`, `cdktf deploy`): loads and validates the
 * catalog, then synthesizes every stack. An invalid catalog stops here, before anything is written.
 * Ends with one line: how many stacks and resources were written, and where.
 */
import * as path from 'path';
import { loadCatalog } from './lib/catalog/load';
import { resolveCatalog } from './lib/plan/resolve';
import { runCli } from './bin/cli';
import { summaryLine } from './stacks/summary';
import { synthesize } from './stacks/synth';

runCli(() => {
  const catalog = loadCatalog(process.env.DELTACROWN_CATALOG ?? 'alerts');
  const result = synthesize(resolveCatalog(catalog));
  process.stdout.write(`${summaryLine(result, path.relative(process.cwd(), result.outdir) || '.')}\n`);
});
