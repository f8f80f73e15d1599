/**
 * What a reviewer compares: every reviewable thing of a catalog's plan (alert, SLO, guardrail, synthetic check,
 * route, escalation), per environment, as a flat record of fields that each know which direction is "louder".
 * One facet function per domain; the diff in `diff.ts` is generic. The review compares two plans: base and head.
 */
import * as path from 'path';
import type { CatalogPlan } from '../plan/types';
import { seconds } from '../duration';
import { burnAlertsOf, severityRank } from '../plan/vocabulary';
import { onCallAt } from '../plan/oncall';

/**
 * How a change of a field is classified.
 * - `above` / `below`: a threshold an alert fires above / below (raising an `above` threshold loosens it);
 * - `severity`: a severity name (rank order critical < high < warning < none);
 * - `delay`: a duration an alert waits before firing (`for`); longer is looser;
 * - `escalation`: a duration before escalating; longer is slower;
 * - `objective`: an SLO target; lower is looser;
 * - `routing`: where notifications go;
 * - `plain`: any other change (expression, text).
 */
export type FieldKind = 'above' | 'below' | 'severity' | 'delay' | 'escalation' | 'objective' | 'routing' | 'plain';

export interface ReviewField {
  kind: FieldKind;
  /** Comparable value: a number for thresholds/durations (seconds)/objectives, a string otherwise. */
  value: number | string | boolean;
  /** How people read it: `5%`, `5m`, `critical`. */
  display: string;
}

export interface ReviewItem {
  /** `alert`, `slo`, `guardrail`, `synthetic check`, `route`, `escalation`. */
  kind: string;
  /** Unique within kind and environment: alert name, SLO name, … */
  name: string;
  environment: string;
  /** Where it is defined (file), to notice moves. */
  file?: string;
  fields: Record<string, ReviewField>;
}

/**
 * What a facet needs besides the catalog. `at` is the instant the review speaks of ("who is on call now"): the
 * command line passes the clock (or `--at`), tests pass a fixed instant, so nothing below reads the clock.
 */
export interface FacetContext {
  at: Date;
}

/** The context of one plan's facets: the instant, and the catalog directory its files are named against. */
export interface PlanContext extends FacetContext {
  dir: string;
}

/** Produces the reviewable items of one plan. Domains register theirs in `FACETS`. */
export type Facet = (p: CatalogPlan, ctx: PlanContext) => ReviewItem[];

const duration = (d: string | undefined): ReviewField => ({ kind: 'delay', value: d ? seconds(d) : 0, display: d ?? '0s' });

/** Alerts (threshold, condition and SLO burn alerts) of every environment. */
export const alertFacet: Facet = (p, { dir }) =>
  p.environments.flatMap((env) =>
    env.alerts.map((a) => {
      const fields: Record<string, ReviewField> = {
        severity: { kind: 'severity', value: severityRank(a.severity), display: a.severity },
        for: duration(a.for),
        expression: { kind: 'plain', value: a.expr, display: a.kind === 'threshold' ? 'expression' : a.expr.replace(/\s+/g, ' ') },
      };
      if (a.threshold !== undefined) {
        fields.threshold = { kind: a.comparison === 'below' ? 'below' : 'above', value: a.threshold, display: a.thresholdText ?? String(a.threshold) };
        // The threshold is part of the expression: compare the rest only.
        fields.expression.value = a.expr.replace(/ [<>] [-0-9.e]+$/, '');
      }
      const file = path.relative(dir, path.resolve(a.definedIn)).split(path.sep).join('/');
      return { kind: 'alert', name: a.name, environment: env.name, file, fields };
    }),
  );

/** SLOs: objective, window, and the burn rate and windows of each burn alert. */
export const sloFacet: Facet = (p) =>
  p.environments.flatMap((env) =>
    env.slos.map((slo) => {
      const fields: Record<string, ReviewField> = {
        objective: { kind: 'objective', value: slo.objective, display: `${slo.objective}%` },
        window: { kind: 'plain', value: seconds(slo.window), display: slo.window },
      };
      for (const [burn, b] of burnAlertsOf(slo)) {
        fields[`${burn} burn rate`] = { kind: 'above', value: b.burn_rate, display: String(b.burn_rate) };
        fields[`${burn} windows`] = { kind: 'plain', value: `${b.long_window}/${b.short_window}`, display: `${b.long_window} + ${b.short_window}` };
      }
      return { kind: 'slo', name: slo.name, environment: env.name, fields };
    }),
  );

const minutes = (m: number): ReviewField => ({ kind: 'escalation', value: m, display: `${m} min` });
const plain = (v: string | number | boolean): ReviewField => ({ kind: 'plain', value: v, display: String(v) });
/** A destination: compared by what people read, so a new channel or PagerDuty severity counts. */
const routing = (display: string): ReviewField => ({ kind: 'routing', value: display, display });

/**
 * Escalation per environment and severity: where it goes, urgency, each level's delay, the acknowledgement
 * timeout; plus the rotation — and who is on call now, since a roster edit can change this week's primary.
 */
