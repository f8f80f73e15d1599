/**
 * docs/runbook.md: every threshold, severity, delay and escalation statement sits in a generated region that
 * `npm run docs` rewrites from the catalog; `--check` names the stale region; the runbook's anchors never move.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { resolveOnCall } from '../lib/catalog/resolve-oncall';
import { markdownAnchors } from '../lib/markdown';
import { renderRunbookRegions, runbookRegions, withRunbookRegions } from '../lib/render/runbook';
import { FIXTURE, FIXTURE_ALERTS, LIVE_ALERTS, ROOT, copyCatalog, edit, runCommand } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const read = (f: string) => fs.readFileSync(f, 'utf8');

/** The text of one `## ` section of a runbook (up to the next one). */
function sectionOf(markdown: string, anchor: string): string {
  const parts = markdown.split(/\n(?=## )/);
  const s = parts.find((p) => markdownAnchors(p.split('\n')[0]).has(anchor));
  if (!s) throw new Error(`no section ${anchor}`);
  return s;
}

describe('docs/runbook.md generated regions', () => {
  it('the committed runbook is up to date with the live catalog (npm run docs)', () => {
    const text = read(path.join(ROOT, 'docs', 'runbook.md'));
    expect(text).toBe(withRunbookRegions(text, renderRunbookRegions(resolveCatalog(loadCatalog(LIVE_ALERTS)))));
  });

  it('states every live alert threshold in a generated region of the alert’s own section', () => {
    const c = loadCatalog(LIVE_ALERTS);
    const text = read(path.join(ROOT, 'docs', 'runbook.md'));
    for (const a of allAlerts(resolveEnvironment(c, c.catalog.environments[0].name))) {
      const regions = runbookRegions(sectionOf(text, a.runbookAnchor));
      const generated = regions.map((r) => r.text).join('\n');
      expect({ alert: a.name, inRegion: generated.includes(`**${a.name}** (${a.severity})`) }).toEqual({ alert: a.name, inRegion: true });
      if (a.thresholdText) expect(generated).toContain(a.thresholdText);
    }
  });

  it('says what PagerDuty does: acknowledgement-based escalation, the acknowledgement timeout, and what replaces time-to-resolve rules', () => {
    const c = loadCatalog(FIXTURE_ALERTS);
    const r = resolveOnCall(c);
    const esc = renderRunbookRegions(resolveCatalog(c)).get('escalation')!;
    expect(esc).toMatch(/escalation is driven by \*acknowledgement\* only/);
    expect(esc).toContain('not acknowledged within 5m (MTTA) → secondary on-call');
    expect(esc).toContain('still unacknowledged 15m (MTTR) later → engineering manager');
    expect(esc).toContain(`not resolved within ${r.pagerduty.acknowledgementTimeout.duration} (\`critical.mttr\`, the acknowledgement timeout`);
    expect(esc).toMatch(/PagerDuty cannot escalate on time to \*resolve\*.*manual step.*past its MTTR target \(critical 15m, high 30m\)/);
    // The runbook's old statements that contradicted PagerDuty are gone.
    const text = read(path.join(FIXTURE, 'docs', 'runbook.md'));
    expect(text).not.toMatch(/Not resolved in 30 min → secondary|If no acknowledgment in 5 min|escalates to the Team Lead/);
  });

  it('a threshold change makes --check fail naming the stale regions; npm run docs rewrites every place, anchors and hand-written text kept', () => {
    const alerts = copyCatalog();
    const root = path.dirname(alerts);
    const runbook = path.join(root, 'docs', 'runbook.md');
    const before = read(runbook);
    expect(runCommand('bin/docs', ['--root', root, '--check']).stderr).not.toContain('docs/runbook.md');

    edit(alerts, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.07');
    const check = runCommand('bin/docs', ['--root', root, '--check']);
    expect(check.status).toBe(1);
    const line = before.split('\n').findIndex((l) => l.includes('<!-- begin generated:conditions:http-5xx-ratio -->')) + 1;
    expect(check.stderr).toContain(`region conditions:http-5xx-ratio at line ${line}`);
    expect(check.stderr).toContain('region first-hour-impact at line');
    expect(read(runbook)).toBe(before);

    const docs = runCommand('bin/docs', ['--root', root]);
    expect(docs.stderr).toBe('');
    expect(docs.stdout).toContain('docs/runbook.md');
    const after = read(runbook);
    const http = sectionOf(after, 'http-5xx-ratio');
    expect(http).toContain('**DeltaCrownHttp5xxRatioCritical** (critical): HTTP 5xx ratio above 7%');
    expect(after).not.toContain('above 5%');
    expect(markdownAnchors(after)).toEqual(markdownAnchors(before));
    // Outside the regions nothing changed.
    const strip = (t: string) => t.replace(/<!-- begin generated:([\w:-]+) -->[\s\S]*?<!-- end generated:\1 -->/g, '');
    expect(strip(after)).toBe(strip(before));
    expect(runCommand('bin/docs', ['--root', root, '--check']).status).toBe(0);
  });

  it('rejects a region the catalog does not generate, and a missing region, naming them; nothing written', () => {
    const alerts = copyCatalog();
    const root = path.dirname(alerts);
    const runbook = path.join(root, 'docs', 'runbook.md');
    const text = read(runbook);
    fs.writeFileSync(runbook, `${text}\n<!-- begin generated:conditions:no-such-family -->\n<!-- end generated:conditions:no-such-family -->\n`);
    const unknown = runCommand('bin/docs', ['--root', root]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/docs\/runbook\.md:\d+: region 'conditions:no-such-family' is not generated from the catalog/);

    fs.writeFileSync(runbook, text.replace(/<!-- begin generated:conditions:traffic-drop -->[\s\S]*?<!-- end generated:conditions:traffic-drop -->\n/, ''));
    const missing = runCommand('bin/docs', ['--root', root]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("docs/runbook.md: no region 'conditions:traffic-drop'");
    expect(fs.existsSync(path.join(root, 'docs', 'oncall.md'))).toBe(false);
  });
});
