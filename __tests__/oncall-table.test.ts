/** The README's severity and escalation section: generated from the catalog, and checked so it cannot drift. */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { currentOnCallTable, ONCALL_TABLE_BEGIN, ONCALL_TABLE_END, renderOnCallTable, withOnCallTable } from '../lib/render/oncall-table';
import { FIXTURE_ALERTS, LIVE_ALERTS, copyCatalog, edit, ROOT } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

/** The fixture catalog, for the table's content; the README is checked against the live catalog. */
const catalog = loadCatalog(FIXTURE_ALERTS);
const live = loadCatalog(LIVE_ALERTS);
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README "Severities and escalation"', () => {
  it('is the table generated from the catalog (run `npm run docs` after changing a target, delay or route)', () => {
    expect(currentOnCallTable(readme)).toBe(renderOnCallTable(resolveCatalog(live)));
  });

  it('shows every severity with its targets, PagerDuty severity, urgency per environment and where it goes', () => {
    const table = renderOnCallTable(resolveCatalog(catalog));
    const row = (sev: string) => table.split('\n').find((l) => l.startsWith(`| **${sev}** |`))!.split('|').map((c) => c.trim());
    const t = catalog.catalog.severities;
    expect(row('critical').slice(2, 6)).toEqual([t.critical.mtta, t.critical.mttr, '`critical`', 'high / low']);
    expect(row('critical')[6]).toMatch(/^primary on-call → 5m \(MTTA\) → secondary on-call → 5m \(MTTA\) → team lead → 15m \(MTTR\) → engineering manager/);
    expect(row('critical').slice(7, 9)).toEqual(['PagerDuty `deltacrown-api` / `deltacrown-worker` (Events API v2), critical policy', 'Slack #infra-alerts, no page']);
    expect(row('high').slice(2, 6)).toEqual([t.high.mtta, t.high.mttr, '`error`', 'high / low']);
    expect(row('high')[6]).toMatch(/^primary on-call → 15m \(MTTA\) → secondary on-call/);
    expect(row('warning').slice(6, 9)).toEqual(['no escalation (does not page)', 'Slack #infra-alerts, no page', 'Slack #infra-alerts, no page']);
    expect(table).toMatch(/Escalation chain: \*\*Primary on-call\*\* → \*\*Secondary on-call\*\* → \*\*Team lead\*\* → \*\*Engineering manager\*\*/);
    expect(table).toMatch(/manager@deltacrown\.com/);
    expect(table).toMatch(/not resolved within 15m \(`critical\.mttr`, the acknowledgement timeout\) comes back/);
  });

  it('changes with the catalog: a new MTTA target is in the table and the committed README becomes stale', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', '    mtta: 5m\n    mttr: 15m', '    mtta: 4m\n    mttr: 15m');
    const table = renderOnCallTable(resolveCatalog(loadCatalog(dir)));
    expect(table).toMatch(/\| \*\*critical\*\* \| 4m \| 15m \|.*→ 4m \(MTTA\) → secondary on-call/);
    expect(table).not.toBe(renderOnCallTable(resolveCatalog(catalog)));
  });

  it('is rewritten between its markers only', () => {
    const before = readme.slice(0, readme.indexOf(ONCALL_TABLE_BEGIN));
    const after = readme.slice(readme.indexOf(ONCALL_TABLE_END));
    const next = withOnCallTable(readme, 'NEW TABLE');
    expect(next.startsWith(before)).toBe(true);
    expect(next.endsWith(after)).toBe(true);
    expect(currentOnCallTable(next)).toBe('NEW TABLE');
    expect(withOnCallTable(next, renderOnCallTable(resolveCatalog(live)))).toBe(readme);
    expect(() => withOnCallTable('# no markers', 'x')).toThrow(/markers/);
  });
});
