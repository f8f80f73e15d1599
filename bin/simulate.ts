/**
 * `npm run simulate -- [--env production] [--scenario <name>[,<name>…]] [--json] [--catalog alerts] [--concurrency N] [--keep <dir>]`
 *
 * Runs the scenario library (alerts/scenarios/) through each environment's exported rules with the real promtool
 * and through the exported Alertmanager routing, and prints one row per scenario and environment: first alert,
 * severity, detection time after the onset, who is notified, the verdict of its expectations and the detection
 * time against the severity's budget. Exits 1 when an expectation fails. `--keep <dir>` keeps the rule files and
 * promtool test files there (`promtool test rules <dir>/<scenario>.<environment>.test.yml` runs one again).
 */
import { loadCatalog } from '../lib/catalog/load';
import { simulate } from '../lib/simulate/simulate';
import { renderSimulation, renderSimulationJson } from '../lib/simulate/report';
import { listOption, option, parseArgs, runCli } from './cli';

runCli(async () => {
  const argv = process.argv.slice(2);
  const { options } = parseArgs(argv);
  const catalog = loadCatalog(option(options, 'catalog', 'alerts')!);
  const concurrency = option(options, 'concurrency');
  const sim = await simulate(catalog, {
    environments: listOption(argv, 'env'),
    scenarios: listOption(argv, 'scenario'),
    concurrency: concurrency ? Number(concurrency) : undefined,
    keepDir: option(options, 'keep'),
  });
  process.stdout.write(options.has('json') ? renderSimulationJson(sim) : renderSimulation(sim));
  if (!sim.ok) {
    const failed = sim.outcomes.filter((o) => !o.ok);
    process.stderr.write(`simulate: ${failed.length} scenario run${failed.length === 1 ? '' : 's'} failed an expectation: ${failed.map((o) => `${o.scenario} (${o.environment})`).join(', ')}\n`);
    process.exitCode = 1;
  }
});
