/**
 * Absence coverage by construction: every source of the metric contract needs a liveness rule before an alert may
 * use its metrics, and every synthetic check's results an absence alert. Each rejection is located.
 */
import { formatIssue } from '../lib/catalog/errors';
import { loadCatalog } from '../lib/catalog/load';
import { catalogIssues, copyCatalog, edit, positionOf } from './helpers';

describe('liveness rules of the metric sources', () => {
  it('the fixture catalog gives every source a liveness rule', () => {
    expect(() => loadCatalog(copyCatalog())).not.toThrow();
  });

  it('rejects an alert over a source without liveness rule, at each metric of that source', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/liveness.yml', '        liveness: [redis_exporter]\n', '');
    const issues = catalogIssues(dir);
    const redis = issues.filter((i) => i.file.endsWith('alerts/rules/redis.yml'));
    const text = require('fs').readFileSync(`${dir}/rules/redis.yml`, 'utf8') as string;
    expect(redis.map((i) => [i.line, i.column, i.field])).toEqual([
      [positionOf(text, 'redis_evicted_keys_total[5m]').line, positionOf(text, 'redis_evicted_keys_total[5m]').column, 'families[0].signal.expr'],
      [positionOf(text, 'redis_memory_used_bytes /').line, positionOf(text, 'redis_memory_used_bytes /').column, 'families[2].signal.expr'],
      [positionOf(text, 'redis_memory_max_bytes >').line, positionOf(text, 'redis_memory_max_bytes >').column, 'families[2].signal.expr'],
    ]);
    expect(redis[0].message).toBe(
      "alert DeltaCrownRedisEvictionsHigh uses 'redis_evicted_keys_total' from source 'redis_exporter', which has no liveness rule: when redis_exporter stops delivering, this alert goes quiet instead of firing; add an alert with 'liveness: [redis_exporter]' (target down / series absent)",
    );
    // DeltaCrownRedisDown (redis_up == 0) needs redis_up to exist: reported too.
    expect(issues.some((i) => i.file.endsWith('moderation.yml') && /DeltaCrownRedisDown uses 'redis_up'/.test(i.message))).toBe(true);
  });

  it('follows recording rules: an SLO over http_requests_total needs the services’ liveness', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/liveness.yml', /liveness: \[deltacrown-api, deltacrown-worker\]/g, 'liveness: [deltacrown-api]');
    const issues = catalogIssues(dir).filter((i) => i.file.endsWith('alerts/slos.yml'));
    expect(issues.map((i) => i.field)).toEqual(['slos[0].sli.errors', 'slos[0].sli.total']);
    expect(issues[0].message).toMatch(/^alert DeltaCrownApiErrorBudgetFastBurn uses 'http_requests_total' from source 'deltacrown-worker', which has no liveness rule/);
  });

  it('rejects an unknown source in the metric contract and in a liveness rule', () => {
    const dir = copyCatalog();
    const metrics = edit(dir, 'metrics.yml', /(  redis_up:\n(?:.*\n)*?    source: )redis_exporter/, '$1redis-exporter');
    const rules = edit(dir, 'rules/liveness.yml', 'liveness: [kube-state-metrics]', 'liveness: [ksm]');
    const issues = catalogIssues(dir).map(formatIssue);
    const m = positionOf(metrics, 'source: redis-exporter', 'source: '.length);
    const r = positionOf(rules, 'liveness: [ksm]', 'liveness: ['.length);
    expect(issues).toContainEqual(expect.stringMatching(new RegExp(`metrics\\.yml:${m.line}:${m.column}: metrics\\.redis_up\\.source: unknown source 'redis-exporter'; expected one of deltacrown-api, `)));
    expect(issues).toContainEqual(expect.stringMatching(new RegExp(`liveness\\.yml:${r.line}:${r.column}: families\\[1\\]\\.alerts\\[2\\]\\.liveness\\[0\\]: unknown source 'ksm'`)));
  });

  it('rejects a synthetic check whose results no absence alert selects', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/liveness.yml', '\n            or absent_over_time(probe_success{job="deltacrown-shop-items"}[3m])', '');
    const text = require('fs').readFileSync(`${dir}/synthetics/uptime_checks.yml`, 'utf8') as string;
    const issues = catalogIssues(dir);
    expect(issues.map(formatIssue)).toEqual([
      `${issues[0].file}:${positionOf(text, 'name: deltacrown-shop-items', 'name: '.length).line}:${positionOf(text, 'name: deltacrown-shop-items', 'name: '.length).column}: checks[2].name: no liveness alert (liveness: [synthetic-monitoring]) selects check 'deltacrown-shop-items' (probe_success{job="deltacrown-shop-items"}): if its results stop arriving, its alerts evaluate to nothing`,
    ]);
  });
});
