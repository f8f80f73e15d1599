/**
 * The cdktf app entry point (`npm run synth`, `npx cdktf synth`, `cdktf deploy`): loads and validates the
 * catalog, then synthesizes every stack. An invalid catalog stops here, before anything is written.
 * Ends with one line: how many stacks and resources were written, and where.
 */
import * as path from 'path';
import { loadCatalog } from './lib/catalog/load';
import { resolveCatalog } from './lib/plan/resolve';
import { buildApp } from './stacks/app';
import { runCli } from './bin/cli';
import { synthSummary } from './stacks/summary';

runCli(() => {
  const catalog = loadCatalog(process.env.DELTACROWN_CATALOG ?? 'alerts');
  const app = buildApp(resolveCatalog(catalog));
  app.synth();
  process.stdout.write(`${synthSummary(app.outdir, path.relative(process.cwd(), app.outdir) || '.')}\n`);
});
