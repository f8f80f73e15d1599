/**
 * Generates a catalog with `n` services for the scale benchmark: the committed catalog, with services
 * `deltacrown-api`, `deltacrown-worker`, `svc-003` … `svc-<n>`, and every alert family and SLO repeated for each
 * generated service (own alert names, same family and runbook section), so that every service carries the full
 * alert set and the PagerDuty services, integrations and routes grow with `n` (the synthetic checks, which are per
 * public endpoint, and the feature flags, which are per environment, stay as they are; the scenario library is left
 * out).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, stringify } from 'yaml';
import { benchTemp } from './measure';

const ALERTS = path.join(__dirname, '..', 'alerts');

/** `svc-003` → `Svc003`, a suffix for alert names. */
const suffix = (svc: string) => svc.replace(/^svc-/, 'Svc');

function rewrite(file: string, fn: (data: any) => void): void {
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  const data = doc.toJS();
  fn(data);
  const header = fs.readFileSync(file, 'utf8').split('\n')[0];
  fs.writeFileSync(file, `${header}\n${stringify(data, { lineWidth: 0 })}`);
}

function renameAlerts(family: any, svc: string): any {
  const copy = JSON.parse(JSON.stringify(family));
  if (copy.signal) delete copy.signal.record;
  for (const a of copy.alerts) {
    a.name = `${a.name}${suffix(svc)}`;
    if (a.signal) delete a.signal.record;
  }
  if (copy.service) copy.service = svc;
  else copy.services = [svc];
  return copy;
}

/** Writes the generated catalog to a temp directory and returns its path. */
export function generateCatalog(n: number): string {
  const dir = path.join(benchTemp(`bench-catalog-${n}-`), 'alerts');
  fs.cpSync(ALERTS, dir, { recursive: true });
  // The scenario library speaks of the project's own services (it is simulated, not synthesized): the generated
  // catalog has none, so that its alerts need no scenarios of their own.
  fs.rmSync(path.join(dir, 'scenarios'), { recursive: true, force: true });
  // Synth is measured here, not the simulation: the scenario library speaks of the committed catalog's alerts only
  // (the generated ones would have no scenario next to their thresholds).
  fs.rmSync(path.join(dir, 'scenarios'), { recursive: true, force: true });
  // The runbook next to it, as in the project: the loader checks every runbook anchor against it.
  fs.mkdirSync(path.join(dir, '..', 'docs'));
  fs.copyFileSync(path.join(ALERTS, '..', 'docs', 'runbook.md'), path.join(dir, '..', 'docs', 'runbook.md'));
  const generated = Array.from({ length: Math.max(0, n - 2) }, (_, i) => `svc-${String(i + 3).padStart(3, '0')}`);

  rewrite(path.join(dir, 'catalog.yml'), (c) => {
    c.services.push(...generated.map((name) => ({ name, description: `Generated service ${name}` })));
  });
  // Synthetic checks are per public endpoint and feature flags per environment, not per service: their alerts are
  // not repeated.
  for (const f of fs.readdirSync(path.join(dir, 'rules')).filter((x) => x !== 'synthetics.yml' && x !== 'feature-flags.yml')) {
    rewrite(path.join(dir, 'rules', f), (r) => {
      const originals = [...r.families];
      for (const svc of generated) for (const fam of originals) r.families.push(renameAlerts(fam, svc));
    });
  }
  rewrite(path.join(dir, 'slos.yml'), (s) => {
    const originals = [...s.slos];
    for (const svc of generated) {
      for (const slo of originals) {
        const copy = JSON.parse(JSON.stringify(slo).split('deltacrown-api').join(svc));
        copy.name = `${svc}-${slo.name}`;
        for (const b of Object.values(copy.alerts) as any[]) b.name = `${b.name}${suffix(svc)}`;
        s.slos.push(copy);
      }
    }
  });
  return dir;
}
