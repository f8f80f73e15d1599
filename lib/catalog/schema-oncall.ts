/**
 * Schema of `alerts/oncall.yml`: the on-call model — the team, the roster in rotation order, the weekly rotation,
 * the escalation chain per severity, where every severity goes, and how Alertmanager and PagerDuty are set up per
 * environment.
 *
 * The MTTA / MTTR targets are *not* here: they live in `catalog.yml` (`severities`). Every escalation delay and
 * timeout in this file names the target it derives from (`mtta`, `mttr`, `critical.mttr`), so a target is written
 * once and a change to it moves every delay derived from it. The cross-checks (crosscheck-oncall.ts) verify what
 * one file cannot (targets that are not whole minutes, the Watchdog alert exists, staging never phones, …).
 */
import { z } from 'zod';
import { duration, slug } from './schema';
import { PAGERDUTY_TIME_ZONES } from '../pagerduty-time-zones';

/** The on-call levels of the runbook's escalation chain, in the order people are called. */
export const ONCALL_LEVELS = ['primary', 'secondary', 'team_lead', 'engineering_manager'] as const;
export type OnCallLevel = (typeof ONCALL_LEVELS)[number];

/** The two targets a severity has in catalog.yml. */
export const TARGETS = ['mtta', 'mttr'] as const;
export type Target = (typeof TARGETS)[number];

/** A reference to one severity's target in catalog.yml: `critical.mttr`. */
export const TARGET_REF_RE = /^(critical|high|warning)\.(mtta|mttr)$/;
const targetRef = z
  .string({ invalid_type_error: 'a target of a severity, such as critical.mttr' })
  .regex(TARGET_REF_RE, 'a target of a severity of catalog.yml: <critical|high|warning>.<mtta|mttr>, such as critical.mttr');

const email = z.string({ invalid_type_error: 'an e-mail address' }).email('an e-mail address (the PagerDuty login)');

