/**
 * Command-line options of the exported alertmanager.yml (`npm run export -- …`):
 *
 *   --pagerduty-url <url>          PagerDuty Events API v2 endpoint (a local stub in tests)
 *   --routing-key <key>            literal routing key of every service (instead of routing_key_file)
 *   --routing-keys <svc=key,…>     literal routing keys per service
 *   --slack-webhook-url <url>      literal Slack webhook URL (instead of api_url_file)
 *   --heartbeat-url <url>          the dead man's switch URL (default: a placeholder that never resolves)
 *   --secrets-dir <dir>            directory of the secret files (default /etc/alertmanager/secrets)
 *   --group-wait / --group-interval / --repeat-interval <duration>
 *                                  replace the timings of every route (end-to-end tests shorten them)
 *   --heartbeat-repeat-interval <duration>
 *                                  replace the heartbeat route's repeat interval only (wins over --repeat-interval)
 */
import { DURATION_RE } from '../lib/catalog/schema';
import type { AlertmanagerExportOptions } from '../lib/export-alertmanager';
import { option } from './cli';

export function alertmanagerExportOptions(options: Map<string, string | true>): AlertmanagerExportOptions {
  const routingKeys: Record<string, string> = {};
  const all = option(options, 'routing-key');
  if (all !== undefined) routingKeys['*'] = all;
  for (const pair of (option(options, 'routing-keys') ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--routing-keys expects service=key pairs separated by commas, got '${pair}'`);
    routingKeys[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const timing = (name: string) => {
    const v = option(options, name);
    if (v !== undefined && !DURATION_RE.test(v)) throw new Error(`--${name} expects a duration such as 1s or 5m, got '${v}'`);
    return v;
  };
  const timings = { group_wait: timing('group-wait'), group_interval: timing('group-interval'), repeat_interval: timing('repeat-interval') };
  return {
    pagerdutyUrl: option(options, 'pagerduty-url'),
    routingKeys: Object.keys(routingKeys).length ? routingKeys : undefined,
    slackWebhookUrl: option(options, 'slack-webhook-url'),
    heartbeatUrl: option(options, 'heartbeat-url'),
    secretsDir: option(options, 'secrets-dir'),
    timings: Object.fromEntries(Object.entries(timings).filter(([, v]) => v !== undefined)),
    heartbeatTimings: timing('heartbeat-repeat-interval') ? { repeat_interval: timing('heartbeat-repeat-interval') } : undefined,
  };
}
