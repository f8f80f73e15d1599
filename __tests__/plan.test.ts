/** The environment plan: computed once, plain, frozen, and the only way a consumer sees an environment. */
import { loadCatalog } from '../lib/catalog/load';
import { resolve, resolveCatalog } from '../lib/plan/resolve';
import { FIXTURE_ALERTS } from './helpers';

const catalog = loadCatalog(FIXTURE_ALERTS);

describe('resolve(catalog, environment)', () => {
  it('is computed once per catalog and environment', () => {
    expect(resolve(catalog, 'production')).toBe(resolve(catalog, 'production'));
    expect(resolveCatalog(catalog).environments.find((e) => e.name === 'staging')).toBe(resolve(catalog, 'staging'));
  });

  it('is plain, serialisable data', () => {
    const plan = resolveCatalog(catalog);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('is immutable', () => {
    const plan = resolve(catalog, 'production');
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.alerts[0].labels)).toBe(true);
    expect(() => {
      (plan.alerts[0].labels as Record<string, string>).severity = 'none';
    }).toThrow(TypeError);
  });

  it('holds every part concrete: names with the suffix, URLs, detection per alert', () => {
    const staging = resolve(catalog, 'staging');
    expect(staging.kubernetes.ruleName.endsWith(staging.nameSuffix)).toBe(true);
    for (const d of staging.dashboards?.dashboards ?? []) expect(d.uid).toBe(`${d.spec.uid}${staging.nameSuffix}`);
    expect(Object.keys(staging.detection).sort()).toEqual(staging.alerts.map((a) => a.name).sort());
    for (const k of staging.checks) expect(k.url.startsWith('http')).toBe(true);
  });

  it('refuses an unknown environment', () => {
    expect(() => resolve(catalog, 'prod')).toThrow("unknown environment 'prod'; expected one of production, staging");
  });
});
