import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import type { RenderedEnvironment } from '../lib/render/environment';
import { AlertmanagerSecret } from '../constructs/alertmanager-secret';
import type { PagerDutyStack } from './pagerduty-stack';

/** Terraform variables (set as `TF_VAR_<name>`) holding the Alertmanager's secrets other than routing keys. */
export const SLACK_WEBHOOK_VARIABLE = 'slack_webhook_url';
export const HEARTBEAT_URL_VARIABLE = 'alertmanager_heartbeat_url';

/**
 * Adds the environment's Alertmanager configuration to a stack (the `…-alerting` stack): a Kubernetes secret whose
 * `alertmanager.yaml` routes pages with the Events API v2 integration keys of `pagerduty` (cross-stack references,
 * read from that stack's state at apply time), and takes the Slack webhook and heartbeat URLs from sensitive
 * variables. Returns undefined for a catalog without an on-call model.
 */
export function addAlertmanagerConfig(scope: Construct, rendered: RenderedEnvironment, pagerduty?: PagerDutyStack): AlertmanagerSecret | undefined {
  const { plan, alertmanager } = rendered;
  if (!plan.onCall || !alertmanager) return undefined;
  const env = plan.onCall.environment;
  if (plan.onCall.routingKeyServices.length && !pagerduty) {
    throw new Error(`the Alertmanager configuration of ${plan.name} pages through PagerDuty: pass the deltacrown-${plan.name}-pagerduty stack`);
  }
  const slack = new TerraformVariable(scope, SLACK_WEBHOOK_VARIABLE, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: 'Slack incoming webhook URL for the alerts channel (secret).',
  });
  const heartbeat = new TerraformVariable(scope, HEARTBEAT_URL_VARIABLE, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: "Dead man's switch URL the always-firing Watchdog is sent to (secret).",
  });
  // The secrets' edge: integration keys by cross-stack reference, URLs from sensitive variables.
  const config = alertmanager({
    routingKey: (service) => ({ value: pagerduty!.integrationKey(service, 'events') }),
    slackWebhookUrl: { value: slack.stringValue },
    heartbeatUrl: heartbeat.stringValue,
  });
  return new AlertmanagerSecret(scope, 'alertmanager-config', {
    name: env.alertmanager.secretName,
    namespace: env.alertmanager.namespace,
    config,
  });
}
