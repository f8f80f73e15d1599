/**
 * `npm run validate -- [dir] [--runbook <file>]`: loads and checks a catalog directory (default `alerts/`) and
 * reports every problem as `file:line:column: field: message`. Runbook anchors are checked against `--runbook`
 * (default `<dir>/../docs/runbook.md`). Exit 0 when valid, 1 when not; writes nothing.
 */
import { loadCatalog } from '../lib/catalog/load';
import { resolveCatalog } from '../lib/plan/resolve';
import { option, parseArgs, runCli } from './cli';

runCli(() => {
  const { positional, options } = parseArgs(process.argv.slice(2));
  const dir = positional[0] ?? 'alerts';
  const c = loadCatalog(dir, { runbook: option(options, 'runbook') });
  const counts = resolveCatalog(c).environments.map((e) => `${e.name}: ${e.alerts.length} alerts`);
  process.stdout.write(`${dir}: catalog valid (${counts.join(', ')})\n`);
});
