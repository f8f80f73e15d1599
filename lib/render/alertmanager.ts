/**
 * Renders the Alertmanager configuration of one environment from its plan: the route tree by severity, the
 * receivers, and the inhibition rules. A pure function from the plan to plain data (the `alertmanager.yml`
 * document), the one path both the alerting stack and `npm run export` take; secrets are injected at their edge
 * as Terraform references (the stack) or files and literals (the export) — this module neither knows nor cares
 * which.
 *
 * Route tree (first match wins):
 *   1. the heartbeat alert (Watchdog)           → `heartbeat` webhook (dead man's switch), short repeat interval;
 *   2. severity `none` / `info`                  → `null` (nobody);
 *   2a. a delivery failure of one integration (the `integration` label of the notification-failure alert) goes by
 *       the other path: PagerDuty failing → the Slack alerts channel; Slack failing → PagerDuty (the alert's service
 *       and severity, where that severity pages in the environment; Slack where nothing pages, as it has no other);
 *   3. each severity of catalog.yml, with its own group_wait / group_interval / repeat_interval:
 *        PagerDuty where the severity and the environment page: a sub-route per service picks that service's
 *        Events API v2 routing key (an unknown or missing service pages `default_service`), with the PagerDuty
 *        severity mapped from ours; the Slack alerts channel otherwise;
 *   4. anything else (an unknown severity)       → the Slack alerts channel, so nothing is silently dropped.
 * Inhibition: a more severe alert silences less severe ones of the same environment, service and family; a fast
 * burn silences the slow burn of the same SLO.
 */
import type { EnvironmentPlan, RouteTimings, Severity } from '../plan/types';
import { NON_NOTIFYING_SEVERITIES, SEVERITY_ORDER } from '../plan/vocabulary';

/** A secret: its value (a literal, or a Terraform reference) or the path of a file Alertmanager reads it from. */
export type SecretValue = { value: string } | { file: string };

export interface AlertmanagerSecrets {
  /** Events API v2 routing key of a service; asked only for the plan's `onCall.routingKeyServices`. */
  routingKey: (service: string) => SecretValue;
  /** Slack incoming webhook URL. */
  slackWebhookUrl: SecretValue;
  /** Dead man's switch URL (Alertmanager 0.25 webhooks take no `url_file`, so a value). */
  heartbeatUrl: string;
}

export interface AlertmanagerRenderOptions {
  secrets: AlertmanagerSecrets;
  /** Replaces the PagerDuty Events API v2 endpoint (`global.pagerduty_url`), e.g. a local stub in tests. */
  pagerdutyUrl?: string;
  /** Replaces these timings on the root and on every route (end-to-end tests shorten them). */
  timings?: Partial<RouteTimings>;
  /** Replaces the heartbeat route's timings (wins over `timings`): a test wants pages once, heartbeats often. */
  heartbeatTimings?: Partial<RouteTimings>;
}

/** Labels every notification is grouped by: one notification per alert, service and environment. */
export const GROUP_BY = ['alertname', 'service', 'environment'];

/** Labels an inhibiting alert must share with the alerts it silences. */
export const INHIBIT_EQUAL = ['environment', 'service', 'family'];
export const BURN_INHIBIT_EQUAL = ['environment', 'service', 'slo'];

export const NULL_RECEIVER = 'null';
/**
 * The label naming the notification integration that fails (`alertmanager_notifications_failed_total`'s
 * `integration`): an alert carrying it is routed by another integration than the one it names.
 */
export const FAILING_INTEGRATION_LABEL = 'integration';
export const HEARTBEAT_RECEIVER = 'heartbeat';

/** Receiver of a severity's pages for one service: `pagerduty-deltacrown-api-critical`. */
export function pagerdutyReceiver(service: string, severity: Severity): string {
  return `pagerduty-${service}-${severity}`;
}

/** Receiver of a Slack channel: `#infra-alerts` → `slack-infra-alerts`. */
export function slackReceiver(channel: string): string {
  return `slack-${channel.replace(/^#/, '')}`;
}

export interface AmRoute {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: AmRoute[];
}

export interface AmReceiver {
  name: string;
  pagerduty_configs?: Record<string, unknown>[];
  slack_configs?: Record<string, unknown>[];
  webhook_configs?: Record<string, unknown>[];
}

export interface AlertmanagerConfig {
  global: { resolve_timeout: string; pagerduty_url?: string };
  route: AmRoute;
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  receivers: AmReceiver[];
}

