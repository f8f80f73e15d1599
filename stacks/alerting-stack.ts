import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Catalog } from '../lib/catalog/model';
import { resolveEnvironment } from '../lib/catalog/resolve';
import { renderRuleGroups } from '../lib/render/prometheus-rules';
import { PrometheusRule } from '../constructs/prometheus-rule';
import { DeltaCrownStack } from './base';
import { environmentName, kubeContext } from '../lib/catalog/environment-names';
import { addAlertmanagerConfig } from './alertmanager-config';
import type { AlertmanagerSecret } from '../constructs/alertmanager-secret';
import type { PagerDutyStack } from './pagerduty-stack';

export interface AlertingStackProps {
  readonly catalog: Catalog;
  readonly environment: string;
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
    const env = props.catalog.catalog.environments.find((e) => e.name === props.environment)!;
    // The environment's own cluster: its kubeconfig context from the catalog (the file: KUBE_CONFIG_PATH).
    new KubernetesProvider(this, 'kubernetes', { configContext: kubeContext(props.catalog, props.environment) });
    this.rules = new PrometheusRule(this, 'prometheus-rule', {
      name: environmentName(props.catalog, props.environment, env.kubernetes.rule_name),
      namespace: env.kubernetes.namespace,
      labels: env.kubernetes.rule_labels,
      groups: renderRuleGroups(resolveEnvironment(props.catalog, props.environment)).groups,
    });
    this.alertmanager = addAlertmanagerConfig(this, props.catalog, props.environment, props.pagerduty);
  }
}
