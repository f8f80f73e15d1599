/**
 * The Grafana dashboards of the runbook's first five minutes, as JSON models built with
 * `@grafana/grafana-foundation-sdk`: SLO burn rate, moderation enforcement, infrastructure, synthetic checks.
 *
 * Every line a panel draws is an alert threshold of the resolved environment (or a reference value of
 * dashboards.yml): a threshold is changed in the catalog and the dashboards follow. Panels of an alert query what
 * the alert evaluates (its recording rule, else its signal expression). Every dashboard has a Prometheus
 * datasource variable (`${datasource}`, never an import placeholder), unique non-zero panel ids, its stable uid,
 * links to the runbook, deploy markers, and a first row of the alerts of its families that are firing.
 *
 * Pure functions from the environment plan to plain data; no cdktf here.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { DashboardKind, DashboardSpec, EnvironmentPlan, FamilyPlan, ResolvedAlert, ResolvedCheck, Slo, Unit } from '../plan/types';
import { escapeRegex } from '../label-matchers';
import { burnAlertsOf, NON_NOTIFYING_SEVERITIES, selectedChecks, SLO_FAMILY, SLO_RECORDS, sloRecordName, SYNTHETICS_FAMILY } from '../plan/vocabulary';
import { fmt } from '../num';
import { FEATURE_FLAG_EXPECTED, FEATURE_FLAG_FAMILY } from '../plan/vocabulary';

/** The alert family of payment processing (rules/payments.yml): its dashboard panel draws what it reads. */
const PAYMENT_FAMILY = 'payment-processing';

/** A rendered dashboard: its identity and the JSON model (`config_json` of `grafana_dashboard`). */
export interface RenderedDashboard {
  kind: DashboardKind;
  /** The environment's uid: the catalog uid with its name_suffix. */
  uid: string;
  title: string;
  model: DashboardModel;
}

/** The dashboard JSON model, as Grafana stores it. */
export type DashboardModel = dashboard.Dashboard & { uid: string; title: string; panels: (dashboard.Panel | dashboard.RowPanel)[] };

/** Name of the Prometheus datasource template variable every query uses. */
export const DATASOURCE_VARIABLE = 'datasource';

/** The datasource every panel and query points at: the dashboard's `datasource` variable. */
const DS: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

/** Grafana's own annotations datasource (built-in annotations, tag-based deploy markers). */
const GRAFANA_DS: common.DataSourceRef = { type: 'grafana', uid: '-- Grafana --' };

/** Colour of a severity's threshold line. */
const SEVERITY_COLOR: Record<string, string> = { critical: 'red', high: 'orange', warning: 'yellow' };

/** Grafana unit of a catalog unit. */
const GRAFANA_UNIT: Record<Unit, string> = { ratio: 'percentunit', seconds: 's', count: 'short', per_minute: 'short', bytes: 'bytes', percent: 'percent' };

/** Every dashboard of dashboards.yml, for one environment. Empty when the catalog has no dashboards file. */
export function renderDashboards(plan: EnvironmentPlan): RenderedDashboard[] {
  if (!plan.dashboards) return [];
  return plan.dashboards.dashboards.map((d) => {
    const spec = d.spec;
    const ctx: Ctx = { plan, environment: plan.name, alerts: plan.alerts, spec, uid: d.uid, families: d.families };
    const builder = RENDERERS[spec.kind](ctx);
    const model = finish(builder.build() as DashboardModel);
    return { kind: spec.kind, uid: model.uid, title: spec.title, model };
  });
}

interface Ctx {
  plan: EnvironmentPlan;
  environment: string;
  /** Alerts of the environment (disabled ones dropped, overrides applied). */
  alerts: readonly ResolvedAlert[];
  spec: DashboardSpec;
  /** The environment's uid of the dashboard. */
  uid: string;
  /** Families whose alerts link here (listed, plus every unlisted one for the default dashboard). */
  families: readonly string[];
}

