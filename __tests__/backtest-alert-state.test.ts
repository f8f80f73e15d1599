/**
 * The alert states of the backtest (lib/backtest/alert-state.ts) against what Prometheus does: table tests written
 * from `AlertingRule.Eval` (prometheus/prometheus rules/alerting.go), and a sequence of flapping series run through
 * the real Prometheus rule engine (`promtool test rules`, Prometheus 2.42, which knows `keep_firing_for`), which
 * must find exactly the firing alerts the port computes at every evaluation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ConditionSeries, Episode, runAlertRule, RuleTiming } from '../lib/backtest/alert-state';
import { toYaml } from '../lib/export';
import { requireBinary, tempDir } from './helpers';

const S = 1000;
/** Evaluations every 30 s from 0 to `n` − 1 steps. */
const grid = (n: number, step = 30) => Array.from({ length: n }, (_, i) => i * step * S);
const rule = (over: Partial<RuleTiming> = {}): RuleTiming => ({ alertname: 'A', labels: { severity: 'critical' }, forS: 60, keepFiringForS: 0, ...over });
/** A series present at the evaluations whose index `present` lists. */
const series = (labels: Record<string, string>, evals: number[], present: number[]): ConditionSeries => ({ labels, at: present.map((i) => evals[i]) });
const span = (e: Episode) => [e.activeAt / S, e.firedAt / S, e.resolvedAt === undefined ? undefined : e.resolvedAt / S];

describe('alert states, as rules/alerting.go computes them', () => {
  const evals = grid(20);

  it('turns pending into firing at the first evaluation at least `for` after ActiveAt, and resolves at the first evaluation without the series', () => {
    const run = runAlertRule(rule(), evals, [series({ service: 'api' }, evals, [2, 3, 4, 5, 6])]);
    // Active at 60 s; 60 s later (120 s) it fires; the series is gone at 210 s.
    expect(run.episodes.map(span)).toEqual([[60, 120, 210]]);
  });

  it('fires at the first evaluation with `for: 0`', () => {
    expect(runAlertRule(rule({ forS: 0 }), evals, [series({}, evals, [4])]).episodes.map(span)).toEqual([[120, 120, 150]]);
  });

  it('drops a pending alert whose series goes missing once: `for` starts again', () => {
    const run = runAlertRule(rule(), evals, [series({}, evals, [0, 1, 3, 4, 5, 6])]);
    expect(run.episodes.map(span)).toEqual([[90, 150, 210]]);
  });

  it('counts a firing alert that resolves and comes back as a new firing, pending for `for` again', () => {
    const run = runAlertRule(rule(), evals, [series({}, evals, [0, 1, 2, 3, 5, 6, 7, 8])]);
    expect(run.episodes.map(span)).toEqual([
      [0, 60, 120],
      [150, 210, 270],
    ]);
  });

  it('keeps a firing alert firing for `keep_firing_for` after its series goes, counted from the first evaluation without it', () => {
    const keep = rule({ keepFiringForS: 60 });
    // Gone at 150 s: kept at 150 and 180 (< 60 s since 150), resolved at 210 (60 s, not < 60 s).
    expect(runAlertRule(keep, evals, [series({}, evals, [0, 1, 2, 3, 4])]).episodes.map(span)).toEqual([[0, 60, 210]]);
    // Back at 180 s: one firing that goes on (gone again at 240 s: kept at 240 and 270, resolved at 300).
    expect(runAlertRule(keep, evals, [series({}, evals, [0, 1, 2, 3, 4, 6, 7])]).episodes.map(span)).toEqual([[0, 60, 300]]);
    // keep_firing_for does not hold a pending alert.
    expect(runAlertRule(keep, evals, [series({}, evals, [0, 1, 3])]).episodes).toEqual([]);
  });

  it('keeps a state per label set; the rule labels override the series labels, __name__ is dropped', () => {
    const run = runAlertRule(rule({ forS: 0 }), evals, [
      series({ __name__: 'x', service: 'api', severity: 'low' }, evals, [1]),
      series({ __name__: 'x', service: 'worker' }, evals, [2, 3]),
    ]);
    expect(run.episodes.map((e) => [e.labels, e.firedAt / S])).toEqual([
      [{ alertname: 'A', service: 'api', severity: 'critical' }, 30],
      [{ alertname: 'A', service: 'worker', severity: 'critical' }, 60],
    ]);
  });

  it('fails an evaluation whose series collide once the rule labels are applied, leaving every state as it was', () => {
    const run = runAlertRule(rule({ forS: 0 }), evals, [series({ severity: 'a' }, evals, [1, 2, 3]), series({ severity: 'b' }, evals, [2])]);
    expect(run.failedEvaluations).toEqual([60 * S]);
    expect(run.episodes.map(span)).toEqual([[30, 30, 120]]);
  });

  it('reports an alert still firing at the last evaluation without a resolution', () => {
    expect(runAlertRule(rule(), evals, [series({}, evals, [16, 17, 18, 19])]).episodes.map(span)).toEqual([[480, 540, undefined]]);
  });
});

describe('alert states against the real rule engine (promtool test rules)', () => {
  it('finds, at every evaluation of flapping series, exactly the alerts promtool finds firing (for: 1m, keep_firing_for: 1m)', () => {
    const promtool = requireBinary('promtool', 'prometheus');
    // One sample a minute; the rule is evaluated every 30 s and sees the latest sample (x > 0: present).
    const values: Record<string, number[]> = {
      a: [1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
      b: [0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0],
    };
    const evals = grid(40);
    const timing: RuleTiming = { alertname: 'Flapping', labels: { severity: 'warning' }, forS: 60, keepFiringForS: 60 };
    const input: ConditionSeries[] = Object.entries(values).map(([id, v]) => ({ labels: { __name__: 'x', id }, at: evals.filter((t) => v[Math.floor(t / 60000)] > 0) }));
    const { episodes } = runAlertRule(timing, evals, input);
    const firingAt = (t: number) => episodes.filter((e) => e.firedAt <= t && (e.resolvedAt === undefined || t < e.resolvedAt));
    expect(episodes.length).toBeGreaterThanOrEqual(4); // the sequence exercises for, resolution and keep_firing_for

    const dir = tempDir('deltacrown-alert-state-');
    fs.writeFileSync(
      path.join(dir, 'rules.yml'),
      toYaml({ groups: [{ name: 'flapping', interval: '30s', rules: [{ alert: 'Flapping', expr: 'x > 0', for: '1m', keep_firing_for: '1m', labels: { severity: 'warning' } }] }] }),
    );
    fs.writeFileSync(
      path.join(dir, 'test.yml'),
      toYaml({
        rule_files: ['rules.yml'],
        evaluation_interval: '30s',
        tests: [
          {
            interval: '1m',
            input_series: Object.entries(values).map(([id, v]) => ({ series: `x{id="${id}"}`, values: v.join(' ') })),
            alert_rule_test: evals.map((t) => ({
              eval_time: `${t / S}s`,
              alertname: 'Flapping',
              exp_alerts: firingAt(t).map((e) => ({ exp_labels: { severity: 'warning', id: e.labels.id } })),
            })),
          },
        ],
      }),
    );
    const r = spawnSync(promtool, ['test', 'rules', 'test.yml'], { cwd: dir, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
