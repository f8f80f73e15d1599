/**
 * `resolve(catalog, environment) → EnvironmentPlan`: the one place where an environment of the catalog becomes
 * concrete (lib/plan/types.ts is the glossary of what comes out). Each plan is computed once per catalog and
 * environment, frozen, and shared by every consumer.
 */
import type { Catalog } from '../catalog/model';
import type { Family } from '../catalog/schema';
import { allAlerts, resolveEnvironment } from '../catalog/resolve';
import { onCallEnvironment, resolveOnCall } from '../catalog/resolve-oncall';
import { detectionOf } from '../catalog/detection';
import { dashboardForFamily, dashboardUrl } from '../catalog/dashboards';
import { alertFamilies, SLO_FAMILY } from '../catalog/crosscheck-dashboards';
import { SERVICES_PLACEHOLDER } from '../catalog/names';
import { runbookReferences } from '../catalog/crosscheck-runbook';
import { environmentName } from '../catalog/environment-names';
import { planPagerDuty } from './pagerduty';
import { guardrailEnvironments, planGuardrails } from './guardrails';
import { resolveChecks } from './synthetics';
import { expectedFlags } from '../catalog/feature-flags';
import type { CatalogPlan, DashboardsPlan, EnvironmentPlan, FamilyPlan, OnCallPlan } from './types';

const PLANS = new WeakMap<Catalog, CatalogPlan>();

/** The plan of one environment of the catalog; throws on an unknown environment. */
export function resolve(catalog: Catalog, environment: string): EnvironmentPlan {
  const plan = resolveCatalog(catalog).environments.find((e) => e.name === environment);
  if (!plan) throw new Error(`unknown environment '${environment}'; expected one of ${catalog.catalog.environments.map((e) => e.name).join(', ')}`);
  return plan;
}

/** The plans of every environment, and what all environments share. Computed once per catalog. */
export function resolveCatalog(catalog: Catalog): CatalogPlan {
  let plan = PLANS.get(catalog);
  if (!plan) {
    const onCall = catalog.oncall ? resolveOnCall(catalog) : undefined;
    const families = familyPlans(catalog);
    const shared: Shared = {
      project: { name: catalog.catalog.project.name, runbookBaseUrl: catalog.catalog.project.runbook_base_url },
      services: catalog.catalog.services.map((s) => ({ name: s.name, description: s.description })),
      severities: catalog.catalog.severities,
    };
    // Frozen as a whole, with the catalog values it shares (the catalog is read-only data too).
    plan = deepFreeze({
      ...shared,
      environments: catalog.catalog.environments.map((e) => resolveOne(catalog, e.name, shared, onCall, families)),
      ...(onCall ? { onCall } : {}),
      runbookSections: [...new Set(runbookReferences(catalog).map((r) => r.anchor))],
    });
    PLANS.set(catalog, plan);
  }
  return plan;
}

/** What every environment's plan shares with the catalog's: one object each, not a copy per environment. */
type Shared = Pick<EnvironmentPlan, 'project' | 'services' | 'severities'>;

function resolveOne(c: Catalog, name: string, shared: Shared, model: ReturnType<typeof resolveOnCall> | undefined, families: FamilyPlan[]): EnvironmentPlan {
  const env = c.catalog.environments.find((e) => e.name === name)!;
  const rules = resolveEnvironment(c, name);
  const alerts = allAlerts(rules);
  const onCall: OnCallPlan | undefined = model && onCallPlan(c, model, name);
  return {
    name,
    pages: env.pages,
    evaluationInterval: env.evaluation_interval,
    nameSuffix: env.name_suffix,
    ...shared,
    kubernetes: {
      context: env.kubernetes.context,
      namespace: env.kubernetes.namespace,
      ruleName: environmentName(c, name, env.kubernetes.rule_name),
      ruleLabels: env.kubernetes.rule_labels,
    },
    rules,
    alerts,
    detection: Object.fromEntries(alerts.map((a) => [a.name, detectionOf(c, rules, a, env.evaluation_interval)])),
    families,
    slos: c.slos.slos,
    ...(onCall ? { onCall, pagerduty: planPagerDuty(c, onCall.model, name) } : {}),
    ...(guardrailEnvironments(c).includes(name) ? { guardrails: planGuardrails(c, name) } : {}),
    checks: resolveChecks(c, name),
    ...(c.dashboards ? { dashboards: dashboardsPlan(c, name, families) } : {}),
    ...(c.featureFlags ? { featureFlags: expectedFlags(c, name) } : {}),
  };
}

function onCallPlan(c: Catalog, model: ReturnType<typeof resolveOnCall>, name: string): OnCallPlan {
  const environment = onCallEnvironment(model, name);
  const pages = Object.values(environment.destination).includes('pagerduty');
  return { model, environment, routingKeyServices: pages ? c.catalog.services.map((s) => s.name) : [] };
}

/** Every alert family (the SLO family first, when there are SLOs), as the first rule file defining it says. */
function familyPlans(c: Catalog): FamilyPlan[] {
  const first = new Map<string, Family>();
  for (const { data } of c.ruleFiles) for (const f of data.families) if (!first.has(f.family)) first.set(f.family, f);
  return alertFamilies(c).map((family) => {
    const dashboard = dashboardForFamily(c, family)?.uid;
    if (family === SLO_FAMILY) {
      return { family, title: 'SLO burn rate', runbook: c.slos.slos[0]?.runbook ?? family, services: [...new Set(c.slos.slos.map((s) => s.service))], ...(dashboard ? { dashboard } : {}) };
    }
    const f = first.get(family)!;
    const services = f.services ?? [f.service!];
    // The query a panel draws: the recording rule (per service when the service comes from the series), else the
    // signal's expression.
    const alert = f.alerts.find((a) => a.expr === undefined);
    const s = alert?.signal ?? f.signal;
    const signal = s && {
      query: s.record ? `${s.record}${f.services ? '{service=~"$service"}' : ''}` : s.expr.trim().split(SERVICES_PLACEHOLDER).join(services.join('|')),
      unit: s.unit,
    };
    return { family, title: f.title, runbook: f.runbook, services, ...(signal ? { signal } : {}), ...(dashboard ? { dashboard } : {}) };
  });
}

function dashboardsPlan(c: Catalog, name: string, families: FamilyPlan[]): DashboardsPlan {
  const d = c.dashboards!;
  const url = d.grafana.urls[name];
  return {
    ...(url ? { grafanaUrl: url.replace(/\/+$/, '') } : {}),
    folder: { ...d.grafana.folder, uid: environmentName(c, name, d.grafana.folder.uid) },
    dashboards: d.dashboards.map((spec) => {
      const u = dashboardUrl(c, name, spec.uid);
      return { spec, uid: environmentName(c, name, spec.uid), ...(u ? { url: u } : {}), families: families.filter((f) => f.dashboard === spec.uid).map((f) => f.family) };
    }),
    limits: d.limits,
    deployAnnotations: d.deploy_annotations,
  };
}

/** Freezes a plain value and everything in it (a plan is shared by every consumer and never changes). */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