const RENDERERS: Record<DashboardKind, (ctx: Ctx) => dashboard.DashboardBuilder> = {
  'slo-burn-rate': sloDashboard,
  'moderation-enforcement': moderationDashboard,
  infrastructure: infrastructureDashboard,
  synthetics: syntheticsDashboard,
};

// ---------------------------------------------------------------------------------------------------------------
// The four dashboards
// ---------------------------------------------------------------------------------------------------------------

function sloDashboard(ctx: Ctx): dashboard.DashboardBuilder {
  const b = base(ctx, 'now-24h');
  firingAlerts(ctx, b);
  for (const slo of ctx.plan.slos) {
    const budget = (100 - slo.objective) / 100;
    b.withRow(new dashboard.RowBuilder(`${slo.name}: ${slo.objective}% over ${slo.window} (${slo.service})`));
    b.withPanel(
      statPanel(`SLI over ${slo.window}`, `${slo.description} Objective ${slo.objective}% over ${slo.window}.`)
        .withTarget(query(`1 - ${sloRecordName(slo.window)}{slo="${slo.name}"}`, 'SLI').instant())
        .graphMode(common.BigValueGraphMode.None)
        .unit('percentunit')
        .decimals(3)
        .thresholds(steps([{ value: null, color: 'red' }, { value: round(slo.objective / 100), color: 'green' }]))
        .span(6),
    );
    b.withPanel(
      statPanel(
        `Error budget remaining (${slo.window})`,
        `Share of the ${slo.window} error budget (${fmt(100 - slo.objective)}% of requests) not yet spent. Below 0 the SLO is missed.`,
      )
        .withTarget(query(`${SLO_RECORDS.budgetRemaining}{slo="${slo.name}"}`, 'remaining').instant())
        .graphMode(common.BigValueGraphMode.None)
        .unit('percentunit')
        .decimals(1)
        .thresholds(steps([{ value: null, color: 'red' }, { value: 0, color: 'green' }]))
        .span(6),
    );
    b.withPanel(
      timeseriesPanel(`Error ratio (SLI errors)`, `Share of requests failing, against the budget of ${fmt(100 - slo.objective)}% (line).`)
        .targets(burnWindows(slo).map((w, i) => query(`${sloRecordName(w)}{slo="${slo.name}"}`, `${w}`, refId(i))))
        .unit('percentunit')
        .thresholds(steps([{ value: null, color: 'green' }, { value: round(budget), color: 'red' }]))
        .thresholdsStyle(thresholdLines())
        .span(12),
    );
    for (const [kind, spec] of burnAlertsOf(slo)) {
      const alert = ctx.alerts.find((a) => a.name === spec.name);
      const word = { fast_burn: 'Fast burn', slow_burn: 'Slow burn', ticket: 'Slow leak (ticket)' }[kind];
      const windows = [spec.long_window, spec.short_window];
      const desc = alert
        ? `Burn rate = error ratio ÷ budget (${fmt(budget)}). ${alert.name} (${alert.severity}) fires when both the ${spec.long_window} and the ${spec.short_window} burn rate exceed ${fmt(spec.burn_rate)} for ${alert.for}: ${spec.budget_consumed}% of the ${slo.window} budget gone in ${spec.long_window}.`
        : `Burn rate = error ratio ÷ budget (${fmt(budget)}). ${spec.name} is disabled in ${ctx.environment}.`;
      b.withPanel(
        timeseriesPanel(`${word}: burn rate over ${windows.join(' and ')}`, desc)
          .targets(windows.map((w, i) => query(`${sloRecordName(w)}{slo="${slo.name}"} / ${fmt(budget)}`, `burn rate ${w}`, refId(i))))
          .unit('suffix:×')
          .decimals(2)
          .thresholds(steps(alert ? [{ value: null, color: 'green' }, { value: spec.burn_rate, color: color(alert.severity) }] : [{ value: null, color: 'green' }]))
          .thresholdsStyle(thresholdLines())
          .links([runbookLink(ctx, slo.runbook, 'Runbook: SLO burn rate')])
          .span(12),
      );
    }
  }
  return b;
}

