/**
 * `npm run export -- --out <dir> [--catalog alerts] [--evaluation-interval 1s] [--alert-for 2s] [--env production]
 * [--synthetics-base-url http://127.0.0.1:8080]`:
 * writes the plain configuration files of every environment (see lib/export.ts); the options of the exported
 * alertmanager.yml (PagerDuty URL, secrets, timings) are listed in bin/alertmanager-args.ts. Nothing is written when
 * the catalog is invalid.
 */
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { option, parseArgs, runCli } from './cli';
import { alertmanagerExportOptions } from './alertmanager-args';

runCli(() => {
  const { options } = parseArgs(process.argv.slice(2));
  const out = option(options, 'out');
  if (!out) throw new Error('usage: npm run export -- --out <dir> [--catalog <dir>] [--evaluation-interval <duration>] [--env <name>] [--synthetics-base-url <url>]');
  const c = loadCatalog(option(options, 'catalog', 'alerts')!);
  const env = option(options, 'env');
  const files = renderExport(c, { evaluationInterval: option(options, 'evaluation-interval'), alertFor: option(options, 'alert-for'), environments: env ? [env] : undefined, alertmanager: alertmanagerExportOptions(options), syntheticsBaseUrl: option(options, 'synthetics-base-url') });
  const written = writeFiles(files, out);
  process.stdout.write(`${written.length} files written under ${out}\n`);
});
