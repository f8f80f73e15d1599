/**
 * Which dashboard an alert opens: its family's dashboard in dashboards.yml (or the default one), at the
 * environment's Grafana. Read by the resolver (the `dashboard_url` annotation) and the dashboard renderers.
 */
import type { Catalog } from './model';
import type { DashboardSpec } from './schema-dashboards';
import { environmentName } from './environment-names';

/** The dashboard covering an alert family: the one listing it, else the default dashboard, else none. */
export function dashboardForFamily(c: Catalog, family: string): DashboardSpec | undefined {
  const all = c.dashboards?.dashboards ?? [];
  return all.find((d) => d.families.includes(family)) ?? all.find((d) => d.default);
}

/**
 * `<grafana url>/d/<uid><name_suffix>` of a dashboard (its catalog uid) in an environment, or undefined when the
 * environment has no Grafana URL.
 */
export function dashboardUrl(c: Catalog, environment: string, uid: string): string | undefined {
  const base = c.dashboards?.grafana.urls[environment];
  return base ? `${base.replace(/\/+$/, '')}/d/${environmentName(c, environment, uid)}` : undefined;
}

/** Dashboard kinds with a `service` variable: an alert opens them with its service selected. */
export const SERVICE_VARIABLE_KINDS: readonly string[] = ['moderation-enforcement', 'infrastructure'];

/**
 * The `dashboard_url` annotation of an alert of `family` in `environment` (empty when no dashboard covers it); on a
 * dashboard with a `service` variable, with the alert's service selected (`?var-service={{ $labels.service }}`).
 */
export function dashboardAnnotation(c: Catalog, environment: string, family: string): { dashboard_url?: string } {
  const d = dashboardForFamily(c, family);
  const url = d && dashboardUrl(c, environment, d.uid);
  if (!url) return {};
  return { dashboard_url: SERVICE_VARIABLE_KINDS.includes(d.kind) ? `${url}?var-service={{ $labels.service }}` : url };
}
