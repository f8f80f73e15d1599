/**
 * The PagerDuty part of an environment plan (resolve, lib/plan/resolve.ts): the on-call model of one environment as plain data describing the team, the Primary
 * and Secondary schedules, one escalation policy per paging severity, the technical services with their
 * integrations and orchestration, the alert grouping setting and the business service. The constructs turn it
 * into resources one to one; tests read the numbers here and in the synthesized JSON. No cdktf, no I/O.
 */
import type { Catalog, Severity } from '../catalog/model';
import type { OnCallLevel } from '../catalog/schema-oncall';
import { defaultPagingSeverity, onCallEnvironment, ResolvedOnCall } from '../catalog/resolve-oncall';

/** The two on-call schedules. */
export type ScheduleKey = 'primary' | 'secondary';

/** The integrations: Events API v2 on every technical service, Amazon CloudWatch on the CloudWatch services. */
export type IntegrationKind = 'events' | 'cloudwatch';

export interface SchedulePlan {
  key: ScheduleKey;
  name: string;
  description: string;
  timeZone: string;
  layer: {
    name: string;
    /** RFC 3339, fixed in the catalog. */
    start: string;
    rotationVirtualStart: string;
    /** Seconds. */
    rotationTurnLengthSeconds: number;
    /** E-mails in rotation order. */
    users: string[];
  };
}

export type EscalationTarget = { type: 'schedule_reference'; schedule: ScheduleKey } | { type: 'user_reference'; email: string };

export interface EscalationPolicyPlan {
  severity: Severity;
  name: string;
  description: string;
  numLoops: number;
  rules: { level: OnCallLevel; delayMinutes: number; target: EscalationTarget }[];
}

export interface ServicePlan {
  /** The catalog service (`deltacrown-api`). */
  service: string;
  name: string;
  description: string;
  /** Severity whose escalation policy is the service's own (events that no orchestration rule re-routes). */
  escalationPolicy: Severity;
  /** `severity_based`: the event severity decides; `low`: nothing phones, nothing escalates. */
  urgency: 'severity_based' | 'low';
  /** Seconds, as the PagerDuty API wants them (a string). */
  acknowledgementTimeout: string;
  autoResolveTimeout: string;
  /** Service orchestration: events of a PagerDuty severity escalate through another severity's policy. */
  orchestration: { label: string; condition: string; escalationPolicy: Severity }[];
  integrations: { kind: IntegrationKind; name: string; type: string }[];
}

/**
 * A service that only CloudWatch alarms of one paging severity reach (through its Amazon CloudWatch integration,
 * subscribed by that severity's SNS topic). Why its own service:
 * - severity: PagerDuty's CloudWatch integration does not carry our severity (a CloudWatch event's severity is
 *   PagerDuty's, not the alarm's), so no orchestration rule can tell a high alarm from a critical one. The service's
 *   own escalation policy is the severity's, and its urgency a constant (the severity's in this environment): what
 *   the alarm leads to is fixed by which topic it notifies, nothing else.
 * - no auto-resolve: CloudWatch notifies only on a state change, so an incident closed by a timeout while the alarm
 *   stays in ALARM (low free storage for a day) would never be opened again; CloudWatch's OK resolves it.
 */
export interface CloudWatchServicePlan {
  /** The catalog service that owns the guardrail resources (`deltacrown-api`). */
  service: string;
  severity: Severity;
  name: string;
  description: string;
  /** Constant urgency of the severity in this environment (`high` for a paging severity in production). */
  urgency: 'high' | 'low';
  /** Seconds (a string), as for the technical services. */
  acknowledgementTimeout: string;
  /** `"null"`: never auto-resolve (the alarm's OK notification resolves the incident). */
  autoResolveTimeout: 'null';
  integration: { name: string; type: string };
}

