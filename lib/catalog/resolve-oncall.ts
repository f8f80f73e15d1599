/**
 * Resolves the on-call model (oncall.yml) against the targets of catalog.yml: every escalation delay and timeout
 * becomes a number of minutes or seconds derived from the MTTA / MTTR target it names, and every severity gets its
 * destination per environment. The PagerDuty stack, the Alertmanager configuration and the README table all read
 * this, so they agree by construction. Pure data, no I/O.
 */
import type { Catalog, Severity } from './model';
import { SEVERITY_ORDER } from './model';
import type { OnCallLevel, RouteTimings, Target, Weekday } from './schema-oncall';
import { TARGET_REF_RE } from './schema-oncall';
import { SEVERITY_BASED_URGENCY } from './crosscheck-oncall';
import { seconds } from '../duration';

/** One level of an escalation chain. */
export interface EscalationStep {
  level: OnCallLevel;
  /** The target of the severity this level's delay derives from. */
  after: Target;
  /** That target as written in catalog.yml (`5m`). */
  delay: string;
  /** Minutes this level has to acknowledge before the next level is paged (PagerDuty escalation_delay_in_minutes). */
  delayMinutes: number;
}

/** One severity of the on-call model, with its targets and derived escalation. */
export interface OnCallSeverity {
  severity: Severity;
  /** MTTA / MTTR targets from catalog.yml (durations). */
  mtta: string;
  mttr: string;
  /** Whether the severity pages a person (catalog.yml), where the environment pages. */
  pages: boolean;
  pagerdutySeverity: 'critical' | 'error' | 'warning' | 'info';
  /** Urgency under severity-based urgency. */
  urgency: 'high' | 'low';
  /** Empty for a severity that does not page. */
  escalation: EscalationStep[];
  /** PagerDuty num_loops: how many times the chain starts over. */
  numLoops: number;
  /** Alertmanager notification timings. */
  timings: RouteTimings;
}

/** Where alerts of one severity go in one environment. */
export type Destination = 'pagerduty' | 'slack';

export interface OnCallEnvironment {
  name: string;
  /** catalog.yml `pages` of the environment. */
  pages: boolean;
  /** Urgency rule of the environment's PagerDuty services. */
  urgency: 'severity_based' | 'low';
  nameSuffix: string;
  preventDestroy: boolean;
  /** The secret's name is oncall.yml's `secret_name` with the environment's name_suffix (catalog.yml). */
  /** `url`: where people reach the environment's Alertmanager (silences), when the catalog says. */
  alertmanager: { secretName: string; namespace: string; url?: string };
  slackConnection?: { workspaceId: string; channelId: string };
  /** Per severity: PagerDuty where both the severity and the environment page, the Slack alerts channel otherwise. */
  destination: Record<Severity, Destination>;
  /** Per severity: the urgency its PagerDuty incidents get in this environment. */
  incidentUrgency: Record<Severity, 'high' | 'low'>;
}

export interface ResolvedOnCall {
  team: { name: string; description: string };
  /** Primary rotation order (e-mails). */
  roster: string[];
  /** Secondary rotation order: the roster one turn behind, so last turn's primary is this turn's secondary. */
  secondaryRoster: string[];
  teamLead: string;
  engineeringManager: string;
  rotation: {
    turnLength: string;
    turnLengthSeconds: number;
    handoff: { day: Weekday; time: string };
    timeZone: string;
    start: string;
    virtualStart: string;
  };
  slack: { incidents: string; alerts: string; onCall: string };
  severities: OnCallSeverity[];
  pagerduty: {
    /** `https://<subdomain>.pagerduty.com`, when the catalog names the account. */
    baseUrl?: string;
    /** The target reference (`critical.mttr`), its duration and its value in seconds. */
    acknowledgementTimeout: { ref: string; duration: string; seconds: number };
    autoResolveTimeout: { duration: string; seconds: number };
    alertGrouping: { type: 'content_based'; aggregate: 'all' | 'any'; fields: string[]; timeWindowSeconds: number };
  };
  alertmanager: {
    resolveTimeout: string;
    defaultService: string;
    heartbeat: { alertname: string } & RouteTimings;
  };
  environments: OnCallEnvironment[];
}

