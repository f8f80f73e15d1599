/** The catalog resolved per environment: thresholds, severities, windows and overrides as the runbook says. */
import { loadCatalog } from '../lib/catalog/load';
import { allAlerts, formatValue, resolveEnvironment } from '../lib/catalog/resolve';
import { fmt } from '../lib/num';
import { formatDuration, seconds } from '../lib/duration';
import { FIXTURE_ALERTS, copyCatalog, edit } from './helpers';

const catalog = loadCatalog(FIXTURE_ALERTS);
const production = Object.fromEntries(allAlerts(resolveEnvironment(catalog, 'production')).map((a) => [a.name, a]));
const staging = Object.fromEntries(allAlerts(resolveEnvironment(catalog, 'staging')).map((a) => [a.name, a]));

describe('production thresholds are the runbook’s', () => {
  it.each([
    ['DeltaCrownHttp5xxRatioCritical', 'critical', '>', '5%'],
    ['DeltaCrownHttp5xxRatioHigh', 'high', '>', '2%'],
    ['DeltaCrownHttp5xxRatioWarning', 'warning', '>', '1%'],
    ['DeltaCrownTrafficDrop', 'critical', '<', '50%'],
    ['DeltaCrownHttpLatencyHigh', 'high', '>', '400ms'],
    ['DeltaCrownHttpLatencyWarning', 'warning', '>', '200ms'],
    ['DeltaCrownModerationCacheHitRateLow', 'warning', '<', '70%'],
    ['DeltaCrownModerationGateLatencyHigh', 'high', '>', '200ms'],
    ['DeltaCrownDatabaseConnectionsHigh', 'high', '>', '80'],
    ['DeltaCrownDatabaseLongRunningQuery', 'warning', '>', '30s'],
    ['DeltaCrownRedisEvictionsHigh', 'warning', '>', '1000/min'],
    ['DeltaCrownCacheLatencyHigh', 'high', '>', '100ms'],
    ['DeltaCrownRedisMemoryHigh', 'warning', '>', '90%'],
    ['DeltaCrownPrometheusRuleEvaluationFailures', 'high', '>', '0'],
    ['DeltaCrownAlertmanagerNotificationFailures', 'high', '>', '0'],
  ])('%s: %s when %s %s', (name, severity, op, threshold) => {
    const a = production[name];
    expect(a.severity).toBe(severity);
    expect(a.thresholdText).toBe(threshold);
    expect(a.expr).toMatch(new RegExp(` ${op} ${fmt(a.threshold!).replace('.', '\\.')}$`));
  });

  it.each([
    ['DeltaCrownRedisDown', 'high', 'redis_up == 0'],
    ['DeltaCrownPodNotReady', 'warning', 'kube_pod_status_phase'],
    ['DeltaCrownPodCrashLooping', 'high', 'reason="CrashLoopBackOff"'],
    ['Watchdog', 'none', 'vector(1)'],
  ])('%s: %s on a condition', (name, severity, fragment) => {
    expect(production[name].severity).toBe(severity);
    expect(production[name].expr).toContain(fragment);
  });

  it('derives the pod service label from the pod name of the catalog’s services', () => {
    expect(production.DeltaCrownPodNotReady.expr).toContain('"(deltacrown-api|deltacrown-worker)-.*"');
    expect(production.DeltaCrownPodCrashLooping.expr).toContain('"(deltacrown-api|deltacrown-worker)-.*"');
  });
});

