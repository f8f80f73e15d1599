import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { AlertmanagerConfig } from '../lib/render/alertmanager';
import { yamlencode } from './yamlencode';

export interface AlertmanagerSecretProps {
  /** Name of the secret the kube-prometheus-stack Alertmanager reads (`alertmanagerSpec.configSecret`). */
  readonly name: string;
  readonly namespace: string;
  /**
   * Rendered configuration (lib/render/alertmanager). Secrets in it are Terraform references (integration keys of
   * the PagerDuty stack, sensitive variables), so the secret holds them only in Terraform state and the cluster.
   */
  readonly config: AlertmanagerConfig;
}

/**
 * The Alertmanager configuration as the `alertmanager.yaml` key of a Kubernetes secret. The document is built with
 * Terraform's `yamlencode` (written in one pass, ./yamlencode.ts) so that references in it resolve at apply time: no key is ever written to the repo or
 * to `cdk.tf.json`.
 */
export class AlertmanagerSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: AlertmanagerSecretProps) {
    super(scope, id);
    this.secret = new SecretV1(this, 'secret', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdktf', 'app.kubernetes.io/part-of': 'deltacrown-alerting' },
      },
      type: 'Opaque',
      data: { 'alertmanager.yaml': yamlencode(escapeHclLiterals(props.config)) },
    });
  }
}

/**
 * Escapes the string literals of a value that cdktf renders inside a Terraform expression (a function argument such
 * as `yamlencode({...})`). cdktf escapes newlines and `${` there but not `\`, `"` or `%{`, so an Alertmanager template
 * such as `{{ if eq .Status "firing" }}` would end the HCL string early. Token strings (references) stay as they are.
 */
export function escapeHclLiterals<T>(value: T): T {
  if (typeof value === 'string') {
    if (Token.isUnresolved(value)) return value;
    return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%\{/g, '%%{') as T;
  }
  if (Array.isArray(value)) return value.map((v) => escapeHclLiterals(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeHclLiterals(v)])) as T;
  }
  return value;
}
