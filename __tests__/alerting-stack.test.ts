/** `deltacrown-<env>-alerting`: the PrometheusRule of each environment. */
import { Testing } from 'cdktf';
import { loadCatalog } from '../lib/catalog/load';
import { buildApp } from '../stacks/app';
import { AlertingStack } from '../stacks/alerting-stack';
import { escapeTerraform } from '../constructs/terraform-strings';
import { FIXTURE_ALERTS } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);

function synthAlerting(env: string): Record<string, any> {
  const app = buildApp(resolveCatalog(catalog));
  const stack = app.node.findChild(`deltacrown-${env}-alerting`) as AlertingStack;
  return JSON.parse(Testing.synth(stack));
}

describe.each(['production', 'staging'])('deltacrown-%s-alerting', (env) => {
  const tf = synthAlerting(env);
  const manifests = Object.values(tf.resource.kubernetes_manifest) as { manifest: any }[];
  const rule = manifests.find((m) => m.manifest.kind === 'PrometheusRule')!.manifest;

  it('holds a PrometheusRule selected by the environment’s kube-prometheus-stack', () => {
    const e = catalog.catalog.environments.find((x) => x.name === env)!;
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata).toMatchObject({ name: `${e.kubernetes.rule_name}${e.name_suffix}`, namespace: e.kubernetes.namespace, labels: e.kubernetes.rule_labels });
  });

  it('holds every rule group with the environment’s evaluation interval and label', () => {
    const e = catalog.catalog.environments.find((x) => x.name === env)!;
    const names = rule.spec.groups.map((g: any) => g.name);
    expect(names).toEqual(expect.arrayContaining(['deltacrown-slo-api-availability', 'deltacrown-http', 'deltacrown-database', 'deltacrown-redis', 'deltacrown-pods', 'deltacrown-alerting-pipeline']));
    for (const g of rule.spec.groups) {
      expect(g.interval).toBe(e.evaluation_interval);
      for (const r of g.rules.filter((x: any) => x.alert)) expect(r.labels.environment).toBe(env);
    }
  });

  it('points the Kubernetes provider at the environment’s own kube context; credentials from the deploy environment', () => {
    const e = catalog.catalog.environments.find((x) => x.name === env)!;
    expect(tf.provider.kubernetes).toEqual([{ config_context: e.kubernetes.context }]);
  });
});

describe('Terraform string escaping', () => {
  it('escapes interpolation sequences in catalog text', () => {
    expect(escapeTerraform({ a: ['${var.x}', '%{if}'], b: 'plain {{ $value }}' })).toEqual({ a: ['$${var.x}', '%%{if}'], b: 'plain {{ $value }}' });
  });
});