function moderationDashboard(ctx: Ctx): dashboard.DashboardBuilder {
  const services = familyServices(ctx, 'moderation-gate-latency');
  const b = base(ctx, 'now-6h').withVariable(serviceVariable('moderation_decisions_total', services));
  firingAlerts(ctx, b);
  const svc = 'service=~"$service"';

  b.withRow(new dashboard.RowBuilder('Moderation gate'));
  b.withPanel(
    timeseriesPanel('Deny ratio', 'Share of moderation decisions that deny, per service (5m rate).')
      .withTarget(
        query(
          `sum by (service) (rate(moderation_decisions_total{${svc}, decision="deny"}[5m]))\n/\n(sum by (service) (rate(moderation_decisions_total{${svc}}[5m])) > 0)`,
          '{{service}} deny',
        ),
      )
      .unit('percentunit')
      .min(0)
      .span(8),
  );
  const gate = familyOf(ctx, 'moderation-gate-latency')?.signal;
  if (gate) {
    b.withPanel(
      alertPanel(ctx, 'Moderation gate latency p50 / p95', 'moderation-gate-latency', 'Moderation gate decision latency, per service.')
        .targets([
          query(`histogram_quantile(0.5, sum by (service, le) (rate(moderation_gate_duration_seconds_bucket{${svc}}[5m])))`, '{{service}} p50', 'A'),
          query(gate.query, '{{service}} p95', 'B'),
        ])
        .unit(GRAFANA_UNIT[gate.unit])
        .min(0)
        .span(8),
    );
  }
  b.withPanel(
    statPanel('Redis (moderation cache)', 'redis_exporter: is Redis reachable? Down: moderation decisions fall back to the database.')
      .withTarget(query('min(redis_up)', 'redis_up'))
      .mappings([{ type: dashboard.MappingType.ValueToText, options: { '0': { text: 'DOWN', color: 'red', index: 0 }, '1': { text: 'UP', color: 'green', index: 1 } } }])
      .thresholds(steps([{ value: null, color: 'red' }, { value: 1, color: 'green' }]))
      .links([runbookLink(ctx, familyRunbook(ctx, 'redis-down'), 'Runbook: Redis down')])
      .span(8),
  );

  b.withRow(new dashboard.RowBuilder('Moderation cache'));
  addPanel(b, signalPanel(ctx, 'moderation-cache-hit-rate', 'Cache hit rate', 'Moderation cache hits ÷ (hits + misses), per service (5m rate).', '{{service}}', 12)?.max(1));
  b.withPanel(
    timeseriesPanel('Cache hits / misses', 'Moderation cache lookups per second, per service (5m rate).')
      .targets([
        query(`sum by (service) (rate(moderation_cache_hits_total{${svc}}[5m]))`, '{{service}} hits', 'A'),
        query(`sum by (service) (rate(moderation_cache_misses_total{${svc}}[5m]))`, '{{service}} misses', 'B'),
      ])
      .unit('ops')
      .min(0)
      .span(12),
  );
  return b;
}

