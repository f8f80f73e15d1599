/**
 * Detection budget per severity (catalog.yml `detection_budget`): the loader computes each alert's worst-case
 * detection time from its windows (through recording rules), `for` and the evaluation interval, and rejects one over
 * its budget unless it states `detection_exception`. docs/oncall.md shows the figure.
 */
import { loadCatalog } from '../lib/catalog/load';
import { formatIssue } from '../lib/catalog/errors';
import { detectionOf } from '../lib/catalog/detection';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { renderOnCallDoc } from '../lib/render/oncall-doc';
import { catalogIssues, copyCatalog, edit, FIXTURE_ALERTS, positionOf } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const family = (name: string) => new RegExp(`(  - family: ${name}\\n(?:.*\\n)*?    for: )\\S+`);

describe('detection budget', () => {
  it('computes window (through the recorded signal) + for + one evaluation, per environment', () => {
    const c = loadCatalog(FIXTURE_ALERTS);
    for (const env of c.catalog.environments) {
      const r = resolveEnvironment(c, env.name);
      const latency = allAlerts(r).find((a) => a.name === 'DeltaCrownHttpLatencyHigh')!;
      // The alert reads service:http_request_duration_seconds:p95_rate5m, recorded from a 5m rate.
      const d = detectionOf(c, r, latency, env.evaluation_interval);
      expect(d.parts).toBe(`window 5m + for ${latency.for} + evaluation ${env.evaluation_interval}`);
      expect(d.budget).toEqual({ seconds: 600, key: 'high' });
    }
  });

  it('measures a burn tier by a total outage: long window × burn rate × budget + for + evaluation', () => {
    const c = loadCatalog(FIXTURE_ALERTS);
    const r = resolveEnvironment(c, 'production');
    const fast = allAlerts(r).find((a) => a.name === 'DeltaCrownApiErrorBudgetFastBurn')!;
    // 1h × 14.4 × 0.1 % = 51.84 s, + 2m + 30s.
    expect(detectionOf(c, r, fast, '30s').seconds).toBeCloseTo(51.84 + 120 + 30, 6);
  });

  it('rejects an alert over its severity’s budget, located at its name, in the environment where it is worst', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', family('http-latency'), '$15m');
    const text = require('fs').readFileSync(`${dir}/rules/http.yml`, 'utf8') as string;
    const at = positionOf(text, 'name: DeltaCrownHttpLatencyHigh', 'name: '.length);
    expect(catalogIssues(dir).map(formatIssue)).toEqual([
      `${dir}/rules/http.yml:${at.line}:${at.column}: families[2].alerts[0].name: alert DeltaCrownHttpLatencyHigh detects in 11m at worst in staging (window 5m + for 5m + evaluation 1m), over the high budget of 10m (catalog.yml detection_budget.high); shorten its window or 'for', or state 'detection_exception' with the reason`,
    ]);
  });

  it('accepts it with a detection_exception that says why', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', family('http-latency'), '$15m');
    edit(dir, 'rules/http.yml', '      - name: DeltaCrownHttpLatencyHigh\n', '      - name: DeltaCrownHttpLatencyHigh\n        detection_exception: five minutes of p95 above 400ms, not a spike\n');
    expect(() => loadCatalog(dir)).not.toThrow();
  });

  it('rejects an exception without a reason', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'rules/http.yml', '      - name: DeltaCrownHttpLatencyHigh\n', '      - name: DeltaCrownHttpLatencyHigh\n        detection_exception: slow\n');
    const i = catalogIssues(dir).find((x) => x.field === 'families[2].alerts[0].detection_exception')!;
    expect(i).toMatchObject({ ...positionOf(text, 'detection_exception: slow', 'detection_exception: '.length), message: expect.stringMatching(/the reason this alert may take longer/) });
  });

  it('holds a burn tier to its own budget', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', 'burn: { fast_burn: 5m,', 'burn: { fast_burn: 3m,');
    const [i] = catalogIssues(dir);
    expect(formatIssue(i)).toMatch(
      /slos\.yml:\d+:\d+: slos\[0\]\.alerts\.fast_burn\.name: alert DeltaCrownApiErrorBudgetFastBurn detects in 3m52s at worst in staging \(52s to spend 2% of the budget at 100 % errors \+ for 2m \+ evaluation 1m\), over the fast burn tier's budget of 3m/,
    );
  });

  it('is skipped for a catalog without detection_budget (an older base of a review)', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', /detection_budget:\n(  .*\n)+/, '');
    edit(dir, 'rules/http.yml', family('http-latency'), '$15m');
    expect(() => loadCatalog(dir)).not.toThrow();
  });

  it('shows each alert’s figure in docs/oncall.md, and the exceptions', () => {
    const doc = renderOnCallDoc(resolveCatalog(loadCatalog(FIXTURE_ALERTS)));
    expect(doc).toMatch(/\| DeltaCrownHttpLatencyHigh \| high \| [^\n]* \| 4m \| 9m30s \| /);
    expect(doc).toMatch(/\| DeltaCrownTrafficDrop \| critical \| [^\n]* \| 10m30s \(over 5m: exception\) \| /);
  });
});