describe('SLO burn-rate alerts', () => {
  it('fast burn: 2 % of the budget in 1 h = 14.4 × 0.1 %, confirmed over 5 m, critical', () => {
    const a = production.DeltaCrownApiErrorBudgetFastBurn;
    expect(a.severity).toBe('critical');
    expect(a.expr).toBe(
      'slo:sli_error:ratio_rate1h{slo="api-availability"} > (14.4 * 0.001)\nand\nslo:sli_error:ratio_rate5m{slo="api-availability"} > (14.4 * 0.001)',
    );
    expect(a.labels).toMatchObject({ burn: 'fast', slo: 'api-availability', service: 'deltacrown-api' });
  });

  it('slow burn: 5 % of the budget in 24 h = 1.5 × 0.1 %, confirmed over 2 h, high', () => {
    const a = production.DeltaCrownApiErrorBudgetSlowBurn;
    expect(a.severity).toBe('high');
    expect(a.expr).toContain('slo:sli_error:ratio_rate24h{slo="api-availability"} > (1.5 * 0.001)');
    expect(a.expr).toContain('slo:sli_error:ratio_rate2h{slo="api-availability"} > (1.5 * 0.001)');
  });

  it('records the error ratio once per window instead of repeating it in each alert', () => {
    const group = resolveEnvironment(catalog, 'production').groups.find((g) => g.name === 'deltacrown-slo-api-availability')!;
    expect(group.recordings.map((r) => r.record)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate24h',
      'slo:sli_error:ratio_rate3d',
      // Sloth's period records: objective, budget, the 30-day ratio from the 5m records, the budget remaining.
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:sli_error:ratio_rate30d',
      'slo:error_budget_remaining:ratio',
    ]);
    expect(group.recordings.find((r) => r.record === 'slo:sli_error:ratio_rate30d')!.expr).toContain('sum_over_time(slo:sli_error:ratio_rate5m{slo="api-availability"}[30d])');
    expect(group.recordings[0].expr).toContain('[5m]');
    expect(group.recordings[0].expr).not.toContain('{{.window}}');
  });

  it('follows a change of the objective in the catalog', () => {
    const dir = copyCatalog();
    edit(dir, 'slos.yml', 'objective: 99.9', 'objective: 99.8');
    const a = allAlerts(resolveEnvironment(loadCatalog(dir), 'production')).find((x) => x.name === 'DeltaCrownApiErrorBudgetFastBurn')!;
    expect(a.expr).toContain('> (14.4 * 0.002)');
  });
});

describe('environments', () => {
  it('staging differs only where the catalog says so: no week-over-week traffic alert', () => {
    expect(production.DeltaCrownTrafficDrop).toBeDefined();
    expect(staging.DeltaCrownTrafficDrop).toBeUndefined();
    const differing = Object.keys(production).filter((n) => {
      const p = production[n];
      const s = staging[n];
      return !s || s.expr !== p.expr || s.severity !== p.severity || s.for !== p.for;
    });
    expect(differing).toEqual(['DeltaCrownTrafficDrop']);
  });

  it('labels alerts with their environment', () => {
    expect(production.DeltaCrownHttpLatencyHigh.labels.environment).toBe('production');
    expect(staging.DeltaCrownHttpLatencyHigh.labels.environment).toBe('staging');
  });

  it('applies a threshold override to one environment only', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', '      - name: DeltaCrownHttpLatencyWarning\n        severity: warning\n', '      - name: DeltaCrownHttpLatencyWarning\n        severity: warning\n        overrides: { staging: { threshold: 0.3 } }\n');
    const c = loadCatalog(dir);
    const s = allAlerts(resolveEnvironment(c, 'staging')).find((a) => a.name === 'DeltaCrownHttpLatencyWarning')!;
    const p = allAlerts(resolveEnvironment(c, 'production')).find((a) => a.name === 'DeltaCrownHttpLatencyWarning')!;
    expect([s.thresholdText, p.thresholdText]).toEqual(['300ms', '200ms']);
  });
});

describe('units and numbers', () => {
  it.each([
    [0.05, 'ratio', '5%'],
    [0.4, 'seconds', '400ms'],
    [30, 'seconds', '30s'],
    [1000, 'per_minute', '1000/min'],
    [80, 'count', '80'],
    [90, 'percent', '90%'],
  ] as const)('%s %s reads %s', (v, unit, text) => {
    expect(formatValue(v, unit)).toBe(text);
  });

  it('formats floats without binary noise', () => {
    expect(fmt(14.4 * 0.001)).toBe('0.0144');
    expect(fmt((100 - 99.9) / 100)).toBe('0.001');
  });

  it('converts durations', () => {
    expect(seconds('1h30m')).toBe(5400);
    expect(seconds('30d')).toBe(2592000);
    expect(formatDuration(5400)).toBe('1h30m');
    expect(() => seconds('5 minutes')).toThrow();
  });
});
