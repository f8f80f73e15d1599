/**
 * `npm run validate -- [dir]`: loads and checks a catalog directory (default `alerts/`) and reports every
 * problem as `file:line:column: field: message`. Exit 0 when valid, 1 when not.
 */
import { loadCatalog } from '../lib/catalog/load';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { parseArgs, runCli } from './cli';

runCli(() => {
  const { positional } = parseArgs(process.argv.slice(2));
  const dir = positional[0] ?? 'alerts';
  const c = loadCatalog(dir);
  const counts = c.catalog.environments.map((e) => `${e.name}: ${allAlerts(resolveEnvironment(c, e.name)).length} alerts`);
  process.stdout.write(`${dir}: catalog valid (${counts.join(', ')})\n`);
});
