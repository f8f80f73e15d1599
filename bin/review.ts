/**
 * `npm run review -- --base <git ref> [--catalog alerts] [--at <ISO time>] [--json] [--fail-on loosened,removed,page-lost,…]
 *   [--scenario <name>,…] [--env <name>] [--no-simulate]`
 *
 * Compares the catalog in the working tree with the catalog at `--base` (read from git, nothing checked out) and
 * prints a Markdown report (or JSON): every change to an alert, SLO, guardrail, synthetic check, route or
 * escalation, classified; then what the change does to the scenario library (alerts/scenarios/), simulated through
 * the base's and the head's rules and routing with the real promtool: every scenario whose paging or detection
 * changed (`--scenario` / `--env` narrow it, `--no-simulate` leaves it out). `--fail-on` exits 1 when any change of
 * those classes is present (a policy gate), the simulation's classes (`page-lost`, `detection-slower`,
 * `starts-paging`, …) included. `--at` is the instant "who is on call now" refers to (default: the clock, read here
 * and nowhere below).
 */
import { loadCatalog } from '../lib/catalog/load';
import { CHANGE_CLASSES, ChangeClass } from '../lib/review/diff';
import { renderJson, renderMarkdown } from '../lib/review/report';
import { reviewAgainst } from '../lib/review/review';
import { SIMULATION_CLASSES, SimulationClass } from '../lib/review/simulation';
import { instantOption, listOption, option, parseArgs, runCli } from './cli';

const CLASSES: readonly string[] = [...CHANGE_CLASSES, ...SIMULATION_CLASSES];

runCli(async () => {
  const argv = process.argv.slice(2);
  const { options } = parseArgs(argv);
  const base = option(options, 'base');
  if (!base) throw new Error(`usage: npm run review -- --base <git ref> [--catalog <dir>] [--at <ISO time>] [--json] [--fail-on ${CLASSES.map((c) => c.replace(/ /g, '-')).join(',')}] [--scenario <name>,…] [--env <name>] [--no-simulate]`);
  const catalogDir = option(options, 'catalog', 'alerts')!;
  const failOn = (option(options, 'fail-on', '') ?? '')
    .split(',')
    .map((s) => s.trim().replace(/-/g, ' '))
    .filter(Boolean);
  for (const f of failOn) {
    if (!CLASSES.includes(f)) throw new Error(`--fail-on: unknown class '${f}'; expected some of ${CLASSES.join(', ')}`);
  }
  const at = instantOption(options, 'at', () => new Date());
  const simulate = options.has('no-simulate') ? false : { scenarios: listOption(argv, 'scenario'), environments: listOption(argv, 'env') };
  const review = await reviewAgainst(loadCatalog(catalogDir), base, catalogDir, { at }, { simulate });
  process.stdout.write(options.has('json') ? renderJson(review) : renderMarkdown(review));
  const hits = [
    ...review.changes.filter((c) => failOn.includes(c.class as ChangeClass)).map((c) => c.class as string),
    ...(review.simulation?.deltas ?? []).filter((d) => failOn.includes(d.class as SimulationClass)).map((d) => d.class as string),
  ];
  if (hits.length) {
    process.stderr.write(`review: ${hits.length} change${hits.length === 1 ? '' : 's'} of class ${[...new Set(hits)].join(', ')} (--fail-on)\n`);
    process.exitCode = 1;
  }
});
