/** The catalog as files: JSON Schemas for editors, and runbook links that resolve. */
import * as fs from 'fs';
import * as path from 'path';
import { renderSchemas } from '../bin/schemas';
import { CATALOG_FILES } from '../lib/catalog/model';
import { loadCatalog } from '../lib/catalog/load';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { guardrailEnvironments, planGuardrails } from '../lib/plan/guardrails';
import { LIVE_ALERTS, runbookAnchors } from './helpers';

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'schemas' ? [] : yamlFiles(abs);
    return /\.ya?ml$/.test(e.name) ? [abs] : [];
  });
}

describe('JSON Schemas', () => {
  it('are generated from the validation schema and committed up to date (npm run schemas)', () => {
    for (const [name, text] of renderSchemas()) {
      expect({ name, text: fs.readFileSync(path.join(LIVE_ALERTS, 'schemas', name), 'utf8') }).toEqual({ name, text });
    }
  });

  it.each(yamlFiles(LIVE_ALERTS).map((f) => path.relative(LIVE_ALERTS, f)))('%s references the JSON Schema of its kind', (rel) => {
    const first = fs.readFileSync(path.join(LIVE_ALERTS, rel), 'utf8').split('\n')[0];
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m).not.toBeNull();
    const schemaPath = path.resolve(path.dirname(path.join(LIVE_ALERTS, rel)), m![1]);
    expect(fs.existsSync(schemaPath)).toBe(true);
    const kind = Object.entries(CATALOG_FILES).find(([, spec]) => {
      const re = new RegExp(`^${spec.pattern.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
      return re.test(rel);
    })?.[0];
    expect(path.basename(schemaPath)).toBe(`${kind}.schema.json`);
  });
});

describe('runbook links', () => {
  const headings = runbookAnchors();
  const anchors = new Set<string>();
  for (const f of yamlFiles(LIVE_ALERTS)) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/^\s*(?:-\s+)?runbook(?:_anchor)?:\s*([a-z0-9-]+)\s*$/gm)) anchors.add(m[1]);
  }

  it('finds anchors in the catalog', () => {
    expect(anchors.size).toBeGreaterThanOrEqual(14);
  });

  it.each([...anchors].sort())('#%s is a section of docs/runbook.md', (anchor) => {
    expect(headings.has(anchor)).toBe(true);
  });

  it('every runbook_url the stacks deploy (alerts and guardrail alarms, every environment) opens an existing section', () => {
    const c = loadCatalog(LIVE_ALERTS);
    const urls = new Set<string>();
    for (const e of c.catalog.environments) for (const a of allAlerts(resolveEnvironment(c, e.name))) urls.add(a.annotations.runbook_url);
    for (const env of guardrailEnvironments(c)) {
      const plan = planGuardrails(c, env);
      for (const a of [...(plan.rds?.alarms ?? []), ...(plan.elasticache?.alarms ?? []), ...(plan.s3?.alarms ?? [])]) urls.add(a.runbookUrl);
    }
    expect(urls.size).toBeGreaterThanOrEqual(15);
    for (const url of urls) {
      const [base, anchor] = url.split('#');
      expect(base).toBe(c.catalog.project.runbook_base_url);
      expect({ url, exists: headings.has(anchor) }).toEqual({ url, exists: true });
    }
  });
});