/** The Alertmanager configuration of an environment; throws for a plan without an on-call model. */
export function renderAlertmanagerConfig(plan: EnvironmentPlan, opts: AlertmanagerRenderOptions): AlertmanagerConfig {
  if (!plan.onCall) throw new Error(`the catalog has no on-call model (alerts/oncall.yml): ${plan.name} has no Alertmanager configuration`);
  const { model: r, environment: env, routingKeyServices } = plan.onCall;
  const environment = plan.name;
  const services = plan.services.map((s) => s.name);
  const keys = new Map(routingKeyServices.map((s) => [s, opts.secrets.routingKey(s)]));
  const slack = slackReceiver(r.slack.alerts);
  const timed = (t: RouteTimings) => ({
    group_wait: opts.timings?.group_wait ?? t.group_wait,
    group_interval: opts.timings?.group_interval ?? t.group_interval,
    repeat_interval: opts.timings?.repeat_interval ?? t.repeat_interval,
  });
  const receivers: AmReceiver[] = [{ name: NULL_RECEIVER }];

  const hb = r.alertmanager.heartbeat;
  receivers.push({ name: HEARTBEAT_RECEIVER, webhook_configs: [{ url: opts.secrets.heartbeatUrl, send_resolved: false }] });
  receivers.push({ name: slack, slack_configs: [slackConfig(opts.secrets.slackWebhookUrl, r.slack.alerts)] });

  const routes: AmRoute[] = [
    { receiver: HEARTBEAT_RECEIVER, matchers: [`alertname="${hb.alertname}"`], ...timed(hb), ...opts.heartbeatTimings },
    { receiver: NULL_RECEIVER, matchers: [`severity=~"${NON_NOTIFYING_SEVERITIES.join('|')}"`] },
  ];
  const pagerdutyRoute = (s: (typeof r.severities)[number], matchers: string[]): AmRoute => ({
    receiver: pagerdutyReceiver(r.alertmanager.defaultService, s.severity),
    matchers,
    ...timed(s.timings),
    routes: services.map((svc) => ({ receiver: pagerdutyReceiver(svc, s.severity), matchers: [`service="${svc}"`] })),
  });
  // A failing integration never carries the news of its own failure.
  const paging = r.severities.filter((s) => env.destination[s.severity] === 'pagerduty');
  routes.push({ receiver: slack, matchers: [`${FAILING_INTEGRATION_LABEL}="pagerduty"`], ...timed(r.severities[0].timings) });
  routes.push({
    receiver: slack,
    matchers: [`${FAILING_INTEGRATION_LABEL}="slack"`],
    ...timed(r.severities[0].timings),
    ...(paging.length ? { routes: paging.map((s) => pagerdutyRoute(s, [`severity="${s.severity}"`])) } : {}),
  });
  for (const s of r.severities) {
    const matchers = [`severity="${s.severity}"`];
    if (env.destination[s.severity] === 'slack') {
      routes.push({ receiver: slack, matchers, ...timed(s.timings) });
      continue;
    }
    for (const svc of services) {
      const key = keys.get(svc);
      if (!key) throw new Error(`no PagerDuty routing key for service ${svc} (severity ${s.severity} pages in ${environment})`);
      receivers.push({
        name: pagerdutyReceiver(svc, s.severity),
        pagerduty_configs: [pagerdutyConfig(key, s.pagerdutySeverity, `${plan.project.name} ${environment}`)],
      });
    }
    routes.push(pagerdutyRoute(s, matchers));
  }

  const least = r.severities[r.severities.length - 1];
  const global: AlertmanagerConfig['global'] = { resolve_timeout: r.alertmanager.resolveTimeout };
  if (opts.pagerdutyUrl) global.pagerduty_url = opts.pagerdutyUrl;
  return {
    global,
    route: { receiver: slack, group_by: [...GROUP_BY], ...timed(least.timings), routes },
    inhibit_rules: [
      ...SEVERITY_ORDER.slice(0, -1).map((sev, i) => {
        const lower = SEVERITY_ORDER.slice(i + 1);
        return {
          source_matchers: [`severity="${sev}"`],
          target_matchers: [lower.length === 1 ? `severity="${lower[0]}"` : `severity=~"${lower.join('|')}"`],
          equal: [...INHIBIT_EQUAL],
        };
      }),
      { source_matchers: ['burn="fast"'], target_matchers: ['burn="slow"'], equal: [...BURN_INHIBIT_EQUAL] },
      // A page for the burn says all the slow-leak ticket would.
      { source_matchers: ['burn=~"fast|slow"'], target_matchers: ['burn="ticket"'], equal: [...BURN_INHIBIT_EQUAL] },
    ],
    receivers,
  };
}

function secretField(name: string, v: SecretValue): Record<string, string> {
  return 'file' in v ? { [`${name}_file`]: v.file } : { [name]: v.value };
}

function pagerdutyConfig(key: SecretValue, severity: string, source: string): Record<string, unknown> {
  return {
    ...secretField('routing_key', key),
    severity,
    send_resolved: true,
    client: 'DeltaCrown Alertmanager',
    client_url: '{{ template "pagerduty.default.clientURL" . }}',
    description:
      '{{ .CommonLabels.alertname }}{{ if .CommonLabels.service }} ({{ .CommonLabels.service }}){{ end }}: ' +
      '{{ if .CommonAnnotations.summary }}{{ .CommonAnnotations.summary }}{{ else }}{{ .Alerts.Firing | len }} alerts firing{{ end }}',
    source,
    component: '{{ .CommonLabels.service }}',
    group: '{{ .CommonLabels.family }}',
    class: '{{ .CommonLabels.alertname }}',
    details: {
      environment: '{{ .CommonLabels.environment }}',
      severity: '{{ .CommonLabels.severity }}',
      runbook_url: '{{ .CommonAnnotations.runbook_url }}',
    },
  };
}

function slackConfig(url: SecretValue, channel: string): Record<string, unknown> {
  return {
    ...secretField('api_url', url),
    channel,
    send_resolved: true,
    title:
      '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.severity }}: ' +
      '{{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }}{{ if .CommonLabels.service }}, {{ .CommonLabels.service }}{{ end }})',
    title_link: '{{ .CommonAnnotations.runbook_url }}',
    // A notification may hold firing and resolved alerts at once: each under its own heading.
    text:
      '{{ if .Alerts.Firing }}*Firing:*\n{{ range .Alerts.Firing }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}{{ end }}' +
      '{{ if .Alerts.Resolved }}*Resolved:*\n{{ range .Alerts.Resolved }}~{{ .Annotations.summary }}~\n{{ end }}{{ end }}',
  };
}
