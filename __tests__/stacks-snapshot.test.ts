/**
 * One snapshot per synthesized stack of the live catalog (`alerts/`), as `npm run synth` writes it, plus the
 * Terraform addresses of every stack. A catalog change shows here in review as the lines it changes: embedded
 * documents (dashboard JSON, the Alertmanager YAML, …) are expanded, so a threshold is one line, not a 20 KB string.
 * A change of an address replaces a production resource (for a PagerDuty schedule, the rotation).
 * `npx jest -u` records an intended change.
 */
import { loadCatalog } from '../lib/catalog/load';
import { LIVE_ALERTS } from './helpers';
import { forSnapshot, readable, synthApp, tfAddresses } from './helpers-synth';

const stacks = synthApp(loadCatalog(LIVE_ALERTS));

describe('synthesized stacks of the live catalog', () => {
  it('are the eight stacks of two environments × four concerns', () => {
    expect([...stacks.keys()]).toEqual(
      ['production', 'staging'].flatMap((env) => ['alerting', 'grafana', 'guardrails', 'pagerduty'].map((concern) => `deltacrown-${env}-${concern}`)),
    );
  });

  it('keep their Terraform addresses (a change of this snapshot replaces resources)', () => {
    expect(Object.fromEntries([...stacks].map(([name, tf]) => [name, tfAddresses(tf)]))).toMatchSnapshot();
  });

  it('do not depend on the environment: staging and production stacks of a concern share their addresses where both have the resource', () => {
    for (const concern of ['alerting', 'pagerduty', 'grafana']) {
      const prod = new Set(tfAddresses(stacks.get(`deltacrown-production-${concern}`)!));
      const shared = tfAddresses(stacks.get(`deltacrown-staging-${concern}`)!).filter((a) => prod.has(a));
      expect({ concern, shared: shared.length > 0 }).toEqual({ concern, shared: true });
    }
  });

  it.each([...stacks.keys()])('%s matches its snapshot', (name) => {
    expect(readable(forSnapshot(stacks.get(name)!))).toMatchSnapshot();
  });
});
