/**
 * Who an Alertmanager receiver of the exported configuration reaches, in the on-call's words: a PagerDuty service
 * and the escalation policy its events go through with that policy's first level ("PagerDuty deltacrown-api ·
 * DeltaCrown critical → primary on-call"), a Slack channel, the heartbeat webhook, or nobody (a receiver without
 * integrations). The policy of a PagerDuty event follows the PagerDuty plan the …-pagerduty stack creates: the
 * service's own policy, unless a service orchestration rule sends events of its PagerDuty severity through another.
 */
import * as path from 'path';
import type { Catalog } from '../catalog/model';
import { resolve } from '../plan/resolve';
import { levelName } from '../plan/pagerduty';
import { routingKeyFile } from '../export-alertmanager';
import type { Alertmanager } from '../alertmanager-model';

export type Notified =
  | { kind: 'pagerduty'; service: string; policy?: string; firstLevel?: string }
  | { kind: 'slack'; channel: string }
  | { kind: 'webhook'; url: string }
  | { kind: 'nobody' };

/** Every receiver of `am` (the configuration of `environment`), described. */
export function describeReceivers(c: Catalog, environment: string, am: Alertmanager): Map<string, Notified> {
  const env = resolve(c, environment);
  const plan = env.pagerduty;
  const services = env.services.map((s) => s.name);
  const out = new Map<string, Notified>();
  for (const [name, r] of am.receivers) {
    const pd = r.pagerduty[0];
    if (pd) {
      const key = pd.routingKeyFile ? path.basename(pd.routingKeyFile) : pd.routingKey ?? '';
      const service = services.find((s) => routingKeyFile(s) === key || key === s) ?? key;
      const sp = plan?.services.find((s) => s.service === service);
      const rule = sp?.orchestration.find((o) => new RegExp(`event\\.severity matches '${pd.severity}'`).test(o.condition));
      const policy = plan?.escalationPolicies.find((p) => p.severity === (rule?.escalationPolicy ?? sp?.escalationPolicy));
      out.set(name, { kind: 'pagerduty', service: sp?.name ?? service, policy: policy?.name, firstLevel: policy?.rules[0] ? levelName(policy.rules[0].level) : undefined });
    } else if (r.slack.length) out.set(name, { kind: 'slack', channel: r.slack[0].channel ?? name });
    else if (r.webhook.length) out.set(name, { kind: 'webhook', url: r.webhook[0].url ?? '' });
    else out.set(name, { kind: 'nobody' });
  }
  return out;
}

/** `PagerDuty deltacrown-api · DeltaCrown critical → primary on-call`, `Slack #infra-alerts`, `nobody`. */
export function notifiedText(n: Notified | undefined): string {
  if (!n || n.kind === 'nobody') return 'nobody';
  if (n.kind === 'slack') return `Slack ${n.channel}`;
  if (n.kind === 'webhook') return 'heartbeat webhook';
  return `PagerDuty ${n.service}${n.policy ? ` · ${n.policy}${n.firstLevel ? ` → ${n.firstLevel}` : ''}` : ''}`;
}
