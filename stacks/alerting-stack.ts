import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { RenderedEnvironment } from '../lib/render/environment';
import { PrometheusRule } from '../constructs/prometheus-rule';
import { DeltaCrownStack } from './base';
import { addAlertmanagerConfig } from './alertmanager-config';
import type { AlertmanagerSecret } from '../constructs/alertmanager-secret';
import type { PagerDutyStack } from './pagerduty-stack';

export interface AlertingStackProps {
  readonly environment: string;
  /** The environment's rendered outputs (lib/render/environment.ts). */
  readonly rendered: RenderedEnvironment;
  /**
   * The environment's PagerDuty stack: the Alertmanager configuration (with an on-call model in the catalog) takes
   * its Events API v2 integration keys from there by cross-stack reference.
   */
  readonly pagerduty?: PagerDutyStack;
}

/**
 * `deltacrown-<environment>-alerting`: the Prometheus rules of one environment as a PrometheusRule of its
 * kube-prometheus-stack, and (with alerts/oncall.yml) its Alertmanager configuration secret, both named with the
 * environment's name_suffix. The Kubernetes provider uses the environment's kubeconfig context (catalog.yml
 * `kubernetes.context`) from the kubeconfig file of the deploy environment (`KUBE_CONFIG_PATH`).
 */
export class AlertingStack extends DeltaCrownStack {
  readonly rules: PrometheusRule;
  /** The Alertmanager configuration secret, when the catalog has an on-call model (alerts/oncall.yml). */
  readonly alertmanager?: AlertmanagerSecret;

  constructor(scope: Construct, props: AlertingStackProps) {
    super(scope, 'alerting', props);
    const k8s = props.rendered.plan.kubernetes;
    // The environment's own cluster: its kubeconfig context from the catalog (the file: KUBE_CONFIG_PATH).
    if (!k8s.context) throw new Error(`environment ${props.environment} has no kubernetes.context: the Kubernetes provider would use whatever context is current`);
    new KubernetesProvider(this, 'kubernetes', { configContext: k8s.context });
    this.rules = new PrometheusRule(this, 'prometheus-rule', {
      name: k8s.ruleName,
      namespace: k8s.namespace,
      labels: { ...k8s.ruleLabels },
      groups: props.rendered.rules.groups,
    });
    this.alertmanager = addAlertmanagerConfig(this, props.rendered, props.pagerduty);
  }
}
