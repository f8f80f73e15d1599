/**
 * Schemas of the scenario library (`alerts/scenarios/`): the healthy background every simulation starts from
 * (`scenarios/background.yml`) and the named incident and quiet scenarios (`scenarios/*.yml`) that `npm run
 * simulate` runs through the exported rules (the real promtool) and the exported Alertmanager routing.
 *
 * A scenario is a healthy past (`history`), an onset, and `changes` from there, each one declarative shape applied
 * to the background's series: a counter's rate, a gauge's value, a ratio between counters, a histogram's p95, series
 * that vanish, counter resets, a crash-loop with the kubelet's back-off, probe locations failing, a gauge sawtooth,
 * or raw promtool series. Its expectations speak of labels only (severity, service, environment), never of alert
 * names, so that a scenario survives a renamed or restructured alert and says what the on-call sees.
 * Cross-file checks (selectors against the metric contract, coverage of every alert) are in crosscheck-scenarios.ts.
 */
import { z } from 'zod';
import { alertName, duration, slug } from './schema';
import { parseSeconds, TIME_QUANTITY_RE } from '../units';
import { probeName } from './schema-synthetics';

/** A PromQL series selector such as `http_requests_total{service="deltacrown-api", code=~"5.."}`; checked by the cross-checks. */
export const seriesSelector = z
  .string({ invalid_type_error: 'a series selector such as metric{label="value"}' })
  .min(1, 'a series selector such as metric{label="value"}');

const TIME_EXPECTED = 'a time with its unit such as 120ms or 2.5s';
/** A time with its unit (`120ms`, `2.5s`), read as seconds. */
const timeQuantity = z
  .string({ invalid_type_error: TIME_EXPECTED })
  .regex(TIME_QUANTITY_RE, TIME_EXPECTED)
  .transform((v) => parseSeconds(v)!);

// ---------------------------------------------------------------------------------------------------------------
// scenarios/background.yml — what a healthy DeltaCrown looks like, metric by metric of the contract
// ---------------------------------------------------------------------------------------------------------------

/** Expansions of one background entry into several series. */
export const BACKGROUND_EXPANSIONS = ['synthetic_check'] as const;

export const backgroundSeriesSchema = z
  .object({
    labels: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name'), z.string({ invalid_type_error: 'a string label value' }))
      .default({})
      .describe('Labels of the series (labels of the metric contract only).'),
    for_each: z
      .enum(BACKGROUND_EXPANSIONS)
      .optional()
      .describe(
        'synthetic_check: one series per synthetic check (synthetics/uptime_checks.yml) and probe location, with the labels job (the check), instance (its URL in the environment) and probe; sampled at the check frequency.',
      ),
    rate: z.number().min(0).optional().describe('Counters and histograms: increase per second.'),
    value: z.number().optional().describe('Gauges: the value.'),
    buckets: z
      .array(z.number().positive())
      .min(2)
      .optional()
      .describe('Histograms: the finite bucket upper bounds (`le`), ascending; +Inf is added.'),
    p95: timeQuantity.optional().describe('Histograms: the 95th percentile the buckets are filled to (120ms).'),
    every: duration.optional().describe('Spacing of the samples when the source reports less often than the scrape interval (a probe run every 1m).'),
  })
  .strict();