/** The on-call model of a catalog that has an oncall.yml. */
export function resolveOnCall(c: Catalog): ResolvedOnCall {
  const o = c.oncall;
  if (!o) throw new Error('the catalog has no on-call model (alerts/oncall.yml)');
  const targets = c.catalog.severities;
  const severities: OnCallSeverity[] = SEVERITY_ORDER.map((s) => {
    const os = o.severities[s];
    return {
      severity: s,
      mtta: targets[s].mtta,
      mttr: targets[s].mttr,
      pages: targets[s].pages,
      pagerdutySeverity: os.pagerduty_severity,
      urgency: os.urgency,
      escalation: (os.escalation ?? []).map((l) => ({
        level: l.to,
        after: l.escalate_after,
        delay: targets[s][l.escalate_after],
        delayMinutes: seconds(targets[s][l.escalate_after]) / 60,
      })),
      numLoops: os.num_loops,
      timings: os.alertmanager,
    };
  });
  const ack = o.pagerduty.acknowledgement_timeout.match(TARGET_REF_RE)!;
  const ackDuration = targets[ack[1] as Severity][ack[2] as Target];
  const environments: OnCallEnvironment[] = c.catalog.environments.map((env) => {
    const oe = o.environments[env.name];
    if (!oe) throw new Error(`oncall.yml has no settings for environment ${env.name}`);
    const destination = {} as Record<Severity, Destination>;
    const incidentUrgency = {} as Record<Severity, 'high' | 'low'>;
    for (const s of severities) {
      destination[s.severity] = env.pages && s.pages ? 'pagerduty' : 'slack';
      incidentUrgency[s.severity] = oe.urgency === 'low' ? 'low' : SEVERITY_BASED_URGENCY[s.pagerdutySeverity];
    }
    return {
      name: env.name,
      pages: env.pages,
      urgency: oe.urgency,
      nameSuffix: oe.name_suffix,
      preventDestroy: oe.prevent_destroy,
      alertmanager: { secretName: `${oe.alertmanager.secret_name}${env.name_suffix}`, namespace: oe.alertmanager.namespace, url: oe.alertmanager.url },
      slackConnection: oe.slack_connection ? { workspaceId: oe.slack_connection.workspace_id, channelId: oe.slack_connection.channel_id } : undefined,
      destination,
      incidentUrgency,
    };
  });
  return {
    team: o.team,
    roster: [...o.roster],
    secondaryRoster: [o.roster[o.roster.length - 1], ...o.roster.slice(0, -1)],
    teamLead: o.team_lead,
    engineeringManager: o.engineering_manager,
    rotation: {
      turnLength: o.rotation.turn_length,
      turnLengthSeconds: seconds(o.rotation.turn_length),
      handoff: o.rotation.handoff,
      timeZone: o.rotation.time_zone,
      start: o.rotation.start,
      virtualStart: o.rotation.rotation_virtual_start,
    },
    slack: { incidents: o.slack.incidents, alerts: o.slack.alerts, onCall: o.slack.on_call },
    severities,
    pagerduty: {
      baseUrl: o.pagerduty.subdomain ? `https://${o.pagerduty.subdomain}.pagerduty.com` : undefined,
      acknowledgementTimeout: { ref: o.pagerduty.acknowledgement_timeout, duration: ackDuration, seconds: seconds(ackDuration) },
      autoResolveTimeout: { duration: o.pagerduty.auto_resolve_timeout, seconds: seconds(o.pagerduty.auto_resolve_timeout) },
      alertGrouping: {
        type: o.pagerduty.alert_grouping.type,
        aggregate: o.pagerduty.alert_grouping.aggregate,
        fields: [...o.pagerduty.alert_grouping.fields],
        timeWindowSeconds: seconds(o.pagerduty.alert_grouping.time_window),
      },
    },
    alertmanager: {
      resolveTimeout: o.alertmanager.resolve_timeout,
      defaultService: o.alertmanager.default_service,
      heartbeat: { ...o.alertmanager.heartbeat },
    },
    environments,
  };
}

/** The on-call settings of one environment. */
export function onCallEnvironment(r: ResolvedOnCall, env: string): OnCallEnvironment {
  const e = r.environments.find((x) => x.name === env);
  if (!e) throw new Error(`unknown environment ${env}`);
  return e;
}

/** The paging severity whose chain a service uses when an event matches no other (the most severe that pages). */
export function defaultPagingSeverity(r: ResolvedOnCall): OnCallSeverity {
  const s = r.severities.find((x) => x.escalation.length > 0);
  if (!s) throw new Error('no severity of the on-call model has an escalation chain');
  return s;
}

/**
 * Who is primary and secondary on call at `instant`, as PagerDuty computes it from the layers: turns of
 * `turnLengthSeconds` counted from `virtualStart`, each layer walking its user list in order.
 */
export function onCallAt(r: ResolvedOnCall, instant: Date): { primary: string; secondary: string } {
  const turn = Math.floor((instant.getTime() - Date.parse(r.rotation.virtualStart)) / (r.rotation.turnLengthSeconds * 1000));
  const pick = (list: string[]) => list[((turn % list.length) + list.length) % list.length];
  return { primary: pick(r.roster), secondary: pick(r.secondaryRoster) };
}
