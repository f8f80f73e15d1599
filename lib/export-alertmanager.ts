/**
 * The exported `alertmanager.yml` of one environment (`npm run export`): the configuration the `…-alerting` stack
 * deploys, with its secrets as files Alertmanager reads at start-up (`routing_key_file`, `api_url_file`) or, where
 * Alertmanager 0.25 takes no file (the heartbeat webhook), a clearly named placeholder. Tests and local runs replace
 * them with literals, point the PagerDuty endpoint at a stub and shorten the timings.
 */
import { stringify } from 'yaml';
import type { EnvironmentPlan, RouteTimings } from './plan/types';
import { AlertmanagerSecrets, renderAlertmanagerConfig } from './render/alertmanager';

export interface AlertmanagerExportOptions {
  /** Directory of the secret files the configuration references (default `/etc/alertmanager/secrets`). */
  secretsDir?: string;
  /** Literal routing keys by service instead of files; the key `*` applies to every service. */
  routingKeys?: Record<string, string>;
  /** Literal Slack webhook URL instead of `<secretsDir>/slack-webhook-url`. */
  slackWebhookUrl?: string;
  /** The dead man's switch URL (default: a placeholder under `.invalid` that never resolves). */
  heartbeatUrl?: string;
  /** Replaces the PagerDuty Events API v2 endpoint (a local stub in tests). */
  pagerdutyUrl?: string;
  /** Replaces the timings of every route (end-to-end tests shorten them). */
  timings?: Partial<RouteTimings>;
  /** Replaces the heartbeat route's timings only (wins over `timings`). */
  heartbeatTimings?: Partial<RouteTimings>;
}

export const DEFAULT_SECRETS_DIR = '/etc/alertmanager/secrets';

/** Placeholder of the heartbeat URL: `.invalid` (RFC 2606) never resolves, so nothing is sent by mistake. */
export const HEARTBEAT_URL_PLACEHOLDER = 'https://dead-mans-switch.invalid/replace-with-the-heartbeat-url';

/** File name of a service's routing key under the secrets directory. */
export function routingKeyFile(service: string): string {
  return `pagerduty-${service}.key`;
}
export const SLACK_WEBHOOK_FILE = 'slack-webhook-url';

/** The secrets of an exported configuration: files under the secrets directory unless literals are given. */
export function exportSecrets(opts: AlertmanagerExportOptions = {}): AlertmanagerSecrets {
  const dir = (opts.secretsDir ?? DEFAULT_SECRETS_DIR).replace(/\/+$/, '');
  return {
    routingKey: (s) => {
      const literal = opts.routingKeys?.[s] ?? opts.routingKeys?.['*'];
      return literal !== undefined ? { value: literal } : { file: `${dir}/${routingKeyFile(s)}` };
    },
    slackWebhookUrl: opts.slackWebhookUrl !== undefined ? { value: opts.slackWebhookUrl } : { file: `${dir}/${SLACK_WEBHOOK_FILE}` },
    heartbeatUrl: opts.heartbeatUrl ?? HEARTBEAT_URL_PLACEHOLDER,
  };
}

/** The text of `<environment>/alertmanager/alertmanager.yml`. */
export function renderAlertmanagerFile(plan: EnvironmentPlan, opts: AlertmanagerExportOptions = {}): string {
  const environment = plan.name;
  const secrets = exportSecrets(opts);
  const config = renderAlertmanagerConfig(plan, { secrets, pagerdutyUrl: opts.pagerdutyUrl, timings: opts.timings, heartbeatTimings: opts.heartbeatTimings });
  const keys = (plan.onCall?.routingKeyServices ?? []).map((s) => [s, secrets.routingKey(s)] as const);
  const files = [
    ...keys.filter(([, v]) => 'file' in v).map(([s, v]) => `#   ${(v as { file: string }).file}: Events API v2 routing key of ${s} (deltacrown-${environment}-pagerduty output)`),
    ...('file' in secrets.slackWebhookUrl ? [`#   ${secrets.slackWebhookUrl.file}: Slack incoming webhook URL`] : []),
  ];
  const header = [
    '# Generated from the catalog (alerts/) by `npm run export`. Do not edit.',
    `# Alertmanager configuration of ${environment} (Alertmanager 0.25).`,
    ...(files.length ? ['# Secrets are read from files:', ...files] : []),
    ...(secrets.heartbeatUrl === HEARTBEAT_URL_PLACEHOLDER ? ['# The heartbeat URL is a placeholder: export with --heartbeat-url <dead man\'s switch URL>.'] : []),
  ].join('\n');
  return `${header}\n${stringify(config, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