export const backgroundFileSchema = z
  .object({
    scrape_interval: duration.describe('Spacing of the samples of every series, unless a scenario sets its own.'),
    metrics: z
      .record(z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a Prometheus metric name'), z.array(backgroundSeriesSchema))
      .describe(
        'Every metric of the contract (metrics.yml), with its healthy series; an empty list for a metric that a healthy system does not expose (a waiting reason of a container that runs).',
      ),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------------------
// scenarios/*.yml — named scenarios
// ---------------------------------------------------------------------------------------------------------------

/** The shapes a change can take; a change is exactly one of them. */
export const SHAPES = ['rate', 'value', 'ratio', 'latency', 'vanish', 'reset', 'crash_loop', 'probes_fail', 'sawtooth', 'series'] as const;
export type ShapeKind = (typeof SHAPES)[number];
/** Shapes that move from the background to their target and may do so gradually (`ramp`). */
export const RAMPED_SHAPES: readonly ShapeKind[] = ['rate', 'value', 'ratio', 'latency'];

export const changeSchema = z
  .object({
    rate: z
      .object({
        select: seriesSelector.describe('Counter series of the background.'),
        to: z.number().min(0).optional().describe('Their total rate, per second, split in their background proportions.'),
        factor: z.number().min(0).optional().describe('Their rate times this (0.3: a drop to 30 %).'),
      })
      .strict()
      .optional()
      .describe('Counters: steady traffic at another level (a traffic drop, a surge).'),
    value: z
      .object({ select: seriesSelector.describe('Gauge series of the background.'), to: z.number() })
      .strict()
      .optional()
      .describe('Gauges: a step (or `ramp`) to another value.'),
    ratio: z
      .object({
        of: seriesSelector.describe('The counter series of the numerator (the failing requests).'),
        in: seriesSelector.describe('The counter series of the whole (every request); their total rate stays.'),
        to: z.number().min(0).max(1).describe('The share of `of` in `in`: 0.06 for 6 %.'),
      })
      .strict()
      .optional()
      .describe('A ratio between counters: an error ratio, a cache hit ratio.'),
    latency: z
      .object({ select: seriesSelector.describe('Histogram of the background, by its metric name (without _bucket).'), p95: timeQuantity })
      .strict()
      .optional()
      .describe('A histogram whose 95th percentile moves to `p95`.'),
    vanish: z
      .object({ select: seriesSelector.describe('Series of the background; `{__name__=~"pg_.*"}` selects an exporter.') })
      .strict()
      .optional()
      .describe('Series that disappear (a staleness marker, then nothing), until `until`.'),
    reset: z
      .object({ select: seriesSelector.describe('Counter series of the background.') })
      .strict()
      .optional()
      .describe('Counters restarting from 0 (their pods restarted), at `at`.'),
    crash_loop: z
      .object({ namespace: z.string().min(1), pod: z.string().min(1), container: z.string().min(1) })
      .strict()
      .optional()
      .describe(
        "A container that crashes 5 s after every start, restarted with the kubelet's back-off (10 s, doubling, capped at 5 minutes): its CrashLoopBackOff waiting reason (present only while it waits) and its restart counter.",
      ),
    probes_fail: z
      .object({ check: slug.describe('A synthetic check (its `job`).'), probes: z.array(probeName).min(1).describe('The probe locations that fail it.') })
      .strict()
      .optional()
      .describe('Probe locations failing a synthetic check (probe_success 0).'),
    sawtooth: z
      .object({ select: seriesSelector.describe('Gauge series of the background.'), from: z.number(), to: z.number(), period: duration })
      .strict()
      .optional()
      .describe('A gauge rising linearly from `from` to `to` over every `period`, then dropping back (memory filled and freed).'),
    series: z
      .object({
        series: z.string().min(1).describe('A series: metric{label="value"} (replaces the background series with the same labels).'),
        values: z.string().min(1).describe('Samples in promtool notation at the scrape interval, from `at` on: 0+60x30, 1 1 _ stale.'),
      })
      .strict()
      .optional()
      .describe('Raw promtool series.'),
    at: duration.default('0s').describe('When the change starts, after the onset.'),
    until: duration.optional().describe('When the change ends (back to the background), after the onset; default: the end.'),
    ramp: duration.optional().describe('rate, value, ratio, latency: reach the target linearly over this long (default: a step).'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const present = SHAPES.filter((k) => c[k] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: present.length ? `expected one shape per change, got ${present.join(' and ')}` : `expected one of the shapes ${SHAPES.join(', ')}`,
      });
    }
    if (c.rate && (c.rate.to === undefined) === (c.rate.factor === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['rate'], message: "expected exactly one of 'to' (a rate per second) or 'factor'" });
    }
  });

export const PAGES_NONE = 'none';
/** What an expectation can say; each item says exactly one. */
export const EXPECTATION_KINDS = ['pages', 'pages_at_most', 'slack', 'quiet', 'firing'] as const;

export const expectationSchema = z
  .object({
    pages: z
      .string()
      .optional()
      .describe('A page (PagerDuty) for an alert of this severity, within `within` of the onset; `none`: no page at all during the scenario.'),
    pages_at_most: z
      .string()
      .optional()
      .describe('No page for an alert more severe than this severity during the scenario (pages high, never critical).'),
    slack: z.string().optional().describe('A Slack notification for an alert of this severity, within `within` of the onset.'),
    quiet: z.literal(true).optional().describe('No alert fires at all (an always-firing heartbeat aside).'),
    firing: z.string().optional().describe('An alert of this severity is firing `at` after the onset (still firing at +55m).'),
    at: duration.optional().describe('With `firing`: when, after the onset.'),
    service: slug.optional().describe('Only alerts with this `service` label count.'),
    within: duration.optional().describe('With `pages` or `slack`: the latest time after the onset (default: the end of the scenario).'),
    environment: slug.optional().describe('The expectation holds in this environment only (default: every environment the scenario runs in).'),
  })
  .strict()
  .superRefine((e, ctx) => {
    const kinds = EXPECTATION_KINDS.filter((k) => e[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: kinds.length ? `expected one expectation per item, got ${kinds.join(' and ')}` : `expected one of ${EXPECTATION_KINDS.map((k) => `'${k}'`).join(', ')}` });
    }
    if ((e.firing === undefined) !== (e.at === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [e.at === undefined ? 'firing' : 'at'], message: "expected 'at' (when, after the onset) with 'firing', and 'at' only with 'firing'" });
    }
    if (e.within !== undefined && (e.quiet || e.firing !== undefined || e.pages_at_most !== undefined || e.pages === PAGES_NONE)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['within'], message: "expected 'within' only with 'pages: <severity>' or 'slack'" });
    }
    if (e.quiet && e.service !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['service'], message: "expected no 'service' with 'quiet' (no alert at all); for one service write 'pages: none' with 'service'" });
  });

