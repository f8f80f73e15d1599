/**
 * `npm run backtest -- --prometheus <url> --from <time> [--to <time>] [--base <git ref>] [--alerts changed|all]
 * [--alert <name,…>] [--env <name>] [--catalog alerts] [--json] [--concurrency 4] [--max-points 11000]
 * [--timeout 120s] [--inline-records]`
 *
 * Replays the alert rules of the working-tree catalog (and of the catalog at `--base`, read from git) over the
 * history of a Prometheus server and reports per alert and environment how often each would have fired, for how
 * long, and how many pages that makes after Alertmanager's grouping and inhibition (see lib/backtest/backtest.ts).
 * Times: ISO 8601 (`2026-03-02T00:00:00Z`), a date, `now` or `now-7d`; `--to` defaults to now — the clock is read
 * here and nowhere below. Credentials come from the environment only: PROMETHEUS_BEARER_TOKEN, or
 * PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD.
 */
import { loadCatalog } from '../lib/catalog/load';
import type { Catalog } from '../lib/catalog/model';
import { loadCatalogAtRef } from '../lib/review/git';
import { AlertSelection, backtest } from '../lib/backtest/backtest';
import { authFromEnv, PrometheusClient } from '../lib/backtest/prometheus';
import { renderJson, renderMarkdown } from '../lib/backtest/report';
import { parseInstant } from '../lib/backtest/time';
import { seconds } from '../lib/duration';
import { option, parseArgs, runCli } from './cli';

const USAGE =
  'usage: npm run backtest -- --prometheus <url> --from <time> [--to <time>] [--base <git ref>] [--alerts changed|all] ' +
  '[--alert <name,…>] [--env <name>] [--catalog <dir>] [--json] [--concurrency <n>] [--max-points <n>] [--timeout <duration>] [--inline-records]';

function positiveInt(options: Map<string, string | true>, name: string): number | undefined {
  const v = option(options, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--${name}: '${v}' is not a positive whole number`);
  return Number(v);
}

/** The catalog at a git ref (lib/review/git.ts), or an error saying why it cannot be read. */
function baseCatalog(ref: string, catalogDir: string): Catalog {
  const at = loadCatalogAtRef(ref, catalogDir);
  if ('problem' in at) throw new Error(`--base ${ref}: the catalog there does not load (${at.problem})`);
  return at.catalog;
}

runCli(async () => {
  const { positional, options } = parseArgs(process.argv.slice(2));
  if (positional.length) throw new Error(`unexpected argument '${positional[0]}'\n${USAGE}`);
  const url = option(options, 'prometheus');
  const fromText = option(options, 'from');
  if (!url || !fromText) throw new Error(USAGE);
  const now = new Date();
  const from = parseInstant(fromText, now, '--from').getTime();
  const to = parseInstant(option(options, 'to', 'now')!, now, '--to').getTime();
  const alerts = option(options, 'alerts');
  if (alerts !== undefined && alerts !== 'changed' && alerts !== 'all') throw new Error(`--alerts: '${alerts}'; expected changed or all`);
  const catalogDir = option(options, 'catalog', 'alerts')!;
  const head = loadCatalog(catalogDir);
  const ref = option(options, 'base');
  const base = ref ? baseCatalog(ref, catalogDir) : undefined;
  const env = option(options, 'env');
  const only = option(options, 'alert')?.split(',').map((s) => s.trim()).filter(Boolean);
  const timeout = option(options, 'timeout');
  const client = new PrometheusClient(url, {
    auth: authFromEnv(process.env),
    concurrency: positiveInt(options, 'concurrency'),
    maxPoints: positiveInt(options, 'max-points'),
    timeoutMs: timeout ? seconds(timeout) * 1000 : undefined,
  });
  const report = await backtest({
    client,
    head,
    base,
    baseName: ref,
    from,
    to,
    alerts: alerts as AlertSelection | undefined,
    only,
    environments: env ? [env] : undefined,
    inlineAllRecords: options.has('inline-records'),
  });
  process.stdout.write(options.has('json') ? renderJson(report) : renderMarkdown(report));
});
