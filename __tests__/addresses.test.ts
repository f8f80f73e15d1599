/**
 * The Terraform address of every resource and data source of every stack, in one snapshot. Construct ids become
 * these addresses: a rename destroys and recreates the resource in production (for a PagerDuty schedule, the
 * rotation). Any change here shows up in review as a diff of this list.
 */
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { loadCatalog } from '../lib/catalog/load';
import { buildApp } from '../stacks/app';
import { FIXTURE_ALERTS } from './helpers';

/** `type.name` (and `data.type.name`) of a synthesized stack, sorted. */
export function addressesOf(tf: Record<string, any>): string[] {
  const out: string[] = [];
  for (const [prefix, block] of [['', tf.resource], ['data.', tf.data]] as const) {
    for (const [type, byName] of Object.entries(block ?? {})) for (const name of Object.keys(byName as object)) out.push(`${prefix}${type}.${name}`);
  }
  return out.sort();
}

const app = buildApp(loadCatalog(FIXTURE_ALERTS));
const stacks = app.node.children.filter((c): c is TerraformStack => 'environment' in c);

describe('Terraform addresses', () => {
  it('are listed for every stack (a change of this snapshot replaces resources)', () => {
    const all = Object.fromEntries(stacks.map((s) => [s.node.id, addressesOf(JSON.parse(Testing.synth(s)))]));
    expect(Object.keys(all)).toHaveLength(8);
    expect(all).toMatchSnapshot();
  });

  it('do not depend on the environment: staging and production stacks of a concern share their addresses where both have the resource', () => {
    const byId = new Map(stacks.map((s) => [s.node.id, new Set(addressesOf(JSON.parse(Testing.synth(s))))]));
    for (const concern of ['alerting', 'pagerduty', 'grafana']) {
      const prod = byId.get(`deltacrown-production-${concern}`)!;
      const stag = byId.get(`deltacrown-staging-${concern}`)!;
      const shared = [...stag].filter((a) => prod.has(a));
      expect({ concern, shared: shared.length > 0 }).toEqual({ concern, shared: true });
    }
  });
});