export const scenarioSchema = z
  .object({
    name: z
      .string({ invalid_type_error: 'a lower-case name of letters, digits, dots and dashes' })
      .regex(/^[a-z][a-z0-9.-]*$/, 'a lower-case name of letters, digits, dots and dashes (api-5xx-4.9-percent)')
      .describe('Scenario name (unique), as `npm run simulate -- --scenario <name>` selects it.'),
    description: z.string().min(1).describe('What happens, in the runbook’s words.'),
    kind: z.enum(['incident', 'quiet']).describe('incident: something breaks and someone must hear of it; quiet: normal life next to a threshold.'),
    runbook: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'an anchor of docs/runbook.md (lower-case, dashes)')
      .optional()
      .describe('Incidents: the section of docs/runbook.md the on-call follows.'),
    next_to: z
      .record(alertName, z.enum(['firing', 'quiet']))
      .optional()
      .describe('Alerts whose threshold (or condition) this scenario sits next to, and on which side: every alert needs a firing scenario, every threshold a quiet one.'),
    environments: z
      .array(slug)
      .min(1)
      .optional()
      .describe('Environments to simulate (default: those its expectations name, else every environment that pages).'),
    history: duration.default('10m').describe('Healthy background before the onset. Alerts whose windows (+ for) are longer than the samples so far are not judged.'),
    duration: duration.default('30m').describe('How long the scenario runs after the onset.'),
    scrape_interval: duration.optional().describe('Spacing of the samples (default: the background’s).'),
    evaluation_interval: duration
      .optional()
      .describe("Rule evaluation step (default: the environment's). Only for scenarios of days, which promtool could not step through every 30s: a multiple of the environment's, and times are then exact to this step."),
    changes: z.array(changeSchema).default([]).describe('What changes from the onset on, in order.'),
    expect: z.array(expectationSchema).min(1).describe('What the on-call must (not) see.'),
  })
  .strict();

export const scenarioFileSchema = z.object({ scenarios: z.array(scenarioSchema).min(1) }).strict();

export type BackgroundFile = z.infer<typeof backgroundFileSchema>;
export type BackgroundSeries = z.infer<typeof backgroundSeriesSchema>;
export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type Change = z.infer<typeof changeSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
