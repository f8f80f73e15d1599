/**
 * The glossary of the domain: what one environment of the catalog *is* once every choice has been made.
 *
 *   alerts/*.yml ──loadCatalog──▶ Catalog ──resolve(catalog, environment)──▶ EnvironmentPlan ──renderers──▶ outputs
 *
 * An `EnvironmentPlan` is computed once per environment (lib/plan/resolve.ts) and is plain, immutable (frozen),
 * serialisable data: overrides applied, disabled alerts dropped, names carry the environment's suffix, URLs are
 * complete, thresholds are in the signal's unit with their display text, detection times are worked out. The
 * renderers (lib/render/), the constructs and stacks, the docs, the review and the command-line tools read plans
 * and never the catalog, so "production" becomes concrete in exactly one place.
 *
 * The parts, each with its own type:
 *
 * | part            | type                | what it is                                                              |
 * |-----------------|---------------------|-------------------------------------------------------------------------|
 * | environment     | `EnvironmentPlan`   | name, whether it pages, evaluation interval, name suffix               |
 * | kubernetes      | `KubernetesPlan`    | kube context, namespace, PrometheusRule name and labels                 |
 * | rules           | `RulesPlan`         | rule groups: recording rules and alerts (`ResolvedAlert`), full PromQL  |
 * | alerts          | `ResolvedAlert[]`   | every alert of the groups, flat                                         |
 * | detection       | `Detection`         | per alert: worst-case detection time, how it adds up, its budget        |
 * | families        | `FamilyPlan`        | alert families: title, runbook section, services, signal, dashboard     |
 * | slos            | `Slo`               | the SLO definitions (objective, windows, burn tiers)                    |
 * | onCall          | `OnCallPlan`        | rotation, escalation per severity, routing and urgency of the env      |
 * | pagerduty       | `PagerDutyPlan`     | team, schedules, policies, services, integrations, business service     |
 * | guardrails      | `GuardrailsPlan`    | SNS topics, parameter groups, CloudWatch alarms in native units         |
 * | checks          | `ResolvedCheck`     | synthetic checks, every default applied, full URLs                      |
 * | dashboards      | `DashboardsPlan`    | Grafana URL, dashboards with the environment's uid and URL, limits      |
 * | featureFlags    | `FeatureFlagPlan`   | each flag's expected value in the environment (or `any`: not watched)   |
 *
 * `CatalogPlan` holds every environment's plan plus what is the same for all of them (project, services,
 * severity targets, the on-call model), for the documents that speak of all environments at once.
 */
import type { ResolvedAlert, ResolvedEnvironment } from '../catalog/resolve';
import type { OnCallEnvironment, ResolvedOnCall } from '../catalog/resolve-oncall';
import type { Detection } from '../catalog/detection';
import type { Slo, Unit } from '../catalog/schema';
import type { DashboardSpec, DashboardsFile } from '../catalog/schema-dashboards';
import type { CatalogFile } from '../catalog/schema';
import type { PagerDutyPlan } from './pagerduty';
import type { GuardrailsPlan } from './guardrails';
import type { ResolvedCheck } from './synthetics';

// The vocabulary the renderers share with the catalog, named here so that nothing below the plan is imported
// by a renderer, a construct or a stack.
export type { ResolvedAlert, RecordingRule, ResolvedGroup } from '../catalog/resolve';
export type { EscalationStep, OnCallSeverity, Destination, OnCallEnvironment, ResolvedOnCall } from '../catalog/resolve-oncall';
export type { Detection } from '../catalog/detection';
export type { Severity, BurnKind } from '../catalog/model';
export type { Slo, Unit, Examples, Example } from '../catalog/schema';
export type { DashboardKind, DashboardSpec } from '../catalog/schema-dashboards';
export type { OnCallLevel, RouteTimings } from '../catalog/schema-oncall';
export type { HttpMethod } from '../catalog/schema-synthetics';
export type { GuardrailParameter } from '../catalog/schema-guardrails';
export type { PagerDutyPlan, SchedulePlan, EscalationPolicyPlan, ServicePlan, CloudWatchServicePlan, IntegrationKind, ScheduleKey, EscalationTarget } from './pagerduty';
export type { GuardrailsPlan, TopicPlan, AlarmPlan, ParameterGroupPlan, RdsPlan, ElastiCachePlan, S3Plan, DestinationPlan, ParameterGroupNaming } from './guardrails';
export type { ResolvedCheck } from './synthetics';

/** The rule groups of one environment (recording rules and alerts), in catalog order. */
export type RulesPlan = ResolvedEnvironment;

/** The project as catalog.yml names it. */
export interface ProjectPlan {
  readonly name: string;
  /** Base URL of the runbook; an alert's runbook link is `<base>#<section>`. */
  readonly runbookBaseUrl: string;
}