export interface PagerDutyPlan {
  environment: string;
  /** Terraform prevent_destroy on schedules, escalation policies and services. */
  preventDestroy: boolean;
  team: { name: string; description: string };
  /** Everyone the stack looks up by e-mail, with their team role. */
  people: { email: string; role: 'responder' | 'manager' }[];
  schedules: SchedulePlan[];
  escalationPolicies: EscalationPolicyPlan[];
  services: ServicePlan[];
  /** Per technical service and paging severity: the service its CloudWatch alarms of that severity reach. */
  cloudWatchServices: CloudWatchServicePlan[];
  alertGrouping: { name: string; description: string; type: string; aggregate: string; fields: string[]; timeWindowSeconds: number };
  businessService: { name: string; description: string; pointOfContact: string };
  slackConnection?: { workspaceId: string; channelId: string; events: string[] };
}

/** Integration types of the PagerDuty API (generic integrations, no vendor lookup needed). */
export const INTEGRATION_TYPES: Record<IntegrationKind, { name: string; type: string }> = {
  events: { name: 'Alertmanager (Events API v2)', type: 'events_api_v2_inbound_integration' },
  cloudwatch: { name: 'Amazon CloudWatch', type: 'aws_cloudwatch_inbound_integration' },
};

/** Incident events posted to the incidents channel when a Slack connection is configured. */
export const SLACK_EVENTS = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.unacknowledged',
  'incident.escalated',
  'incident.reassigned',
  'incident.annotated',
  'incident.priority_updated',
  'incident.responder.added',
  'incident.status_update_published',
  'incident.reopened',
  'incident.resolved',
];

const LEVEL_NAMES: Record<OnCallLevel, string> = {
  primary: 'primary on-call',
  secondary: 'secondary on-call',
  team_lead: 'team lead',
  engineering_manager: 'engineering manager',
};

