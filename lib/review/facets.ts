/**
 * What a reviewer compares: every reviewable thing of a catalog (alert, SLO, guardrail, synthetic check, route,
 * escalation), per environment, as a flat record of fields that each know which direction is "louder".
 * One facet function per domain; the diff in `diff.ts` is generic.
 */
import * as path from 'path';
import type { Catalog } from '../catalog/model';
import { allAlerts, resolveEnvironment } from '../catalog/resolve';
import { seconds } from '../duration';
import { severityRank } from '../catalog/model';

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

/** Produces the reviewable items of one catalog. Domains register theirs in `FACETS`. */
export type Facet = (c: Catalog) => ReviewItem[];

const duration = (d: string | undefined): ReviewField => ({ kind: 'delay', value: d ? seconds(d) : 0, display: d ?? '0s' });

/** Alerts (threshold, condition and SLO burn alerts) of every environment. */
export const alertFacet: Facet = (c) =>
  c.catalog.environments.flatMap((env) =>
    allAlerts(resolveEnvironment(c, env.name)).map((a) => {
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
      const file = path.relative(c.dir, path.resolve(a.definedAt.replace(/:\d+$/, ''))).split(path.sep).join('/');
      return { kind: 'alert', name: a.name, environment: env.name, file, fields };
    }),
  );

/** SLOs: objective, window, and the burn rate and windows of each burn alert. */
export const sloFacet: Facet = (c) =>
  c.catalog.environments.flatMap((env) =>
    c.slos.slos.map((slo) => {
      const fields: Record<string, ReviewField> = {
        objective: { kind: 'objective', value: slo.objective, display: `${slo.objective}%` },
        window: { kind: 'plain', value: seconds(slo.window), display: slo.window },
      };
      for (const burn of ['fast_burn', 'slow_burn'] as const) {
        const b = slo.alerts[burn];
        fields[`${burn} burn rate`] = { kind: 'above', value: b.burn_rate, display: String(b.burn_rate) };
        fields[`${burn} windows`] = { kind: 'plain', value: `${b.long_window}/${b.short_window}`, display: `${b.long_window} + ${b.short_window}` };
      }
      return { kind: 'slo', name: slo.name, environment: env.name, fields };
    }),
  );

/** Every facet the review compares. */
export const FACETS: Facet[] = [alertFacet, sloFacet];
