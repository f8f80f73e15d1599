/**
 * `npm run review -- --base <git ref> [--catalog alerts] [--at <ISO time>] [--json] [--fail-on loosened,removed,…]`
 *
 * Compares the catalog in the working tree with the catalog at `--base` (read from git, nothing checked out) and
 * prints a Markdown report (or JSON): every change to an alert, SLO, guardrail, synthetic check, route or
 * escalation, classified. `--fail-on` exits 1 when any change of those classes is present (a policy gate).
 * `--at` is the instant "who is on call now" refers to (default: the clock, read here and nowhere below).
 */
import { loadCatalog } from '../lib/catalog/load';
import { CHANGE_CLASSES, ChangeClass } from '../lib/review/diff';
import { renderJson, renderMarkdown } from '../lib/review/report';
import { reviewAgainst } from '../lib/review/review';
import { instantOption, option, parseArgs, runCli } from './cli';

runCli(() => {
  const { options } = parseArgs(process.argv.slice(2));
  const base = option(options, 'base');
  if (!base) throw new Error(`usage: npm run review -- --base <git ref> [--catalog <dir>] [--at <ISO time>] [--json] [--fail-on ${CHANGE_CLASSES.join(',')}]`);
  const catalogDir = option(options, 'catalog', 'alerts')!;
  const failOn = (option(options, 'fail-on', '') ?? '')
    .split(',')
    .map((s) => s.trim().replace(/-/g, ' '))
    .filter(Boolean);
  for (const f of failOn) {
    if (!(CHANGE_CLASSES as readonly string[]).includes(f)) throw new Error(`--fail-on: unknown class '${f}'; expected some of ${CHANGE_CLASSES.join(', ')}`);
  }
  const at = instantOption(options, 'at', () => new Date());
  const review = reviewAgainst(loadCatalog(catalogDir), base, catalogDir, { at });
  process.stdout.write(options.has('json') ? renderJson(review) : renderMarkdown(review));
  const hits = review.changes.filter((c) => failOn.includes(c.class as ChangeClass));
  if (hits.length) {
    process.stderr.write(`review: ${hits.length} change${hits.length === 1 ? '' : 's'} of class ${[...new Set(hits.map((h) => h.class))].join(', ')} (--fail-on)\n`);
    process.exitCode = 1;
  }
});