function infrastructureDashboard(ctx: Ctx): dashboard.DashboardBuilder {
  const services = familyServices(ctx, 'http-5xx-ratio');
  const b = base(ctx, 'now-6h').withVariable(serviceVariable('http_requests_total', services));
  firingAlerts(ctx, b);
  const svc = 'service=~"$service"';

  b.withRow(new dashboard.RowBuilder('HTTP'));
  addPanel(b, signalPanel(ctx, 'http-5xx-ratio', '5xx ratio per service', 'Share of requests answered with a 5xx, per service (5m rate).', '{{service}}', 12));
  b.withPanel(
    timeseriesPanel('Traffic per service', 'Requests per second, per service (5m rate), and the same time one week ago (dashed).')
      .targets([
        query(`sum by (service) (rate(http_requests_total{${svc}}[5m]))`, '{{service}}', 'A'),
        query(`sum by (service) (rate(http_requests_total{${svc}}[5m] offset 1w))`, '{{service}} one week ago', 'B'),
      ])
      .overrideByRegexp('.* one week ago', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }])
      .unit('reqps')
      .min(0)
      .span(12),
  );
  addPanel(b, signalPanel(ctx, 'traffic-drop', 'Traffic vs one week ago', 'Requests over 10 minutes ÷ the same 10 minutes one week ago, per service.', '{{service}}', 12));
  addPanel(b, signalPanel(ctx, 'http-latency', 'Latency p95 per service', 'p95 of request duration, per service (5m rate).', '{{service}}', 12));
  addPanel(b, signalPanel(ctx, 'upload-error-ratio', '5xx ratio of uploads', 'Share of upload requests answered with a 5xx (5m rate): S3 PutObject failing shows here first.', '{{service}} {{route}}', 12));
  paymentsAndFlags(ctx, b);

  b.withRow(new dashboard.RowBuilder('PostgreSQL'));
  const pool = ctx.plan.dashboards!.limits.database_pool_size;
  const poolText = `Active PostgreSQL connections. The pool holds ${pool} (red line: exhaustion).`;
  addPanel(b, signalPanel(ctx, 'database-connections', `Active connections (pool ${pool})`, poolText, 'active', 12, [{ value: pool, color: 'red' }])?.axisSoftMax(pool));
  addPanel(b, signalPanel(ctx, 'database-long-running-query', 'Longest active query', 'Duration of the longest active transaction, per database.', '{{datname}}', 12));

  b.withRow(new dashboard.RowBuilder('Redis'));
  addPanel(b, signalPanel(ctx, 'redis-evictions', 'Redis evictions per minute', 'Keys Redis evicts per minute (5m rate): memory pressure.', 'evicted keys / min', 8));
  addPanel(b, signalPanel(ctx, 'redis-memory', 'Redis memory used of maxmemory', 'Memory Redis uses ÷ its maxmemory.', 'used', 8)?.max(1));
  addPanel(b, signalPanel(ctx, 'redis-latency', 'Cache operation p95 per service', 'p95 of cache (Redis) operations, per service (5m rate).', '{{service}}', 8));

  b.withRow(new dashboard.RowBuilder('Pods'));
  const failed = ctx.alerts.find((a) => a.family === 'pod-failures' && a.kind === 'condition');
  b.withPanel(
    statPanel('Failed pods', failed ? `Pods in phase Failed (what ${failed.name} evaluates).` : 'Pods in phase Failed.')
      .withTarget(query(failed ? `count(${failed.expr.trim()}) or vector(0)` : 'vector(0)', 'failed pods'))
      .thresholds(steps([{ value: null, color: 'green' }, { value: 1, color: failed ? color(failed.severity) : 'red' }]))
      .links([runbookLink(ctx, familyRunbook(ctx, 'pod-failures'), 'Runbook: Pod failures')])
      .span(6),
  );
  addPanel(b, signalPanel(ctx, 'pod-failures', 'Container restarts per pod (15m)', 'Restarts of the containers of each pod over the last 15 minutes.', '{{service}} {{pod}}', 18));
  return b;
}

/**
 * Payments and feature flags, when the catalog alerts on them: payment attempts per provider and outcome (what
 * DeltaCrownPaymentProcessingDown reads), and per flag the replicas running it on against its expected value.
 */