export interface ServiceInfo {
  readonly name: string;
  readonly description: string;
}

/** catalog.yml `severities.<name>`: MTTA / MTTR targets, whether it pages, what a missed target means. */
export type SeverityTargets = CatalogFile['severities'][keyof CatalogFile['severities']];

/** Targets of every severity (critical, high, warning). */
export type SeverityTable = CatalogFile['severities'];

/** Where the environment's rules and Alertmanager live in its cluster. */
export interface KubernetesPlan {
  /** kubeconfig context (catalog.yml `kubernetes.context`); the stacks refuse an empty one. */
  readonly context: string;
  readonly namespace: string;
  /** The PrometheusRule's name with the environment's suffix. */
  readonly ruleName: string;
  readonly ruleLabels: Readonly<Record<string, string>>;
}

/** An alert family: what the runbook section, the dashboards and the docs say about a group of alerts. */
export interface FamilyPlan {
  readonly family: string;
  readonly title: string;
  /** Runbook section (anchor). */
  readonly runbook: string;
  /** Services it watches. */
  readonly services: readonly string[];
  /** The query its panel draws (the recording rule, else the signal's expression) and the signal's unit. */
  readonly signal?: { readonly query: string; readonly unit: Unit };
  /** The catalog uid of the dashboard that shows it. */
  readonly dashboard?: string;
}

/** One dashboard of dashboards.yml in one environment. */
export interface DashboardPlan {
  readonly spec: DashboardSpec;
  /** The environment's uid (catalog uid + name suffix). */
  readonly uid: string;
  /** `<grafana url>/d/<uid>`, when the environment has a Grafana URL. */
  readonly url?: string;
  /** Alert families it shows. */
  readonly families: readonly string[];
}

export interface DashboardsPlan {
  /** The environment's Grafana (dashboards.yml `grafana.urls`), without a trailing slash; the Grafana stack refuses none. */
  readonly grafanaUrl?: string;
  /** The folder, its uid the environment's (`<uid><name_suffix>`). */
  readonly folder: DashboardsFile['grafana']['folder'];
  readonly dashboards: readonly DashboardPlan[];
  readonly limits: DashboardsFile['limits'];
  readonly deployAnnotations: DashboardsFile['deploy_annotations'];
}

/** The on-call model as one environment applies it. */
export interface OnCallPlan {
  /** The whole model (rotation, roster, severities with escalation and timings, PagerDuty settings). */
  readonly model: ResolvedOnCall;
  /** This environment's routing, urgency and names. */
  readonly environment: OnCallEnvironment;
  /** Services whose Events API v2 routing key the Alertmanager configuration needs (none where nothing pages). */
  readonly routingKeyServices: readonly string[];
}

/** A feature flag as the environment expects it (feature_flags.yml). */
export interface FeatureFlagPlan {
  readonly name: string;
  readonly description: string;
  /** true / false, or `any`: not watched in this environment. */
  readonly expected: boolean | 'any';
}

export interface EnvironmentPlan {
  readonly name: string;
  /** catalog.yml `pages`: whether this environment may page a person. */
  readonly pages: boolean;
  readonly evaluationInterval: string;
  readonly nameSuffix: string;
  readonly project: ProjectPlan;
  readonly services: readonly ServiceInfo[];
  readonly severities: SeverityTable;
  readonly kubernetes: KubernetesPlan;
  readonly rules: RulesPlan;
  readonly alerts: readonly ResolvedAlert[];
  /** Per alert name. */
  readonly detection: Readonly<Record<string, Detection>>;
  readonly families: readonly FamilyPlan[];
  readonly slos: readonly Slo[];
  /** Absent in a catalog without alerts/oncall.yml. */
  readonly onCall?: OnCallPlan;
  readonly pagerduty?: PagerDutyPlan;
  /** Absent where guardrails.yml has no entry for the environment. */
  readonly guardrails?: GuardrailsPlan;
  readonly checks: readonly ResolvedCheck[];
  /** Absent in a catalog without dashboards.yml. */
  readonly dashboards?: DashboardsPlan;
  /** Absent in a catalog without feature_flags.yml. */
  readonly featureFlags?: readonly FeatureFlagPlan[];
}

export interface CatalogPlan {
  readonly project: ProjectPlan;
  readonly services: readonly ServiceInfo[];
  readonly severities: SeverityTable;
  /** In catalog order; the first is the one documents describe in detail. */
  readonly environments: readonly EnvironmentPlan[];
  readonly onCall?: ResolvedOnCall;
  /** Every runbook section the catalog links to, in catalog order. */
  readonly runbookSections: readonly string[];
}
