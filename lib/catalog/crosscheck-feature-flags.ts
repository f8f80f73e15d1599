/**
 * Cross-checks of `feature_flags.yml`: unique flag names; an expected value per environment names every environment of
 * catalog.yml and no other; and some alert family `feature-flag-drift` (rules/*.yml) watches the flags — its rule
 * group receives their expected values (lib/catalog/feature-flags.ts), so without it nobody would compare them.
 * Every issue is located in its file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CatalogIssue } from './errors';
import type { Catalog } from './model';
import { CATALOG_FILES } from './model';
import { FEATURE_FLAG_FAMILY } from './feature-flags';

/** The drift families of the rule files, located. */
function driftFamilies(c: Catalog) {
  return c.ruleFiles.flatMap(({ source, data }) => data.families.map((x, i) => ({ source, i, family: x.family }))).filter((x) => x.family === FEATURE_FLAG_FAMILY);
}

/** Whether some rule file has the family `feature-flag-drift` (its alerts read the recorded expected values). */
export function hasFeatureFlagFamily(c: Catalog): boolean {
  return driftFamilies(c).length > 0;
}

export function crossCheckFeatureFlags(c: Catalog): CatalogIssue[] {
  const f = c.featureFlags;
  const src = c.sources.featureFlags;
  const issues: CatalogIssue[] = [];
  const families = driftFamilies(c);
  if (!f || !src) {
    // A feature_flags.yml that failed validation has its own errors; only a missing one is this family's.
    if (families.length && !fs.existsSync(path.join(c.dir, CATALOG_FILES.feature_flags.pattern))) {
      const first = families[0];
      issues.push(first.source.issue(['families', first.i, 'family'], `no ${CATALOG_FILES.feature_flags.pattern}: the expected flag values this family compares are recorded nowhere; add the file with the flags and their expected values`));
    }
    return issues;
  }
  if (families.length === 0) {
    issues.push(src.issue(['flags'], `no alert family '${FEATURE_FLAG_FAMILY}' in rules/*.yml: a flag that drifts from its expected value would alert nobody`));
  }
  for (const extra of families.slice(1)) {
    issues.push(extra.source.issue(['families', extra.i, 'family'], `family '${FEATURE_FLAG_FAMILY}' is defined twice: the expected flag values go to one rule group`));
  }
  const envs = c.catalog.environments.map((e) => e.name);
  const seen = new Map<string, number>();
  f.flags.forEach((flag, i) => {
    const at = ['flags', i];
    if (seen.has(flag.name)) issues.push(src.issue([...at, 'name'], `duplicate flag '${flag.name}' (also flags[${seen.get(flag.name)}])`));
    else seen.set(flag.name, i);
    if (typeof flag.expected === 'boolean') return;
    for (const env of Object.keys(flag.expected)) {
      if (!envs.includes(env)) issues.push(src.issue([...at, 'expected', env], `unknown environment '${env}'; expected one of ${envs.join(', ')}`, src.keyAt([...at, 'expected'], env)));
    }
    const missing = envs.filter((e) => !(e in (flag.expected as Record<string, unknown>)));
    if (missing.length) {
      issues.push(src.issue([...at, 'expected'], `no expected value for environment${missing.length === 1 ? '' : 's'} ${missing.map((m) => `'${m}'`).join(', ')}; name every environment (true, false, or 'any' where the value is free)`));
    }
  });
  return issues;
}
