/** The backtest report: Markdown for people (and a PR comment), JSON for machines. */
import type { AlertReport, BacktestReport, FiringReport, VariantReport } from './backtest';
import { humanSeconds } from './time';

/** Firings listed per alert, side and environment in the Markdown (the JSON lists all). */
const MAX_LISTED = 20;

const labelText = (l: Record<string, string>) =>
  Object.keys(l)
    .sort()
    .map((k) => `${k}="${l[k]}"`)
    .join(', ') || '—';

/** `2026-03-02 10:06:30` (UTC, no zone letter): compact in tables whose heading says UTC. */
const at = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/Z$/, '') : '');

function cellOf(r: AlertReport, compared: boolean, f: (v: VariantReport) => string, noSeries = '—'): string {
  const one = (v?: VariantReport) => (!v ? '—' : v.status === 'no-series' ? noSeries : f(v));
  return compared ? `${one(r.base)} → ${one(r.head)}` : one(r.head);
}

/** How the head compares with the base, in words, with ⚠️ where it pages less. */
export function verdict(r: AlertReport): string {
  if (r.change === 'added') return 'added';
  if (r.change === 'removed') return r.base && r.base.pages > 0 ? `⚠️ removed (${r.base.pages} page${r.base.pages === 1 ? '' : 's'} lost)` : 'removed';
  const [b, h] = [r.base, r.head];
  if (!b || !h) return '';
  if (b.status === 'no-series' || h.status === 'no-series') return 'no series in the range';
  if (h.pages < b.pages) return '⚠️ fewer pages';
  if (h.pages > b.pages) return 'more pages';
  if (h.firings < b.firings || h.firingSeconds < b.firingSeconds) return 'fires less';
  if (h.firings > b.firings || h.firingSeconds > b.firingSeconds) return 'fires more';
  return 'same';
}

function firingRows(side: string, v: VariantReport | undefined): string[] {
  if (!v) return [];
  const rows = v.episodes.slice(0, MAX_LISTED).map((e: FiringReport) => {
    const paged = e.pagedAt ? `${at(e.pagedAt)} ${e.pagedReceiver}` : '';
    return `| ${side} | ${labelText(e.labels)} | ${at(e.pendingSince)} | ${at(e.firedAt)} | ${e.resolvedAt ? at(e.resolvedAt) : 'still firing'} | ${humanSeconds(e.firingSeconds)} | ${paged} |`;
  });
  if (v.episodes.length > MAX_LISTED) rows.push(`| ${side} | … ${v.episodes.length - MAX_LISTED} more (\`--json\` lists every firing) | | | | | |`);
  return rows;
}

function notes(side: string, v: VariantReport | undefined): string[] {
  if (!v) return [];
  const out: string[] = [];
  const tag = side ? `${side}: ` : '';
  if (v.missingSeries.length) out.push(`${tag}no series in the range for ${v.missingSeries.map((s) => `\`${s}\``).join(', ')}`);
  for (const l of v.lateSeries) out.push(`${tag}\`${l.selector}\` has samples only from ${at(l.firstSample)}`);
  if (v.inlinedRecords.length) out.push(`${tag}evaluated from their expressions (not in the history, or changed): ${v.inlinedRecords.map((s) => `\`${s}\``).join(', ')}`);
  if (v.failedEvaluations) out.push(`${tag}${v.failedEvaluations} evaluations would fail (two series with the same labels after the rule's labels)`);
  return out;
}

export function renderMarkdown(r: BacktestReport): string {
  const lines = ['## Alerting backtest', ''];
  const what = r.alerts === 'changed' ? 'changed alert' : 'alert';
  const names = new Set(r.results.map((x) => x.alert)).size;
  const spanS = (Date.parse(r.to) - Date.parse(r.from)) / 1000;
  lines.push(
    `${names} ${what}${names === 1 ? '' : 's'} replayed over ${r.from} → ${r.to} (${humanSeconds(spanS)}) of ${r.prometheus}` +
      `${r.compared ? `, base${r.base ? ` (\`${r.base}\`)` : ''} → head` : ''}; environments: ${r.environments.join(', ')}${r.retention ? `; retention ${r.retention}` : ''}.`,
    '',
  );
  if (!r.results.length) {
    lines.push(r.alerts === 'changed' ? 'No alert rule differs between base and head.' : 'No alert matches.', '');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    '| alert | environment | fired | firing time | pages | notifications |' + (r.compared ? ' verdict |' : ''),
    '|---|---|---|---|---|---|' + (r.compared ? '---|' : ''),
  );
  for (const x of r.results) {
    const cells = [
      `${x.alert}${x.severity ? ` (${x.severity})` : ''}`,
      x.environment,
      cellOf(x, r.compared, (v) => String(v.firings), 'no series'),
      cellOf(x, r.compared, (v) => humanSeconds(v.firingSeconds)),
      cellOf(x, r.compared, (v) => String(v.pages)),
      cellOf(x, r.compared, (v) => String(v.notifications)),
    ];
    if (r.compared) cells.push(verdict(x));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  for (const x of r.results) {
    const sides: [string, VariantReport | undefined][] = r.compared ? [['base', x.base], ['head', x.head]] : [['', x.head]];
    const rows = sides.flatMap(([s, v]) => firingRows(s || 'head', v));
    // Notes that base and head share are said once.
    const [nb, nh] = [notes('', x.base), notes('', x.head)];
    const shared = r.compared && x.base && x.head && nb.join('\n') === nh.join('\n');
    const ns = !r.compared || shared ? nh : [...notes('base', x.base), ...notes('head', x.head)];
    if (!rows.length && !ns.length) continue;
    lines.push(`### ${x.alert} — ${x.environment}`, '');
    if (rows.length) {
      lines.push('| | labels | pending since (UTC) | fired | resolved | firing | paged |', '|---|---|---|---|---|---|---|', ...rows, '');
    }
    for (const n of ns) lines.push(`- ${n}`);
    if (ns.length) lines.push('');
  }
  if (r.inhibitors.length) {
    const names = [...new Set(r.inhibitors.map((i) => i.alert))].sort();
    lines.push(`Also evaluated, as alerts that may inhibit the ones above: ${names.join(', ')}.`, '');
  }
  lines.push(`${r.requests} requests to Prometheus.`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(r: BacktestReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