function paymentsAndFlags(ctx: Ctx, b: dashboard.DashboardBuilder): void {
  const svc = 'service=~"$service"';
  const payments = ctx.alerts.filter((a) => a.family === PAYMENT_FAMILY);
  const flags = ctx.alerts.filter((a) => a.family === FEATURE_FLAG_FAMILY);
  if (payments.length === 0 && flags.length === 0) return;
  b.withRow(new dashboard.RowBuilder('Payments and feature flags'));
  if (payments.length) {
    b.withPanel(
      timeseriesPanel(
        'Payment attempts per provider and outcome',
        `Attempts per second (5m rate): succeeded, declined (the provider refused), failed (no answer). ${payments.map((a) => `${a.name} (${a.severity})`).join(', ')}: see the runbook.`,
      )
        .withTarget(query(`sum by (provider, outcome) (rate(deltacrown_payment_attempts_total{${svc}}[5m]))`, '{{provider}} {{outcome}}'))
        .unit('reqps')
        .min(0)
        .links([runbookLink(ctx, familyRunbook(ctx, PAYMENT_FAMILY), `Runbook: ${familyTitle(ctx, PAYMENT_FAMILY)}`)])
        .span(12),
    );
  }
  if (flags.length) {
    b.withPanel(
      timeseriesPanel('Feature flags: replicas on, and expected', 'Per flag, the replicas running it on (solid) and its expected value in this environment (dashed, 1 = on, 0 = off); a flag free in this environment has no dashed line.')
        .targets([
          query(`sum by (flag) (deltacrown_feature_flag_enabled{${svc}})`, '{{flag}}', 'A'),
          query(FEATURE_FLAG_EXPECTED, '{{flag}} expected', 'B'),
        ])
        .overrideByRegexp('.* expected', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }])
        .lineInterpolation(common.LineInterpolation.StepAfter)
        .min(0)
        .decimals(0)
        .links([runbookLink(ctx, familyRunbook(ctx, FEATURE_FLAG_FAMILY), `Runbook: ${familyTitle(ctx, FEATURE_FLAG_FAMILY)}`)])
        .span(12),
    );
  }
}

function syntheticsDashboard(ctx: Ctx): dashboard.DashboardBuilder {
  const b = base(ctx, 'now-3h');
  firingAlerts(ctx, b);
  const checks = ctx.plan.checks;
  const syntheticAlerts = ctx.alerts.filter((a) => a.family === SYNTHETICS_FAMILY);
  for (const chk of checks) {
    const alert = syntheticAlerts.find((a) => selectedChecks(a.expr, [chk.name])?.length);
    const job = `job="${chk.name}"`;
    b.withRow(new dashboard.RowBuilder(`${chk.method} ${chk.path} (${chk.name}${alert ? `, ${alert.severity}` : ''})`));
    b.withPanel(
      statPanel('Failing probe locations', `${chk.description} ${checkSemantics(chk)} ${alert ? `${alert.name} (${alert.severity}) fires when at least two locations fail two consecutive runs.` : ''}`.trim())
        .withTarget(query(`count(probe_success{${job}} == 0) or vector(0)`, 'failing'))
        .thresholds(steps([{ value: null, color: 'green' }, { value: 1, color: alert ? color(alert.severity) : 'red' }]))
        .links([runbookLink(ctx, familyRunbook(ctx, SYNTHETICS_FAMILY), 'Runbook: Synthetic checks')])
        .span(4),
    );
    b.withPanel(
      timeseriesPanel('Success per probe location', `1 = the run succeeded, 0 = it failed; one line per probe location (${chk.probes.join(', ')}).`)
        .withTarget(query(`probe_success{${job}}`, '{{probe}}'))
        .lineInterpolation(common.LineInterpolation.StepAfter)
        .min(0)
        .max(1)
        .decimals(0)
        .span(10),
    );
    b.withPanel(
      timeseriesPanel('Latency per probe location', `Duration of each run; a run longer than the timeout (${chk.timeout}, red line) fails.`)
        .withTarget(query(`probe_duration_seconds{${job}}`, '{{probe}}'))
        .unit('s')
        .min(0)
        .thresholds(steps([{ value: null, color: 'green' }, { value: chk.timeoutSeconds, color: 'red' }]))
        .thresholdsStyle(thresholdLines())
        .span(10),
    );
  }
  return b;
}

