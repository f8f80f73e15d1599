/**
 * The catalog's validation schema: the one place that says what a well-formed file under `alerts/` is.
 *
 * Each catalog file kind has one zod schema here. The loader validates with them, the JSON Schemas under
 * `alerts/schemas/` are generated from them (editor completion), and the model types are inferred from them.
 * Checks that need more than one file (unknown service, threshold order, PromQL syntax …) live in `crosscheck.ts`.
 *
 * Keys are snake_case in YAML and in the model alike: one concept, one name.
 */
import { z } from 'zod';
import { parseSeconds, TIME_QUANTITY_RE } from '../units';

/** A Prometheus duration: `30s`, `5m`, `1h`, `30d`, `1h30m`. */
export const DURATION_RE = /^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$/;
export const duration = z
  .string({ invalid_type_error: 'a Prometheus duration such as 30s, 5m, 1h or 30d' })
  .regex(DURATION_RE, 'a Prometheus duration such as 30s, 5m, 1h or 30d');

/** Lower-case names of services, environments, families, SLOs: `deltacrown-api`. */
export const slug = z
  .string({ invalid_type_error: 'a lower-case name of letters, digits and dashes' })
  .regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name of letters, digits and dashes');

/** Alert names are PascalCase, as in the Prometheus and kube-prometheus conventions. */
export const alertName = z
  .string({ invalid_type_error: 'an alert name in PascalCase' })
  .regex(/^[A-Z][A-Za-z0-9]*$/, 'an alert name in PascalCase (letters and digits, starting upper-case)');

/** A recording rule name: `level:metric:operations`. */
export const recordName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+$/, 'a recording rule name of the form level:metric:operations');

/** A PromQL expression; parsed with the real PromQL grammar by the cross-checks. */
export const promql = z.string({ invalid_type_error: 'a PromQL expression' }).min(1, 'a non-empty PromQL expression');

/** A severity name; checked against `severities` of catalog.yml (plus `none`/`info`) by the cross-checks. */
export const severityRef = z.string({ invalid_type_error: 'a severity name' });

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');
const labelMap = z.record(labelName, z.string({ invalid_type_error: 'a string label value' }));

// ---------------------------------------------------------------------------------------------------------------
// catalog.yml
// ---------------------------------------------------------------------------------------------------------------

export const serviceSchema = z
  .object({
    name: slug.describe('Service name, as in the `service` label of the metrics.'),
    description: z.string().min(1),
  })
  .strict();

export const severitySchema = z
  .object({
    description: z.string().min(1).describe('When an incident has this severity (the runbook’s impact category).'),
    mtta: duration.describe('Mean-time-to-acknowledge target.'),
    mttr: duration.describe('Mean-time-to-resolve target.'),
    pages: z.boolean().describe('Whether this severity pages a person (PagerDuty) in an environment that pages.'),
    breach: z
      .object({
        mtta: z.string().min(1).describe('What follows when an incident of this severity is acknowledged later than the MTTA target.'),
        mttr: z.string().min(1).describe('What follows when an incident of this severity is resolved later than the MTTR target.'),
      })
      .strict()
      .optional()
      .describe('The runbook’s consequences of a missed target (the docs and the incidents report state them).'),
  })
  .strict();

export const environmentSchema = z
  .object({
    name: slug,
    pages: z.boolean().describe('Whether alerts of this environment may page a person. Staging does not.'),
    name_suffix: z
      .string()
      .regex(/^(-[a-z0-9]+)?$/, "empty or '-' and lower-case letters and digits, such as -stg")
      .describe(
        'Appended to every Kubernetes object name and Grafana uid of this environment, so two environments in one cluster or one Grafana never share an object. Distinct per environment; empty for the environment whose names the runbook links (production).',
      ),
    kubernetes: z
      .object({
        context: z
          .string()
          .min(1, 'the kubeconfig context of this environment’s cluster')
          .describe('The kubeconfig context the Kubernetes provider uses for this environment (the file comes from KUBE_CONFIG_PATH).'),
        namespace: z.string().min(1).describe('Namespace of the kube-prometheus-stack installation.'),
        rule_name: slug.describe('Name of the PrometheusRule object (name_suffix appended).'),
        rule_labels: labelMap.describe('Labels the Prometheus `ruleSelector` matches (kube-prometheus-stack: release).'),
      })
      .strict(),
    evaluation_interval: duration.describe('Rule group evaluation interval.'),
  })
  .strict();

