import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { PromRuleGroup } from '../lib/render/prometheus-rules';
import { escapeTerraformString } from './terraform-strings';
import { literal } from './literal';

export interface PrometheusRuleProps {
  /** Name of the PrometheusRule object. */
  readonly name: string;
  /** Namespace of the Prometheus (kube-prometheus-stack) that should load the rules. */
  readonly namespace: string;
  /** Labels matched by the Prometheus `ruleSelector` (kube-prometheus-stack: `release: <release>`). */
  readonly labels: Record<string, string>;
  /** Rendered rule groups (lib/render/prometheus-rules). */
  readonly groups: PromRuleGroup[];
}

/**
 * A `PrometheusRule` (monitoring.coreos.com/v1) holding rendered rule groups, through the Kubernetes
 * provider's `kubernetes_manifest`. The PrometheusRule CRD must exist in the cluster at plan time.
 */
export class PrometheusRule extends Construct {
  readonly manifest: Manifest;

  constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id);
    this.manifest = new Manifest(this, 'manifest', {
      manifest: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: {
          name: props.name,
          namespace: props.namespace,
          labels: { ...props.labels, 'app.kubernetes.io/managed-by': 'cdktf', 'app.kubernetes.io/part-of': 'deltacrown-alerting' },
        },
        // Thousands of rules in a large catalog: written as is, not walked by token resolution (./literal); catalog
        // text escaped for Terraform in the same pass.
        spec: literal({ groups: props.groups }, escapeTerraformString),
      },
    });
  }
}
