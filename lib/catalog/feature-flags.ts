/**
 * The feature flags' expected values (feature_flags.yml) for one environment, as Prometheus recording rules: one
 * series per watched flag, `flag:deltacrown_feature_flag_enabled:expected{flag="<NAME>", expected="true"|"false"}`
 * with value 1 or 0. They are rendered into the rule group of the alert family `feature-flag-drift`, whose alerts
 * compare them with the gauge the application exposes (`deltacrown_feature_flag_enabled{flag}` 0/1): one generic
 * rule for every flag, no rule written per flag. A flag an environment marks `any` has no series there (neither its
 * value nor its absence is watched).
 */
import type { Catalog } from './model';
import { FLAG_ANY } from './schema-feature-flags';

/** The alert family whose rule group holds the expected values (rules/*.yml), and the runbook anchor it links. */
export const FEATURE_FLAG_FAMILY = 'feature-flag-drift';

/** The recording rule holding each watched flag's expected value (1 enabled, 0 disabled), label `flag`. */
export const FEATURE_FLAG_EXPECTED = 'flag:deltacrown_feature_flag_enabled:expected';

/** A flag's expected value in one environment: true, false, or `any` (not watched). */
export type ExpectedFlagValue = boolean | typeof FLAG_ANY;

/** Every flag with its expected value in `environment`, in file order. */
export function expectedFlags(c: Catalog, environment: string): { name: string; description: string; expected: ExpectedFlagValue }[] {
  return (c.featureFlags?.flags ?? []).map((f) => ({
    name: f.name,
    description: f.description,
    // The loader ensures every environment is named in a per-environment map.
    expected: typeof f.expected === 'boolean' ? f.expected : (f.expected[environment] ?? FLAG_ANY),
  }));
}

/** The recording rules of `environment`'s expected flag values (none for a flag that is `any` there). */
export function featureFlagRecords(c: Catalog, environment: string): { record: string; expr: string; labels: Record<string, string> }[] {
  return expectedFlags(c, environment)
    .filter((f) => f.expected !== FLAG_ANY)
    .map((f) => ({
      record: FEATURE_FLAG_EXPECTED,
      expr: `vector(${f.expected ? 1 : 0})`,
      labels: { flag: f.name, expected: String(f.expected) },
    }));
}