/** A Slack channel name as people write it: `#infra-alerts`. */
const channel = z
  .string({ invalid_type_error: 'a Slack channel name such as #infra-alerts' })
  .regex(/^#[a-z0-9][a-z0-9._-]{0,79}$/, 'a Slack channel name such as #infra-alerts (lower-case, starting with #)');

/** An RFC 3339 timestamp in UTC, to the second: `2025-11-17T00:00:00Z`. */
const utcInstant = z
  .string({ invalid_type_error: 'an RFC 3339 UTC timestamp such as 2025-11-17T00:00:00Z' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'an RFC 3339 UTC timestamp such as 2025-11-17T00:00:00Z');

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** Notification timings of one Alertmanager route (durations). */
export const routeTimingsSchema = z
  .object({
    group_wait: duration.describe('How long a new group waits for more alerts before its first notification.'),
    group_interval: duration.describe('How long before a group that changed (new or resolved alerts) is notified again.'),
    repeat_interval: duration.describe('How long before an unchanged, still firing group is notified again.'),
  })
  .strict();

export const escalationLevelSchema = z
  .object({
    to: z.enum(ONCALL_LEVELS).describe('Who is paged at this level: the on-call of a schedule, or a named person.'),
    escalate_after: z
      .enum(TARGETS)
      .describe(
        'How long this level has to acknowledge before the next level is paged: this severity’s MTTA or MTTR target ' +
          '(catalog.yml). On the last level, the time before the chain starts over (num_loops).',
      ),
  })
  .strict();

export const oncallSeveritySchema = z
  .object({
    pagerduty_severity: z
      .enum(['critical', 'error', 'warning', 'info'])
      .describe('The PagerDuty event severity an alert of this severity is sent with.'),
    urgency: z
      .enum(['high', 'low'])
      .describe(
        'The PagerDuty urgency of its incidents in an environment with severity-based urgency (high phones; low does not ' +
          'escalate). Must agree with PagerDuty’s severity-based rule: critical/error → high, warning/info → low.',
      ),
    escalation: z
      .array(escalationLevelSchema)
      .min(1)
      .optional()
      .describe('The escalation chain, first level first. Required for a severity that pages; absent for one that does not.'),
    num_loops: z
      .number()
      .int()
      .min(0)
      .max(9)
      .default(0)
      .describe('How many times the chain starts over when nobody acknowledges (PagerDuty num_loops, 0–9).'),
    alertmanager: routeTimingsSchema.describe('Alertmanager notification timings of this severity.'),
  })
  .strict();

export const oncallEnvironmentSchema = z
  .object({
    urgency: z
      .enum(['severity_based', 'low'])
      .describe(
        'Incident urgency of the environment’s PagerDuty services: severity_based (critical/error phone, warning/info do ' +
          'not) or low (nothing phones, nothing escalates — for environments that do not page).',
      ),
    name_suffix: z
      .string()
      .describe('Appended to every PagerDuty object name of the environment (names are unique per account), e.g. " (staging)".'),
    prevent_destroy: z
      .boolean()
      .describe('Protect schedules, escalation policies and services from `terraform destroy` (Terraform prevent_destroy).'),
    alertmanager: z
      .object({
        secret_name: slug.describe(
          'Secret holding alertmanager.yaml; the kube-prometheus-stack chart must use it ' +
            '(alertmanager.alertmanagerSpec.useExistingSecret: true, configSecret: <name>).',
        ),
        namespace: z.string().min(1).describe('Namespace of the kube-prometheus-stack Alertmanager.'),
        url: z
          .string()
          .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http(s) URL such as https://alertmanager.example.com')
          .optional()
          .describe('Where people reach the environment’s Alertmanager (amtool --alertmanager.url; the on-call reference’s silence commands).'),
      })
      .strict(),
    slack_connection: z
      .object({
        workspace_id: z.string().regex(/^T[A-Z0-9]{6,}$/, 'a Slack workspace id such as T02A123LV1A'),
        channel_id: z.string().regex(/^[CG][A-Z0-9]{6,}$/, 'a Slack channel id such as C02CABCDAC9'),
      })
      .strict()
      .optional()
      .describe('Optional: post the environment’s PagerDuty incidents to the incidents channel (ids from Slack).'),
  })
  .strict();

export const oncallFileSchema = z
  .object({
    team: z
      .object({
        name: z.string().min(1).describe('PagerDuty team name.'),
        description: z.string().min(1),
      })
      .strict(),
    roster: z
      .array(email)
      .min(2)
      .describe(
        'The on-call engineers by PagerDuty login, in rotation order: the first is primary in the week of ' +
          'rotation_virtual_start, and each week’s primary is the next week’s secondary.',
      ),
    team_lead: email.describe('Third level of the chain (PagerDuty login).'),
    engineering_manager: email.describe('Last level of the chain (PagerDuty login).'),
    rotation: z
      .object({
        turn_length: duration.describe('Length of one on-call turn (1w: weekly).'),
        handoff: z
          .object({
            day: z.enum(WEEKDAYS),
            time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM such as 00:00'),
          })
          .strict()
          .describe('When one turn hands off to the next, in time_zone.'),
        time_zone: z
          .string()
          .refine((tz) => PAGERDUTY_TIME_ZONES.includes(tz), (tz) => ({
            message: `a time zone the PagerDuty provider accepts (validTZ in its util/util.go), such as Etc/UTC; got '${tz}'${tz === 'UTC' ? ' (PagerDuty spells it Etc/UTC)' : ''}`,
          }))
          .describe('Time zone of the schedules and the hand-off, one PagerDuty accepts (Etc/UTC: no daylight-saving drift).'),
        start: utcInstant.describe('A fixed past hand-off at which the layers start (never "now": synth must be deterministic).'),
        rotation_virtual_start: utcInstant.describe('The hand-off at which roster[0] starts a primary turn.'),
      })
      .strict(),
    slack: z
      .object({
        incidents: channel.describe('Active incidents and their updates (PagerDuty posts here when connected).'),
        alerts: channel.describe('Alerts that do not page: warning everywhere, every severity where the environment does not page.'),
        on_call: channel.describe('The rotation schedule and hand-off notes.'),
      })
      .strict(),
    severities: z
      .object({ critical: oncallSeveritySchema, high: oncallSeveritySchema, warning: oncallSeveritySchema })
      .strict()
      .describe('Per severity of catalog.yml: PagerDuty severity and urgency, escalation chain, notification timings.'),
    pagerduty: z
      .object({
        subdomain: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, 'the account subdomain, such as acme for https://acme.pagerduty.com')
          .optional()
          .describe('The PagerDuty account’s subdomain (https://<subdomain>.pagerduty.com): links of the on-call reference.'),
        acknowledgement_timeout: targetRef.describe(
          'An acknowledged incident that is not resolved within this target comes back (triggers again and re-notifies).',
        ),
        auto_resolve_timeout: duration.describe(
          'Safety net for a lost resolve event: an incident still open this long is resolved (Alertmanager re-triggers a ' +
            'still firing alert at its repeat interval). Longer than every MTTR target.',
        ),
        alert_grouping: z
          .object({
            type: z.literal('content_based'),
            aggregate: z.enum(['all', 'any']),
            fields: z.array(z.string().min(1)).min(1).describe('Event fields whose equal values group alerts into one incident.'),
            time_window: duration.describe('Maximum gap between grouped alerts: 5m to 1h, or 24h.'),
          })
          .strict(),
      })
      .strict(),
    alertmanager: z
      .object({
        resolve_timeout: duration.describe('Alertmanager global resolve_timeout.'),
        default_service: slug.describe(
          'A paging alert whose service label names no catalog service pages this service’s on-call (never dropped).',
        ),
        heartbeat: z
          .object({
            alertname: z.string().min(1).describe('The always-firing alert (rules catalog) that feeds the dead man’s switch.'),
          })
          .merge(routeTimingsSchema)
          .strict()
          .describe('The dead man’s switch route: a short repeat interval, so a silent pipeline is noticed quickly.'),
      })
      .strict(),
    environments: z
      .record(slug, oncallEnvironmentSchema)
      .describe('Per environment of catalog.yml: PagerDuty urgency and names, and where the Alertmanager configuration goes.'),
  })
  .strict();

export type OnCallFile = z.infer<typeof oncallFileSchema>;
export type OnCallSeverity = z.infer<typeof oncallSeveritySchema>;
export type OnCallEnvironment = z.infer<typeof oncallEnvironmentSchema>;
export type EscalationLevel = z.infer<typeof escalationLevelSchema>;
export type RouteTimings = z.infer<typeof routeTimingsSchema>;
export type Weekday = (typeof WEEKDAYS)[number];
