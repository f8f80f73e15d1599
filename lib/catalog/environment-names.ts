/**
 * Where each environment's objects live and what they are called: the one place a name or uid of the catalog becomes
 * an environment's. Every Kubernetes object name and Grafana uid is `<base><name_suffix>` (catalog.yml, distinct per
 * environment), and every provider is pointed at the environment's own target (kube context, Grafana URL), so two
 * environments in one cluster or one Grafana never touch each other's objects. No cdktf, no I/O.
 */
import type { Catalog } from './model';

/** The catalog.yml entry of an environment; throws on an unknown one. */
function entry(c: Catalog, environment: string) {
  const e = c.catalog.environments.find((x) => x.name === environment);
  if (!e) throw new Error(`unknown environment '${environment}'; expected one of ${c.catalog.environments.map((x) => x.name).join(', ')}`);
  return e;
}

/** `<base><name_suffix>`: a Kubernetes object name or Grafana uid of an environment (`deltacrown-alerts-stg`). */
export function environmentName(c: Catalog, environment: string, base: string): string {
  return `${base}${entry(c, environment).name_suffix}`;
}