/** The PagerDuty plan of one environment, from the catalog's resolved on-call model (resolved once per catalog). */
export function planPagerDuty(c: Catalog, r: ResolvedOnCall, environment: string): PagerDutyPlan {
  const env = onCallEnvironment(r, environment);
  const sfx = env.nameSuffix;
  const project = c.catalog.project.name;
  const handoff = `${r.rotation.handoff.day} ${r.rotation.handoff.time} ${r.rotation.timeZone}`;
  const managed = 'Managed by Terraform from alerts/oncall.yml.';

  const schedules: SchedulePlan[] = (['primary', 'secondary'] as const).map((key) => ({
    key,
    name: `${project} ${key === 'primary' ? 'Primary' : 'Secondary'}${sfx}`,
    description:
      key === 'primary'
        ? `Primary on-call of ${r.team.name}: turns of ${r.rotation.turnLength}, hand-off ${handoff}. ${managed}`
        : `Secondary on-call of ${r.team.name}: the primary rotation one turn behind (last turn's primary). ${managed}`,
    timeZone: r.rotation.timeZone,
    layer: {
      name: key === 'primary' ? 'Primary rotation' : 'Secondary rotation',
      start: r.rotation.start,
      rotationVirtualStart: r.rotation.virtualStart,
      rotationTurnLengthSeconds: r.rotation.turnLengthSeconds,
      users: key === 'primary' ? [...r.roster] : [...r.secondaryRoster],
    },
  }));

  const target = (level: OnCallLevel): EscalationTarget => {
    if (level === 'primary' || level === 'secondary') return { type: 'schedule_reference', schedule: level };
    return { type: 'user_reference', email: level === 'team_lead' ? r.teamLead : r.engineeringManager };
  };
  const escalationPolicies: EscalationPolicyPlan[] = r.severities
    .filter((s) => s.escalation.length > 0)
    .map((s) => ({
      severity: s.severity,
      name: `${project} ${s.severity}${sfx}`,
      description: `${s.severity}: ${describeChain(r, s.severity)}. ${managed}`,
      numLoops: s.numLoops,
      rules: s.escalation.map((step) => ({ level: step.level, delayMinutes: step.delayMinutes, target: target(step.level) })),
    }));

  const fallback = defaultPagingSeverity(r);
  const services: ServicePlan[] = c.catalog.services.map((svc) => ({
    service: svc.name,
    name: `${svc.name}${sfx}`,
    description: `${svc.description} ${managed}`,
    escalationPolicy: fallback.severity,
    urgency: env.urgency,
    acknowledgementTimeout: String(r.pagerduty.acknowledgementTimeout.seconds),
    autoResolveTimeout: String(r.pagerduty.autoResolveTimeout.seconds),
    orchestration: escalationPolicies
      .filter((p) => p.severity !== fallback.severity)
      .map((p) => {
        const pd = r.severities.find((s) => s.severity === p.severity)!.pagerdutySeverity;
        return { label: `${p.severity} alerts (PagerDuty severity ${pd}) escalate through the ${p.severity} policy`, condition: `event.severity matches '${pd}'`, escalationPolicy: p.severity };
      }),
    integrations: [{ kind: 'events' as const, ...INTEGRATION_TYPES.events }],
  }));

  const cloudWatchServices: CloudWatchServicePlan[] = c.catalog.services.flatMap((svc) =>
    escalationPolicies.map((p) => ({
      service: svc.name,
      severity: p.severity,
      name: `${svc.name} CloudWatch ${p.severity}${sfx}`,
      description: `Amazon CloudWatch guardrail alarms of severity ${p.severity} on ${svc.name}'s resources: the ${p.severity} escalation policy, never auto-resolved (the alarm's OK resolves). ${managed}`,
      urgency: env.incidentUrgency[p.severity],
      acknowledgementTimeout: String(r.pagerduty.acknowledgementTimeout.seconds),
      autoResolveTimeout: 'null' as const,
      integration: { ...INTEGRATION_TYPES.cloudwatch },
    })),
  );

  const people = new Map<string, 'responder' | 'manager'>();
  for (const p of r.roster) people.set(p, 'responder');
  people.set(r.teamLead, 'manager');
  people.set(r.engineeringManager, 'manager');

  return {
    environment,
    preventDestroy: env.preventDestroy,
    team: { name: `${r.team.name}${sfx}`, description: `${r.team.description} ${managed}` },
    people: [...people].map(([email, role]) => ({ email, role })),
    schedules,
    escalationPolicies,
    services,
    cloudWatchServices,
    alertGrouping: {
      name: `${project} alert grouping${sfx}`,
      description: `Alerts of one ${r.pagerduty.alertGrouping.fields.join(' and ')} within ${r.pagerduty.alertGrouping.timeWindowSeconds / 60} min form one incident. ${managed}`,
      type: r.pagerduty.alertGrouping.type,
      aggregate: r.pagerduty.alertGrouping.aggregate,
      fields: r.pagerduty.alertGrouping.fields,
      timeWindowSeconds: r.pagerduty.alertGrouping.timeWindowSeconds,
    },
    businessService: {
      name: `${project}${sfx}`,
      description: `The ${project} platform as its users see it; depends on ${c.catalog.services.map((s) => s.name).join(', ')}. ${managed}`,
      pointOfContact: `Slack ${r.slack.incidents}`,
    },
    slackConnection: env.slackConnection ? { ...env.slackConnection, events: [...SLACK_EVENTS] } : undefined,
  };
}

/**
 * The chain of a severity in words, each arrow carrying the time a level has to acknowledge:
 * `primary on-call → 5m (MTTA) → secondary on-call → …; repeats once after 15m (MTTR)`.
 */
export function describeChain(r: ResolvedOnCall, severity: Severity): string {
  const s = r.severities.find((x) => x.severity === severity)!;
  if (s.escalation.length === 0) return 'no escalation (does not page)';
  const parts = [LEVEL_NAMES[s.escalation[0].level]];
  for (let i = 1; i < s.escalation.length; i++) {
    const prev = s.escalation[i - 1];
    parts.push(`${prev.delay} (${prev.after.toUpperCase()})`, LEVEL_NAMES[s.escalation[i].level]);
  }
  const last = s.escalation[s.escalation.length - 1];
  const loops = s.numLoops === 0 ? '' : `; the chain repeats ${s.numLoops === 1 ? 'once' : `${s.numLoops} times`} after ${last.delay} (${last.after.toUpperCase()})`;
  return `${parts.join(' → ')}${loops}`;
}

/** Human name of an on-call level. */
export function levelName(level: OnCallLevel): string {
  return LEVEL_NAMES[level];
}
