/**
 * The cdktf app entry point (`npm run synth`, `npx cdktf synth`, `cdktf deploy`): loads and validates the
 * catalog, then synthesizes every stack. An invalid catalog stops here, before anything is written.
 */
import { loadCatalog } from './lib/catalog/load';
import { buildApp } from './stacks/app';
import { runCli } from './bin/cli';

runCli(() => {
  const catalog = loadCatalog(process.env.DELTACROWN_CATALOG ?? 'alerts');
  buildApp(catalog).synth();
});
