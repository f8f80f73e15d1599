/**
 * The validated catalog: what `loadCatalog` returns. Plain data inferred from the schemas, plus the sources
 * it was read from (so later checks can still point at a line). Renderers read it and never change it.
 */
import type { ZodTypeAny } from 'zod';
import { catalogFileSchema, metricsFileSchema, ruleFileSchema, sloFileSchema } from './schema';
import type { CatalogFile, MetricsFile, RuleFile, SloFile } from './schema';
import { guardrailsFileSchema } from './schema-guardrails';
import type { GuardrailsFile } from './schema-guardrails';
import { oncallFileSchema } from './schema-oncall';
import type { OnCallFile } from './schema-oncall';
import { syntheticsFileSchema } from './schema-synthetics';
import type { SyntheticsFile } from './schema-synthetics';
import { dashboardsFileSchema } from './schema-dashboards';
import type { DashboardsFile } from './schema-dashboards';
import { featureFlagsFileSchema } from './schema-feature-flags';
import type { FeatureFlagsFile } from './schema-feature-flags';
import { backgroundFileSchema, scenarioFileSchema } from './schema-scenarios';
import type { BackgroundFile, ScenarioFile } from './schema-scenarios';
import type { SourceFile } from './source';
import type { BurnAlert, Slo } from './schema';

/** An SLO's burn-rate alert tiers, fastest first: page now, page soon, ticket for a slow leak. */
export const BURN_KINDS = ['fast_burn', 'slow_burn', 'ticket'] as const;
export type BurnKind = (typeof BURN_KINDS)[number];
/** The `burn` label of each tier. */
export const BURN_WORD: Record<BurnKind, string> = { fast_burn: 'fast', slow_burn: 'slow', ticket: 'ticket' };

/** The burn-rate alerts an SLO has, fastest first. */
export function burnAlertsOf(slo: Slo): [BurnKind, BurnAlert][] {
  return BURN_KINDS.flatMap((k) => (slo.alerts[k] ? [[k, slo.alerts[k]!] as [BurnKind, BurnAlert]] : []));
}

/** Each kind of catalog file: where it lives in the catalog directory and the schema it must satisfy. */
export const CATALOG_FILES = {
  catalog: { pattern: 'catalog.yml', schema: catalogFileSchema as ZodTypeAny, required: true },
  metrics: { pattern: 'metrics.yml', schema: metricsFileSchema as ZodTypeAny, required: true },
  slos: { pattern: 'slos.yml', schema: sloFileSchema as ZodTypeAny, required: false },
  rules: { pattern: 'rules/*.yml', schema: ruleFileSchema as ZodTypeAny, required: false },
  guardrails: { pattern: 'guardrails.yml', schema: guardrailsFileSchema as ZodTypeAny, required: false },
  oncall: { pattern: 'oncall.yml', schema: oncallFileSchema as ZodTypeAny, required: false },
  synthetics: { pattern: 'synthetics/uptime_checks.yml', schema: syntheticsFileSchema as ZodTypeAny, required: false },
  dashboards: { pattern: 'dashboards.yml', schema: dashboardsFileSchema as ZodTypeAny, required: false },
  feature_flags: { pattern: 'feature_flags.yml', schema: featureFlagsFileSchema as ZodTypeAny, required: false },
  // A file name wins over a pattern that also matches it: background.yml is the background, not a scenario file.
  background: { pattern: 'scenarios/background.yml', schema: backgroundFileSchema as ZodTypeAny, required: false },
  scenarios: { pattern: 'scenarios/*.yml', schema: scenarioFileSchema as ZodTypeAny, required: false },
} as const;

export type CatalogFileKind = keyof typeof CATALOG_FILES;

export interface Catalog {
  /** Absolute path of the catalog directory. */
  readonly dir: string;
  readonly catalog: CatalogFile;
  readonly metrics: MetricsFile;
  readonly slos: SloFile;
  readonly ruleFiles: readonly { source: SourceFile; data: RuleFile }[];
  /** AWS CloudWatch guardrails (guardrails.yml), when the catalog has them. */
  readonly guardrails?: GuardrailsFile;
  /** The on-call model (oncall.yml): rotation, escalation, routing per severity; absent in a catalog without one. */
  readonly oncall?: OnCallFile;
  /** The synthetic uptime checks (synthetics/uptime_checks.yml), when the catalog has them. */
  readonly synthetics?: SyntheticsFile;
  /** Grafana dashboards' identities and the Grafana of each environment (dashboards.yml), when the catalog has them. */
  readonly dashboards?: DashboardsFile;
  /** The feature flags and their expected value per environment (feature_flags.yml), when the catalog has them. */
  readonly featureFlags?: FeatureFlagsFile;
  /** The healthy background every simulated scenario starts from (scenarios/background.yml), when the catalog has one. */
  readonly background?: BackgroundFile;
  /** The scenario library (scenarios/*.yml): one entry per file. */
  readonly scenarioFiles: readonly { source: SourceFile; data: ScenarioFile }[];
  readonly sources: {
    catalog: SourceFile;
    metrics: SourceFile;
    slos?: SourceFile;
    guardrails?: SourceFile;
    oncall?: SourceFile;
    synthetics?: SourceFile;
    dashboards?: SourceFile;
    featureFlags?: SourceFile;
    background?: SourceFile;
  };
}

/** Severities an alert may have: the catalog's three, plus `none`/`info` for alerts that notify nobody. */
export const NON_NOTIFYING_SEVERITIES = ['none', 'info'] as const;

/** The catalog's severities, most severe first. */
export const SEVERITY_ORDER = ['critical', 'high', 'warning'] as const;
export type Severity = (typeof SEVERITY_ORDER)[number];

/** Rank of a severity (0 = most severe); non-notifying ones rank last. */
export function severityRank(s: string): number {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(s);
  return i === -1 ? SEVERITY_ORDER.length : i;
}