/** What makes a check fail, in words. */
function checkSemantics(chk: ResolvedCheck): string {
  const body = chk.bodyRegex ? `, body matching /${chk.bodyRegex}/` : '';
  const type = Object.entries(chk.headers ?? {}).find(([h]) => h.toLowerCase() === 'content-type')?.[1];
  const sends = chk.body !== undefined ? ` with a ${Buffer.byteLength(chk.body)}-byte ${type ?? ''} body`.replace('  ', ' ') : '';
  return `Every ${chk.frequency}: ${chk.method} ${chk.url}${sends} must answer ${chk.validStatusCodes.join(' or ')}${body} within ${chk.timeout}.`;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared parts
// ---------------------------------------------------------------------------------------------------------------

/** Title, uid, tags, time, datasource variable, runbook links and deploy markers of every dashboard. */
function base(ctx: Ctx, from: string): dashboard.DashboardBuilder {
  const { spec, plan } = ctx;
  const deploy = plan.dashboards!.deployAnnotations;
  return new dashboard.DashboardBuilder(spec.title)
    .uid(ctx.uid)
    .description(spec.description)
    .tags(['deltacrown', spec.kind])
    .editable()
    .timezone('utc')
    .time({ from, to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Prometheus').type('prometheus'))
    .link(
      new dashboard.DashboardLinkBuilder(`Runbook: ${sectionTitle(plan, spec.runbook)}`)
        .type(dashboard.DashboardLinkType.Link)
        .url(`${plan.project.runbookBaseUrl}#${spec.runbook}`)
        .icon('doc')
        .tooltip('The on-call runbook section of this dashboard')
        .targetBlank(true),
    )
    .link(new dashboard.DashboardLinkBuilder('On-call runbook').type(dashboard.DashboardLinkType.Link).url(plan.project.runbookBaseUrl).icon('doc').targetBlank(true))
    .link(
      new dashboard.DashboardLinkBuilder('DeltaCrown dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['deltacrown'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Annotations & Alerts')
        .datasource(GRAFANA_DS)
        .builtIn(1)
        .enable(true)
        .hide(true)
        .iconColor('rgba(0, 211, 255, 1)')
        .type('dashboard'),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Rollouts')
        .datasource(DS)
        .enable(true)
        .iconColor('blue')
        .expr(deploy.expr)
        .titleFormat(deploy.title)
        .tagKeys('namespace,deployment')
        .step('1m')
        .useValueForTime(false),
    )
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Deploys')
        .datasource(GRAFANA_DS)
        .enable(true)
        .iconColor('purple')
        // Grafana's tag query (no SDK builder for it): markers posted to /api/annotations with the deploy tag.
        .target({ build: () => ({ type: 'tags', tags: [deploy.tag], limit: 100, matchAny: false, refId: 'Anno', _implementsDataqueryVariant: () => undefined }) }),
    );
}

/** First row: how many alerts of the dashboard's families fire now, and which. */
function firingAlerts(ctx: Ctx, b: dashboard.DashboardBuilder): void {
  // Alerts that notify nobody (the always-firing Watchdog) would keep the stat red for ever.
  const selector = `ALERTS{alertstate="firing", family=~"${ctx.families.join('|')}", severity!~"${NON_NOTIFYING_SEVERITIES.join('|')}"}`;
  b.withRow(new dashboard.RowBuilder('Firing alerts'));
  b.withPanel(
    statPanel('Firing alerts', `Alerts of ${ctx.families.join(', ')} firing now (every alert of these families links to this dashboard).`)
      .withTarget(query(`count(${selector}) or vector(0)`, 'firing'))
      .thresholds(steps([{ value: null, color: 'green' }, { value: 1, color: 'red' }]))
      .span(6)
      .height(6),
  );
  b.withPanel(
    new table.PanelBuilder()
      .title('Firing now')
      .description('Alert name, severity and labels of every firing alert of this dashboard’s families.')
      .datasource(DS)
      .withTarget(query(selector, '', 'A').instant().format(prometheus.PromQueryFormat.Table))
      .withTransformation({
        id: 'organize',
        options: { excludeByName: { Time: true, Value: true, __name__: true, alertstate: true }, indexByName: { alertname: 0, severity: 1, service: 2 } },
      })
      .noValue('No alert firing')
      .span(18)
      .height(6),
  );
}

function query(expr: string, legend: string, ref = 'A'): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(DS).expr(expr).legendFormat(legend || '__auto').refId(ref).range();
}

function refId(i: number): string {
  return String.fromCharCode(65 + i);
}

function timeseriesPanel(title: string, description: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DS)
    .height(8)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(['lastNotNull', 'max']))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}