export const catalogFileSchema = z
  .object({
    project: z
      .object({
        name: z.string().min(1),
        runbook_base_url: z.string().url('an absolute URL of docs/runbook.md; alerts link to <url>#<anchor>'),
      })
      .strict(),
    services: z.array(serviceSchema).min(1),
    severities: z
      .object({ critical: severitySchema, high: severitySchema, warning: severitySchema })
      .strict()
      .describe('The three severities of the runbook, most severe first.'),
    environments: z.array(environmentSchema).min(1),
    detection_budget: z
      .object({
        critical: duration,
        high: duration,
        warning: duration,
        burn: z
          .object({ fast_burn: duration, slow_burn: duration, ticket: duration })
          .strict()
          .describe('Burn-rate alerts, by tier: their detection time of a total outage (every request failing).'),
      })
      .strict()
      .optional()
      .describe(
        'Worst-case time from the start of a condition to a firing alert, per severity: the longest range window the alert reads + its `for` + one evaluation interval. An alert over it states `detection_exception` with the reason.',
      ),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------------------
// metrics.yml — the metric contract rules may select on
// ---------------------------------------------------------------------------------------------------------------

/** A source of metrics: an exporter, a scrape target, a monitoring service (`postgres_exporter`, `deltacrown-api`). */
export const sourceName = z
  .string({ invalid_type_error: 'a source name' })
  .regex(/^[a-z][a-z0-9_-]*$/, 'a source name of lower-case letters, digits, dashes and underscores');

export const metricsFileSchema = z
  .object({
    sources: z
      .record(sourceName, z.string().min(1).describe('What the source is and how its metrics reach Prometheus.'))
      .describe(
        'Everything that produces metrics. Each needs an alert declaring `liveness: [<source>]` (target down / series absent) before an alert may use its metrics: an outage that takes the metrics with it must still page.',
      ),
    metrics: z.record(
      z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a Prometheus metric name'),
      z
        .object({
          type: z.enum(['counter', 'gauge', 'histogram']),
          labels: z.array(labelName).describe('The labels a rule may select on.'),
          source: z
            .union([sourceName, z.array(sourceName).min(1)], { errorMap: () => ({ message: 'a source of `sources`, or a list of them' }) })
            .transform((v) => (typeof v === 'string' ? [v] : v))
            .describe('The source(s) exposing the metric, names of `sources`.'),
          description: z.string().min(1).optional().describe('What the metric means, when its name does not say.'),
        })
        .strict(),
    ),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------------------
// Examples: promtool test cases written next to the alert they test
// ---------------------------------------------------------------------------------------------------------------

export const exampleSchema = z
  .object({
    description: z.string().optional(),
    interval: duration.default('1m').describe('Spacing of the input series samples.'),
    series: z
      .array(
        z
          .object({
            series: z.string().min(1).describe('A series selector: metric{label="value"}.'),
            values: z.string().min(1).describe('Samples in promtool expanding notation, e.g. 0+60x30.'),
          })
          .strict(),
      )
      .min(1),
    at: duration.describe('Evaluation time of the check, from the start of the series.'),
    labels: labelMap
      .optional()
      .describe('Labels the firing alert carries from its series (alertname, severity, environment … are added).'),
    environments: z
      .array(slug)
      .min(1)
      .optional()
      .describe(
        'Only in these environments (names of catalog.yml), for an alert whose rules differ between environments (a value expected per environment); default: every environment.',
      ),
  })
  .strict();

export const examplesSchema = z
  .object({
    fires: z.array(exampleSchema).default([]).describe('Inputs for which the alert must be firing at `at`.'),
    quiet: z.array(exampleSchema).default([]).describe('Inputs for which the alert must not be firing at `at`.'),
  })
  .strict();

const THRESHOLD_EXPECTED = 'a number in the unit of the signal, or a time with its unit such as 400ms, 1.5s or 250us';

/**
 * A threshold in the unit of its signal: a number (`0.05` for a ratio, `80` for a count, `0.4` for seconds) or, on a
 * signal in seconds, a time with its unit (`400ms`, `1.5s`, `250us`/`250µs`), read as seconds. The cross-checks
 * reject a unit on a signal that is not a time, and a bare number implausible for its signal (`400` seconds).
 */
export const threshold = z
  .union([z.number(), z.string().regex(TIME_QUANTITY_RE, THRESHOLD_EXPECTED)], {
    errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' ? THRESHOLD_EXPECTED : ctx.defaultError }),
  })
  .transform((v) => (typeof v === 'number' ? v : parseSeconds(v)!))
  .describe('In the unit of the signal (0.05 for a 5 % ratio); on a signal in seconds, with its unit: 400ms, 1.5s, 250us.');

const overrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    threshold: threshold.optional(),
    severity: severityRef.optional(),
    for: duration.optional(),
  })
  .strict();

export const units = ['ratio', 'seconds', 'count', 'per_minute', 'bytes', 'percent'] as const;
export const unitSchema = z.enum(units);

export const signalSchema = z
  .object({
    expr: promql.describe('The measured value, without threshold; alerts compare it against their threshold.'),
    record: recordName.optional().describe('Record the signal under this name (used by alerts and dashboards).'),
    unit: unitSchema,
  })
  .strict();

export const alertSchema = z
  .object({
    name: alertName,
    severity: severityRef,
    threshold: threshold.optional(),
    signal: signalSchema.optional().describe('Overrides the family signal for this alert.'),
    comparison: z.enum(['above', 'below']).optional(),
    expr: promql.optional().describe('A full alert condition, for alerts without a signal and threshold.'),
    for: duration.optional(),
    keep_firing_for: duration.optional(),
    detection_exception: z
      .string()
      .min(10, 'expected the reason this alert may take longer than its severity’s detection budget (a sentence)')
      .optional()
      .describe('Why this alert may detect later than its severity’s budget (catalog.yml detection_budget).'),
    liveness: z
      .array(sourceName)
      .min(1)
      .optional()
      .describe('Sources (metrics.yml `sources`) this alert watches for being down or absent: their liveness rule.'),
    summary: z.string().min(1).optional(),
    description: z.string().min(1).optional(),
    overrides: z.record(slug, overrideSchema).optional().describe('Per-environment differences, by environment name.'),
    examples: examplesSchema.optional(),
  })
  .strict();

export const familySchema = z
  .object({
    family: slug.describe('Alert family: the runbook section and the unit of inhibition.'),
    title: z.string().min(1),
    runbook: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'an anchor of docs/runbook.md (lower-case, dashes)')
      .describe('Anchor of the section of docs/runbook.md.'),
    service: slug.optional().describe('Owning service, added as the `service` label.'),
    services: z
      .array(slug)
      .min(1)
      .optional()
      .describe('Services whose series carry the `service` label this family alerts on.'),
    signal: signalSchema.optional(),
    comparison: z.enum(['above', 'below']).default('above'),
    for: duration.default('5m'),
    keep_firing_for: duration.optional(),
    summary: z.string().min(1),
    description: z.string().min(1),
    alerts: z.array(alertSchema).min(1),
  })
  .strict();

export const ruleFileSchema = z
  .object({
    group: slug.describe('Prometheus rule group name.'),
    families: z.array(familySchema).min(1),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------------------
// slos.yml
// ---------------------------------------------------------------------------------------------------------------

export const burnAlertSchema = z
  .object({
    name: alertName,
    severity: severityRef,
    budget_consumed: z
      .number()
      .gt(0)
      .lt(100)
      .describe('Share of the whole error budget, in %, consumed within long_window that makes this alert fire.'),
    long_window: duration,
    short_window: duration.describe('Confirms the burn is still going on (1/12 of long_window).'),
    burn_rate: z
      .number()
      .positive()
      .describe('budget_consumed/100 × SLO window ÷ long_window; checked against the other values.'),
    for: duration.default('2m'),
    detection_exception: z
      .string()
      .min(10, 'expected the reason this alert may take longer than its tier’s detection budget (a sentence)')
      .optional()
      .describe('Why this alert may detect later than its tier’s budget (catalog.yml detection_budget.burn).'),
    overrides: z.record(slug, overrideSchema.omit({ threshold: true })).optional(),
    examples: examplesSchema.optional(),
  })
  .strict();

export const sloSchema = z
  .object({
    name: slug,
    service: slug,
    description: z.string().min(1),
    objective: z.number({ invalid_type_error: 'a percentage such as 99.9' }).describe('Target in %, e.g. 99.9.'),
    window: duration.describe('SLO compliance window, e.g. 30d.'),
    runbook: z.string().regex(/^[a-z0-9-]+$/, 'an anchor of docs/runbook.md'),
    sli: z
      .object({
        errors: promql.describe('Rate of bad events; `{{.window}}` stands for the window.'),
        total: promql.describe('Rate of all events; `{{.window}}` stands for the window.'),
      })
      .strict(),
    alerts: z
      .object({
        fast_burn: burnAlertSchema,
        slow_burn: burnAlertSchema,
        ticket: burnAlertSchema
          .optional()
          .describe('Slow leaks below the slow burn (Sloth’s ticket tier: 3d and 6h at burn rate 1, a warning): the budget would be gone by the end of the window.'),
      })
      .strict(),
  })
  .strict();

export const sloFileSchema = z.object({ slos: z.array(sloSchema).min(1) }).strict();

export type CatalogFile = z.infer<typeof catalogFileSchema>;
export type MetricsFile = z.infer<typeof metricsFileSchema>;
export type RuleFile = z.infer<typeof ruleFileSchema>;
export type SloFile = z.infer<typeof sloFileSchema>;
export type Family = z.infer<typeof familySchema>;
export type AlertSpec = z.infer<typeof alertSchema>;
export type Signal = z.infer<typeof signalSchema>;
export type Example = z.infer<typeof exampleSchema>;
export type Examples = z.infer<typeof examplesSchema>;
export type Slo = z.infer<typeof sloSchema>;
export type BurnAlert = z.infer<typeof burnAlertSchema>;
export type Unit = (typeof units)[number];
export type Override = z.infer<typeof overrideSchema>;
