/** docs/oncall.md: generated from the catalog, committed, and never stale. */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { renderOnCallDoc } from '../lib/render/oncall-doc';
import { planGuardrails } from '../lib/plan/guardrails';
import { resolveChecks } from '../lib/plan/synthetics';
import { FIXTURE, FIXTURE_ALERTS, LIVE_ALERTS, ROOT, copyCatalog, edit, runbookAnchors } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);
const doc = renderOnCallDoc(resolveCatalog(catalog));

describe('docs/oncall.md', () => {
  it('is committed up to date with the live catalog (npm run docs)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'oncall.md'), 'utf8')).toBe(renderOnCallDoc(resolveCatalog(loadCatalog(LIVE_ALERTS))));
  });

  it('lists every alert with its severity, condition and runbook section', () => {
    for (const a of allAlerts(resolveEnvironment(catalog, 'production'))) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${a.name} |`));
      expect(row).toBeDefined();
      expect(row).toContain(`| ${a.severity} |`);
      expect(row).toContain(`(runbook.md#${a.runbookAnchor})`);
      if (a.thresholdText) expect(row).toContain(a.thresholdText);
    }
  });

  it('lists every guardrail alarm, synthetic check and dashboard', () => {
    for (const env of ['production', 'staging']) {
      const plan = planGuardrails(catalog, env);
      for (const a of [...plan.rds!.alarms, ...plan.elasticache!.alarms, ...plan.s3!.alarms]) expect(doc).toContain(`| ${a.alarmName} |`);
    }
    for (const k of resolveChecks(catalog, 'production')) expect(doc).toContain(`| ${k.name} | ${k.method} ${k.url} |`);
    for (const d of catalog.dashboards!.dashboards) expect(doc).toContain(d.title);
  });

  it('shows the escalation delays and where each severity goes', () => {
    expect(doc).toMatch(/\| \*\*critical\*\* \| 5m \| 15m \|/);
    expect(doc).toMatch(/\*\*staging\*\*: routes — critical: Slack #infra-alerts/);
  });

  it('follows a threshold change in the catalog', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.07');
    const changed = renderOnCallDoc(resolveCatalog(loadCatalog(dir)));
    expect(changed).toMatch(/\| DeltaCrownHttp5xxRatioCritical \| critical \| [^|]+ \| > 7% \|/);
    expect(changed).not.toBe(doc);
  });

  it('links only to runbook sections that exist', () => {
    const slugs = runbookAnchors(path.join(FIXTURE, 'docs', 'runbook.md'));
    for (const m of doc.matchAll(/\(runbook\.md#([a-z0-9-]+)\)/g)) expect(slugs.has(m[1])).toBe(true);
  });
});