function statPanel(title: string, description: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DS)
    .height(6)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/**
 * A time series of an alert family's signal, with each threshold alert of the family (in this environment) drawn
 * as a line coloured by severity, plus `extra` reference lines; the description names every alert; a link opens
 * the family's runbook section.
 */
/**
 * A time series of an alert family's signal, its alert thresholds drawn as lines; undefined when the catalog has no
 * such family (a trimmed catalog still renders the rest of the dashboard).
 */
function signalPanel(ctx: Ctx, family: string, title: string, description: string, legend: string, span: number, extra: dashboard.Threshold[] = []): timeseries.PanelBuilder | undefined {
  const s = familyOf(ctx, family)?.signal;
  if (!s) return undefined;
  return alertPanel(ctx, title, family, description, extra).withTarget(query(s.query, legend)).unit(GRAFANA_UNIT[s.unit]).min(0).span(span);
}

function addPanel(b: dashboard.DashboardBuilder, panel: timeseries.PanelBuilder | undefined): void {
  if (panel) b.withPanel(panel);
}

function alertPanel(ctx: Ctx, title: string, family: string, description: string, extra: dashboard.Threshold[] = []): timeseries.PanelBuilder {
  const alerts = ctx.alerts.filter((a) => a.family === family && a.kind === 'threshold');
  const words = alerts.map((a) => `${a.name} (${a.severity}) fires ${a.comparison} ${a.thresholdText} for ${a.for}.`);
  if (alerts.length === 0) words.push(`No threshold alert of ${family} is enabled in ${ctx.environment}.`);
  return timeseriesPanel(title, `${description} ${words.join(' ')}`)
    .thresholds(steps(mergeSteps(alertThresholdSteps(alerts), extra)))
    .thresholdsStyle(thresholdLines())
    .links([runbookLink(ctx, familyRunbook(ctx, family), `Runbook: ${familyTitle(ctx, family)}`)]);
}

/**
 * Threshold steps that draw each alert's threshold as a line, coloured by severity. For alerts firing above their
 * threshold the region above a line takes the alert's colour; for alerts firing below, the region below does.
 */
export function alertThresholdSteps(alerts: readonly ResolvedAlert[]): dashboard.Threshold[] {
  const lines = alerts.filter((a) => a.threshold !== undefined).sort((a, b) => a.threshold! - b.threshold!);
  if (lines.length === 0) return [{ value: null, color: 'green' }];
  if (lines[0].comparison !== 'below') {
    return [{ value: null, color: 'green' }, ...lines.map((a) => ({ value: a.threshold!, color: color(a.severity) }))];
  }
  return [
    { value: null, color: color(lines[0].severity) },
    ...lines.map((a, i) => ({ value: a.threshold!, color: i + 1 < lines.length ? color(lines[i + 1].severity) : 'green' })),
  ];
}

/** Adds reference lines above the alert lines (steps ordered by value). */
function mergeSteps(base: dashboard.Threshold[], extra: dashboard.Threshold[]): dashboard.Threshold[] {
  const [first, ...rest] = base;
  return [first, ...[...rest, ...extra].sort((a, b) => (a.value ?? -Infinity) - (b.value ?? -Infinity))];
}

