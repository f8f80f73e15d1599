/**
 * Cross-checks of `dashboards.yml` against the rest of the catalog: a distinct Grafana for every environment
 * (dashboards of two environments in one Grafana would overwrite each other: same uid); each dashboard kind and
 * uid once; families that exist, each linked to at most one dashboard, and every family linked to one (listed,
 * or through the default dashboard); the deploy marker's PromQL parsed and checked against the metric contract.
 * Every issue is located in dashboards.yml.
 */
import { CatalogIssue } from './errors';
import type { Catalog } from './model';
import { parsePromql } from '../promql';

/** The family every SLO burn-rate alert belongs to (lib/catalog/resolve.ts). */
export const SLO_FAMILY = 'slo-burn-rate';

/** Every alert family of the catalog: the SLO family (when there are SLOs) and the families of rules/*.yml. */
export function alertFamilies(c: Catalog): string[] {
  const out = new Set(c.slos.slos.length ? [SLO_FAMILY] : []);
  for (const { data } of c.ruleFiles) for (const f of data.families) out.add(f.family);
  return [...out];
}

export function crossCheckDashboards(c: Catalog): CatalogIssue[] {
  const d = c.dashboards;
  const src = c.sources.dashboards;
  if (!d || !src) return [];
  const issues: CatalogIssue[] = [];
  const at = (path: (string | number)[], message: string) => issues.push(src.issue(path, message));

  const envs = c.catalog.environments.map((e) => e.name);
  for (const env of envs) {
    if (!d.grafana.urls[env]) at(['grafana', 'urls'], `missing Grafana URL for environment '${env}'; expected one per environment: ${envs.join(', ')}`);
  }
  const byUrl = new Map<string, string>();
  for (const [env, url] of Object.entries(d.grafana.urls)) {
    if (!envs.includes(env)) {
      issues.push(src.issue(['grafana', 'urls', env], `unknown environment '${env}'; expected one of ${envs.join(', ')}`, src.keyAt(['grafana', 'urls'], env)));
      continue;
    }
    // One Grafana for two environments is fine: every uid carries the environment's name_suffix (catalog.yml).
    byUrl.set(url.replace(/\/+$/, ''), env);
  }
  // Grafana refuses a uid longer than 40 characters (dashboards and folders; pkg/util/shortid_generator.go).
  for (const e of c.catalog.environments) {
    const long = (uid: string) => uid.length + e.name_suffix.length > GRAFANA_UID_MAX;
    if (long(d.grafana.folder.uid)) at(['grafana', 'folder', 'uid'], `'${d.grafana.folder.uid}${e.name_suffix}' (environment ${e.name}) is longer than Grafana's ${GRAFANA_UID_MAX} characters`);
    d.dashboards.forEach((db, i) => {
      if (long(db.uid)) at(['dashboards', i, 'uid'], `'${db.uid}${e.name_suffix}' (environment ${e.name}) is longer than Grafana's ${GRAFANA_UID_MAX} characters`);
    });
  }

  const families = alertFamilies(c);
  const kinds = new Map<string, number>();
  const uids = new Map<string, number>();
  const claimed = new Map<string, number>();
  let defaults = 0;
  d.dashboards.forEach((db, i) => {
    if (kinds.has(db.kind)) at(['dashboards', i, 'kind'], `duplicate dashboard kind '${db.kind}' (also dashboards[${kinds.get(db.kind)}])`);
    else kinds.set(db.kind, i);
    if (uids.has(db.uid)) at(['dashboards', i, 'uid'], `duplicate dashboard uid '${db.uid}' (also dashboards[${uids.get(db.uid)}])`);
    else uids.set(db.uid, i);
    if (db.default) defaults++;
    db.families.forEach((f, fi) => {
      if (!families.includes(f)) at(['dashboards', i, 'families', fi], `unknown alert family '${f}'; expected one of ${families.join(', ')}`);
      else if (claimed.has(f)) at(['dashboards', i, 'families', fi], `family '${f}' already links to dashboards[${claimed.get(f)}]; an alert opens one dashboard`);
      else claimed.set(f, i);
    });
  });
  if (defaults > 1) at(['dashboards'], `${defaults} dashboards are marked default; expected at most one`);
  if (defaults === 0) {
    const orphans = families.filter((f) => !claimed.has(f));
    if (orphans.length) at(['dashboards'], `families without a dashboard: ${orphans.join(', ')}; list them under a dashboard or mark one dashboard default: true`);
  }

  const parsed = parsePromql(d.deploy_annotations.expr);
  if (parsed.error) {
    issues.push(src.issueInValue(['deploy_annotations', 'expr'], parsed.error.offset, `PromQL syntax error: ${parsed.error.message}`));
  } else {
    for (const sel of parsed.selectors) {
      const known = sel.metric ? c.metrics.metrics[sel.metric] : undefined;
      if (!sel.metric) continue;
      if (!known) {
        issues.push(src.issueInValue(['deploy_annotations', 'expr'], sel.from, `unknown metric '${sel.metric}': not in the metric contract (metrics.yml)`));
        continue;
      }
      for (const l of sel.labels) {
        if (!known.labels.includes(l)) {
          issues.push(
            src.issueInValue(['deploy_annotations', 'expr'], sel.from, `metric '${sel.metric}' is selected on label '${l}', which the metric contract does not promise (expected one of: ${known.labels.join(', ') || 'none'})`),
          );
        }
      }
    }
  }
  return issues;
}

/** Longest uid Grafana accepts for a dashboard or folder (`util.IsValidShortUID`, 40 characters). */
export const GRAFANA_UID_MAX = 40;
