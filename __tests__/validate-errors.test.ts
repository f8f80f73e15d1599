/**
 * What `npm run validate` catches that only `npm test` used to: dead runbook anchors, thresholds in the wrong
 * unit, PromQL syntax errors inside multi-line expressions — each located at `file:line:column` with its field
 * path and what was expected, all at once, nothing written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { CatalogIssue, formatIssue } from '../lib/catalog/errors';
import { catalogIssues, copyCatalog, edit, positionOf, ROOT } from './helpers';

/** The one issue of `file` at `field`; fails with every issue listed when there is none or more than one. */
function issueAt(issues: CatalogIssue[], file: string, field: string): CatalogIssue {
  const found = issues.filter((i) => i.file.endsWith(`alerts/${file}`) && i.field === field);
  expect({ found: found.length, issues: issues.map(formatIssue) }).toMatchObject({ found: 1 });
  return found[0];
}

/** Line and column of an issue, to compare with `positionOf`. */
const where = (i: CatalogIssue) => ({ line: i.line, column: i.column });

describe('runbook anchors', () => {
  it('an alert family whose anchor is not a section of docs/runbook.md', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'rules/http.yml', 'runbook: http-5xx-ratio', 'runbook: http-5xx-rate');
    const issues = catalogIssues(dir);
    expect(issues).toHaveLength(1);
    const i = issueAt(issues, 'rules/http.yml', 'families[0].runbook');
    expect(where(i)).toEqual(positionOf(text, 'runbook: http-5xx-rate', 'runbook: '.length));
    expect(i.message).toBe("no section '#http-5xx-rate' in docs/runbook.md; expected one of its anchors, such as http-5xx-ratio");
  });

  it.each([
    ['an SLO', 'slos.yml', 'runbook: slo-burn-rate', 'runbook: slo-burn', 'slos[0].runbook', 'slo-burn-rate'],
    ['a guardrail alarm', 'guardrails.yml', 'runbook: s3-guardrails', 'runbook: s3', 's3.alarms[0].runbook', 's3-guardrails'],
    ['a dashboard', 'dashboards.yml', /runbook: moderation-gate-latency\n/, 'runbook: moderation-gate\n', 'dashboards[1].runbook', 'moderation-gate-latency'],
  ])('%s whose anchor is not a section', (_, file, from, to, field, hint) => {
    const dir = copyCatalog();
    const text = edit(dir, file, from, to);
    const anchor = to.trim().slice('runbook: '.length);
    const i = issueAt(catalogIssues(dir), file, field);
    expect(where(i)).toEqual(positionOf(text, to.trim(), 'runbook: '.length));
    expect(i.message).toBe(`no section '#${anchor}' in docs/runbook.md; expected one of its anchors, such as ${hint}`);
  });

  it('a heading of a code block in the runbook is no section (a shell comment is not an anchor)', () => {
    const dir = copyCatalog();
    const runbook = path.join(dir, '..', 'docs', 'runbook.md');
    fs.appendFileSync(runbook, '\n```bash\n# Extra section\necho\n```\n');
    const text = edit(dir, 'rules/http.yml', 'runbook: http-5xx-ratio', 'runbook: extra-section');
    const i = issueAt(catalogIssues(dir), 'rules/http.yml', 'families[0].runbook');
    expect(where(i)).toEqual(positionOf(text, 'extra-section'));
    fs.appendFileSync(runbook, '\n## Extra section\n');
    expect(() => loadCatalog(dir)).not.toThrow();
  });

  it('a repeated heading is reachable under its GitHub suffix (the second ### Symptoms is #symptoms-1)', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', 'runbook: http-5xx-ratio', 'runbook: symptoms-1');
    expect(() => loadCatalog(dir)).not.toThrow();
  });

  it('a catalog without its runbook is reported, unless the check is skipped explicitly', () => {
    const dir = copyCatalog();
    const runbook = path.join(dir, '..', 'docs', 'runbook.md');
    fs.rmSync(runbook);
    const issues = catalogIssues(dir);
    expect(issues.map((i) => [i.file, i.line, i.column, i.field])).toEqual([[runbook, 1, 1, '']]);
    expect(issues[0].message).toMatch(/^runbook not found next to the catalog directory: .*expected the project's docs\/runbook\.md/);
    expect(() => loadCatalog(dir, { runbook: false })).not.toThrow();
    expect(() => loadCatalog(dir, { runbook: path.join(ROOT, 'docs', 'runbook.md') })).not.toThrow();
  });
});
