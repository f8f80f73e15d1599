import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Catalog } from '../lib/catalog/model';
import { resolveEnvironment } from '../lib/catalog/resolve';
import { renderRuleGroups } from '../lib/render/prometheus-rules';
import { PrometheusRule } from '../constructs/prometheus-rule';
import { DeltaCrownStack } from './base';
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
 * kube-prometheus-stack, and (with alerts/oncall.yml) its Alertmanager configuration secret. The Kubernetes
 * provider is configured from the deploy environment (`KUBE_CONFIG_PATH`, `KUBE_CTX`, or in-cluster credentials).
 */
export class AlertingStack extends DeltaCrownStack {
  readonly rules: PrometheusRule;
  /** The Alertmanager configuration secret, when the catalog has an on-call model (alerts/oncall.yml). */
  readonly alertmanager?: AlertmanagerSecret;

  constructor(scope: Construct, props: AlertingStackProps) {
    super(scope, 'alerting', props);
    const env = props.catalog.catalog.environments.find((e) => e.name === props.environment)!;
    new KubernetesProvider(this, 'kubernetes', {});
    this.rules = new PrometheusRule(this, 'prometheus-rule', {
      name: env.kubernetes.rule_name,
      namespace: env.kubernetes.namespace,
      labels: env.kubernetes.rule_labels,
      groups: renderRuleGroups(resolveEnvironment(props.catalog, props.environment)).groups,
    });
    this.alertmanager = addAlertmanagerConfig(this, props.catalog, props.environment, props.pagerduty);
  }
}
