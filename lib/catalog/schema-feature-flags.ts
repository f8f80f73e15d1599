/**
 * Schema of `alerts/feature_flags.yml`: the runbook's feature flags (environment variables of the API) and the value
 * each environment must run. The flags' expected values become recording rules per environment
 * (`lib/catalog/feature-flags.ts`), which the alerts of family `feature-flag-drift` compare with the gauge the
 * application exposes (metrics.yml `deltacrown_feature_flag_enabled`): a flag that differs, and a flag not reported.
 */
import { z } from 'zod';
import { slug } from './schema';

/** An environment that does not care about a flag's value: neither drift nor absence is watched there. */
export const FLAG_ANY = 'any';

const EXPECTED_ONE = `true, false or '${FLAG_ANY}' (not watched in that environment)`;
const EXPECTED = `true or false (every environment), or per environment { <environment>: ${EXPECTED_ONE} }`;

const perEnvironment = z.union([z.boolean(), z.literal(FLAG_ANY)], { errorMap: () => ({ message: `expected ${EXPECTED_ONE}` }) });

export const featureFlagSchema = z
  .object({
    name: z
      .string({ invalid_type_error: 'a flag name' })
      .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name such as MODERATION_CACHE_ENABLED')
      .describe('The flag: the environment variable of the deployment, and the `flag` label of its gauge.'),
    description: z.string().min(1).describe('What the flag switches, and why it has its expected value (the runbook’s words).'),
    expected: z
      .union([z.boolean(), z.record(slug, perEnvironment)], {
        errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' ? `expected ${EXPECTED}` : ctx.defaultError }),
      })
      .describe(
        `The value the flag must have: one for every environment, or one per environment (every environment of catalog.yml named; '${FLAG_ANY}' where its value is free).`,
      ),
  })
  .strict();

export const featureFlagsFileSchema = z
  .object({
    flags: z.array(featureFlagSchema).min(1).describe('The flags whose drift from their expected value alerts.'),
  })
  .strict();

export type FeatureFlagsFile = z.infer<typeof featureFlagsFileSchema>;
export type FeatureFlagSpec = z.infer<typeof featureFlagSchema>;
