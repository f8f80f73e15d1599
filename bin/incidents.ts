/**
 * `npm run incidents -- --input <file> [--from <instant>] [--to <instant>] [--env production] [--format md|json|csv]`:
 * MTTA / MTTR per severity against the catalog's targets, from a PagerDuty Analytics raw incidents export (the API's
 * `{ "data": [ … ] }` or a bare array), every breach listed with what the runbook says follows.
 * `--pagerduty-token` instead of `--input`: fetch `POST /analytics/raw/incidents` directly (paginated, 429 retried)
 * with the token from the environment variable PAGERDUTY_TOKEN (never a command-line value); needs `--from` and
 * `--to`; `--pagerduty-url` replaces https://api.pagerduty.com.
 */
import * as fs from 'fs';
import { loadCatalog } from '../lib/catalog/load';
import { fetchRawIncidents, incidentReport, parseRawIncidents, RawIncident, reportCsv, reportMarkdown } from '../lib/incidents';
import { instantOption, option, parseArgs, runCli } from './cli';

const FORMATS = ['md', 'json', 'csv'] as const;

runCli(async () => {
  const { options, positional } = parseArgs(process.argv.slice(2));
  if (positional.length) throw new Error(`unexpected argument '${positional[0]}'`);
  const format = option(options, 'format', 'md')!;
  if (!(FORMATS as readonly string[]).includes(format)) throw new Error(`--format: '${format}' is not one of ${FORMATS.join(', ')}`);
  const noClock = () => undefined as unknown as Date;
  const from = options.has('from') ? instantOption(options, 'from', noClock) : undefined;
  const to = options.has('to') ? instantOption(options, 'to', noClock) : undefined;
  if (from && to && from >= to) throw new Error(`--from ${from.toISOString()} is not before --to ${to.toISOString()}`);
  const c = loadCatalog(option(options, 'catalog', 'alerts')!);
  const environment = option(options, 'env', c.catalog.environments[0].name)!;
  if (!c.catalog.environments.some((e) => e.name === environment)) throw new Error(`--env: unknown environment '${environment}'; expected one of ${c.catalog.environments.map((e) => e.name).join(', ')}`);

  let incidents: RawIncident[];
  const input = option(options, 'input');
  if (options.has('pagerduty-token')) {
    if (options.get('pagerduty-token') !== true) throw new Error('--pagerduty-token takes no value: put the token in the environment variable PAGERDUTY_TOKEN, not on the command line');
    if (input !== undefined) throw new Error('give either --input <file> or --pagerduty-token, not both');
    const token = process.env.PAGERDUTY_TOKEN;
    if (!token) throw new Error('--pagerduty-token: the environment variable PAGERDUTY_TOKEN is not set');
    if (!from || !to) throw new Error('--pagerduty-token needs --from and --to (the range of creation times to fetch)');
    incidents = await fetchRawIncidents({ baseUrl: option(options, 'pagerduty-url', 'https://api.pagerduty.com')!, token, from, to });
  } else {
    if (input === undefined) throw new Error('--input <file> (a PagerDuty raw incidents export) or --pagerduty-token is required');
    if (!fs.existsSync(input)) throw new Error(`--input: no file ${input}`);
    incidents = parseRawIncidents(input, fs.readFileSync(input, 'utf8')).incidents;
  }
  const report = incidentReport(c, incidents, { environment, from, to });
  process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'csv' ? reportCsv(report) : reportMarkdown(report));
});