function steps(list: dashboard.Threshold[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(list.map((t) => ({ ...t, value: t.value === null ? null : round(t.value) })));
}

/** A computed number as its shortest decimal (0.999, not 0.9990000000000001). */
function round(n: number): number {
  return Number(fmt(n));
}

function thresholdLines(): common.GraphThresholdsStyleConfigBuilder {
  return new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line);
}

function color(severity: string): string {
  return SEVERITY_COLOR[severity] ?? 'blue';
}

/** Multi-value `service` variable over the catalog's services that expose `metric`. */
function serviceVariable(metric: string, services: readonly string[]): dashboard.QueryVariableBuilder {
  const q = `label_values(${metric}, service)`;
  return new dashboard.QueryVariableBuilder('service')
    .label('Service')
    .datasource(DS)
    .query({ query: q, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(q)
    .regex(`/^(${services.map(escapeRegex).join('|')})$/`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

function runbookLink(ctx: Ctx, anchor: string, title: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title).url(`${ctx.plan.project.runbookBaseUrl}#${anchor}`).targetBlank(true);
}

/** The plan of an alert family; undefined when the catalog has no such family (its panel is left out). */
function familyOf(ctx: Ctx, family: string): FamilyPlan | undefined {
  return ctx.plan.families.find((f) => f.family === family);
}

function familyServices(ctx: Ctx, family: string): readonly string[] {
  return familyOf(ctx, family)?.services ?? ctx.plan.services.map((s) => s.name);
}

function familyRunbook(ctx: Ctx, family: string): string {
  return familyOf(ctx, family)?.runbook ?? family;
}

function familyTitle(ctx: Ctx, family: string): string {
  const f = familyOf(ctx, family);
  return f && f.family !== SLO_FAMILY ? f.title : family;
}

/** Title of the runbook section an anchor points at (the family title when a family uses it). */
function sectionTitle(plan: EnvironmentPlan, anchor: string): string {
  const f = plan.families.find((x) => x.family !== SLO_FAMILY && x.runbook === anchor);
  if (f) return f.title;
  if (plan.slos.some((s) => s.runbook === anchor)) return 'SLO burn rate';
  return anchor;
}

/** The rate windows of an SLO's burn-rate alerts, tier by tier (long, then short). */
function burnWindows(slo: Slo): string[] {
  return burnAlertsOf(slo)
    .flatMap(([, b]) => [b.long_window, b.short_window])
    .filter((w, i, all) => all.indexOf(w) === i);
}

/**
 * Normalises the built model into what Grafana stores: every panel (rows included) gets a unique non-zero id in
 * layout order, and rows are expanded (their panels follow them at the top level, as Grafana saves them).
 */
function finish(model: DashboardModel): DashboardModel {
  const flat: (dashboard.Panel | dashboard.RowPanel)[] = [];
  for (const p of model.panels ?? []) {
    if (p.type === 'row') {
      const row = p as dashboard.RowPanel;
      const children = row.panels ?? [];
      flat.push({ ...row, collapsed: false, panels: [] });
      flat.push(...children);
    } else flat.push(p);
  }
  flat.forEach((p, i) => (p.id = i + 1));
  // The SDK places links and annotation toggles in the controls menu (`placement: inControlsMenu`); Grafana's
  // default shows them in the dashboard's top bar, where on-call looks first.
  const unplace = <T extends object>(x: T): T => {
    const { placement: _placement, ...rest } = x as T & { placement?: unknown };
    return rest as T;
  };
  for (const p of flat) if ('links' in p && Array.isArray(p.links)) p.links = p.links.map(unplace);
  return {
    ...model,
    links: model.links?.map(unplace),
    annotations: { ...model.annotations, list: model.annotations?.list?.map(unplace) },
    panels: flat,
  };
}