export const escalationFacet: Facet = (p, { at }) => {
  const r = p.onCall;
  if (!r) return [];
  const now = onCallAt(r, at);
  return p.environments.flatMap((env) => {
    const e = env.onCall!.environment;
    const items: ReviewItem[] = r.severities.map((s) => {
      const fields: Record<string, ReviewField> = {
        destination: routing(e.destination[s.severity] === 'pagerduty' ? 'PagerDuty' : `Slack ${r.slack.alerts}`),
        urgency: { kind: 'routing', value: e.incidentUrgency[s.severity], display: e.incidentUrgency[s.severity] },
        levels: { kind: 'routing', value: s.escalation.map((l) => l.level).join(' → '), display: s.escalation.map((l) => l.level.replace(/_/g, ' ')).join(' → ') || 'none' },
        'acknowledgement timeout': { kind: 'escalation', value: r.pagerduty.acknowledgementTimeout.seconds / 60, display: r.pagerduty.acknowledgementTimeout.duration },
      };
      s.escalation.forEach((l, i) => (fields[`escalate after level ${i + 1} (${l.level.replace(/_/g, ' ')})`] = minutes(l.delayMinutes)));
      return { kind: 'escalation', name: s.severity, environment: env.name, fields };
    });
    items.push({
      kind: 'rotation',
      name: 'on-call',
      environment: env.name,
      fields: {
        roster: { kind: 'routing', value: r.roster.join(', '), display: r.roster.join(', ') },
        'turn length': plain(r.rotation.turnLength),
        'hand-off': plain(`${r.rotation.handoff.day} ${r.rotation.handoff.time} ${r.rotation.timeZone}`),
        'on call now': { kind: 'routing', value: `${now.primary} / ${now.secondary}`, display: `primary ${now.primary}, secondary ${now.secondary}` },
        'team lead': { kind: 'routing', value: r.teamLead, display: r.teamLead },
        'engineering manager': { kind: 'routing', value: r.engineeringManager, display: r.engineeringManager },
      },
    });
    return items;
  });
};

/** Alertmanager routes per environment and severity: receiver and notification timings. */
export const routeFacet: Facet = (p) => {
  const r = p.onCall;
  if (!r) return [];
  return p.environments.flatMap((env) => {
    const e = env.onCall!.environment;
    return r.severities.map((s) => ({
      kind: 'route',
      name: s.severity,
      environment: env.name,
      fields: {
        receiver: routing(e.destination[s.severity] === 'pagerduty' ? `PagerDuty (${s.pagerdutySeverity})` : `Slack ${r.slack.alerts}`),
        group_wait: { kind: 'escalation', value: seconds(s.timings.group_wait), display: s.timings.group_wait },
        group_interval: { kind: 'escalation', value: seconds(s.timings.group_interval), display: s.timings.group_interval },
        repeat_interval: { kind: 'escalation', value: seconds(s.timings.repeat_interval), display: s.timings.repeat_interval },
      },
    }));
  });
};

/** CloudWatch guardrail alarms per environment: threshold in the catalog's unit, severity, evaluation, topic. */
export const guardrailFacet: Facet = (p) =>
  p.environments.flatMap(({ name: env, guardrails: plan }) => {
    if (!plan) return [];
    const alarms = [...(plan.rds?.alarms ?? []), ...(plan.elasticache?.alarms ?? []), ...(plan.s3?.alarms ?? [])];
    const items: ReviewItem[] = alarms.map((a) => ({
      kind: 'guardrail',
      name: a.alarmName.replace(`deltacrown-${env}-`, ''),
      environment: env,
      fields: {
        threshold: { kind: a.comparisonOperator === 'LessThanThreshold' ? 'below' : 'above', value: a.threshold, display: a.thresholdText },
        severity: { kind: 'severity', value: severityRank(a.severity), display: a.severity },
        evaluation: {
          kind: 'delay',
          value: a.period * a.datapointsToAlarm,
          display: `${a.datapointsToAlarm} of ${a.evaluationPeriods} × ${a.period}s ${a.extendedStatistic ?? a.statistic}`,
        },
        'missing data': plain(a.treatMissingData),
        topic: { kind: 'routing', value: a.topic, display: a.topic },
      },
    }));
    for (const pg of [plan.rds?.parameterGroup, plan.elasticache?.parameterGroup]) {
      if (!pg) continue;
      items.push({ kind: 'parameter group', name: pg.baseName, environment: env, fields: Object.fromEntries(pg.parameters.map((p) => [p.name, plain(p.value)])) });
    }
    return items;
  });

/** Synthetic checks per environment: what is requested and expected, how often, from where. */
export const syntheticFacet: Facet = (p) =>
  p.environments.flatMap((env) =>
    env.checks.map((k) => ({
      kind: 'synthetic check',
      name: k.name,
      environment: env.name,
      fields: {
        request: plain(`${k.method} ${k.url}`),
        ...(k.headers ? { headers: plain(Object.entries(k.headers).map(([h, v]) => `${h}: ${v}`).join(', ')) } : {}),
        ...(k.body !== undefined ? { 'request body': plain(k.body) } : {}),
        'status codes': plain(k.validStatusCodes.join(', ')),
        'body regex': plain(k.bodyRegex ?? '(none)'),
        frequency: { kind: 'delay', value: k.frequencySeconds, display: k.frequency },
        timeout: { kind: 'above', value: k.timeoutSeconds, display: k.timeout },
        probes: { kind: 'routing', value: k.probes.join(', '), display: k.probes.join(', ') },
      },
    })),
  );

/**
 * Feature flags per environment: the value each must have (feature_flags.yml); `any` = not watched there. A change
 * of expected value is a change of what alerts, so the reviewer sees it like a threshold.
 */
export const featureFlagFacet: Facet = (p) =>
  p.environments.flatMap((env) =>
        (env.featureFlags ?? []).map((f) => ({
          kind: 'feature flag',
          name: f.name,
          environment: env.name,
          fields: { expected: plain(typeof f.expected === 'boolean' ? String(f.expected) : 'any (not watched)') },
        })),
  );

/** Every facet the review compares. */
export const FACETS: Facet[] = [alertFacet, sloFacet, escalationFacet, routeFacet, guardrailFacet, syntheticFacet, featureFlagFacet];
