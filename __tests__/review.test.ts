/** `npm run review`: what a PR changes in alerting, classified, against a git ref. */
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { loadCatalog } from '../lib/catalog/load';
import { reviewAgainst, reviewItems } from '../lib/review/review';
import { diffItems } from '../lib/review/diff';
import type { Catalog } from '../lib/catalog/model';
import { renderMarkdown } from '../lib/review/report';
import { compareOutcomes } from '../lib/review/simulation';
import type { Outcome } from '../lib/simulate/outcome';
import { FIXTURE, edit, runCommand, tempDir, withoutScenarios } from './helpers';
import { addFeatureFlags } from './helpers-flags';
import { POST_CHECK, appendPostCheck, coverPostCheck } from './helpers-synthetics';

/**
 * The instant every review here speaks of ("who is on call now"): Wednesday of the fixture rotation's first turn
 * (rotation_virtual_start 2025-11-17, Monday), when engineer1 is primary and engineer4 secondary.
 */
const AT = new Date('2025-11-19T12:00:00Z');

/** A throw-away git repository holding a copy of the fixture catalog and its runbook, committed. */
function repo(): { dir: string; alerts: string } {
  const dir = tempDir('deltacrown-repo-');
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
  return { dir, alerts: path.join(dir, 'alerts') };
}

function review(alerts: string, at = AT) {
  return reviewAgainst(loadCatalog(alerts), 'HEAD', alerts, { at }, { simulate: false });
}

describe('review against HEAD', () => {
  it('reports nothing when nothing changed', async () => {
    const { alerts } = repo();
    const r = await review(alerts);
    expect(r.changes).toEqual([]);
    expect(renderMarkdown(r)).toContain('No change to alerting');
  });

  it('marks 5xx critical 5 % → 7 % as loosened, with both values, and flags it', async () => {
    const { alerts } = repo();
    edit(alerts, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.07');
    const r = await review(alerts);
    expect(r.changes).toEqual([
      { kind: 'alert', name: 'DeltaCrownHttp5xxRatioCritical', environments: ['production', 'staging'], field: 'threshold', old: '5%', new: '7%', class: 'loosened', flagged: true },
    ]);
    const md = renderMarkdown(r);
    expect(md).toMatch(/\| ⚠️ \| \*\*loosened\*\* \| alert \| DeltaCrownHttp5xxRatioCritical \| threshold \| `5%` \| `7%` \| production, staging \|/);
    expect(md).toMatch(/1 flagged/);
  });

  it('does not flag a tightened threshold (below-threshold alerts tighten upwards)', async () => {
    const { alerts } = repo();
    edit(alerts, 'rules/moderation.yml', 'threshold: 0.7', 'threshold: 0.75');
    edit(alerts, 'rules/http.yml', 'threshold: 400ms', 'threshold: 350ms');
    const r = await review(alerts);
    expect(r.changes.map((c) => [c.name, c.class, c.flagged])).toEqual([
      ['DeltaCrownHttpLatencyHigh', 'tightened', false],
      ['DeltaCrownModerationCacheHitRateLow', 'tightened', false],
    ]);
  });

  it('flags removed alerts and lowered severities; not added alerts or raised severities', async () => {
    const { alerts } = repo();
    edit(alerts, 'rules/redis.yml', /  - family: redis-memory[\s\S]*$/, '');
    withoutScenarios(alerts);
    edit(alerts, 'rules/database.yml', 'severity: high', 'severity: warning');
    edit(alerts, 'rules/database.yml', 'severity: warning\n        threshold: 30s', 'severity: high\n        threshold: 30s');
    const r = await review(alerts);
    const byName = Object.fromEntries(r.changes.map((c) => [`${c.name}/${c.field ?? ''}`, c]));
    expect(byName['DeltaCrownRedisMemoryHigh/']).toMatchObject({ class: 'removed', flagged: true });
    expect(byName['DeltaCrownDatabaseConnectionsHigh/severity']).toMatchObject({ old: 'high', new: 'warning', class: 'severity lowered', flagged: true });
    expect(byName['DeltaCrownDatabaseLongRunningQuery/severity']).toMatchObject({ old: 'warning', new: 'high', class: 'severity raised', flagged: false });
  });

  it('classifies a longer `for` as loosened and an SLO objective change', async () => {
    const { alerts } = repo();
    // Within the detection budgets (high 10m; fast burn 5m, which a looser objective spends slower).
    edit(alerts, 'rules/database.yml', 'for: 5m', 'for: 8m');
    edit(alerts, 'slos.yml', 'objective: 99.9', 'objective: 99.8');
    const r = await review(alerts);
    expect(r.changes.find((c) => c.field === 'for')).toMatchObject({ name: 'DeltaCrownDatabaseConnectionsHigh', old: '5m', new: '8m', class: 'loosened' });
    expect(r.changes.find((c) => c.field === 'objective')).toMatchObject({ kind: 'slo', old: '99.9%', new: '99.8%', class: 'loosened', flagged: true });
  });

  it('flags a loosened guardrail threshold, in the catalog’s own unit', async () => {
    const { alerts } = repo();
    edit(alerts, 'guardrails.yml', 'threshold: { value: 80, unit: count }', 'threshold: { value: 95, unit: count }');
    const r = await review(alerts);
    const row = r.changes.find((c) => c.kind === 'guardrail');
    expect(row).toMatchObject({ field: 'threshold', old: '80', new: '95', class: 'loosened', flagged: true });
  });

  it('flags a slower escalation and shows a roster edit as a routing change with who is on call now', async () => {
    const { alerts } = repo();
    edit(alerts, 'catalog.yml', '    mtta: 15m', '    mtta: 20m');
    edit(alerts, 'oncall.yml', /oncall\.engineer1@deltacrown\.com/, 'oncall.engineer9@deltacrown.com');
    const r = await review(alerts);
    expect(r.changes.find((c) => c.kind === 'escalation' && c.name === 'high')).toMatchObject({ old: '15 min', new: '20 min', class: 'escalation slower', flagged: true });
    expect(r.changes.find((c) => c.kind === 'rotation' && c.field === 'roster')).toMatchObject({ class: 'routing changed', flagged: false });
    expect(r.changes.find((c) => c.kind === 'rotation' && c.field === 'on call now')).toMatchObject({
      old: 'primary oncall.engineer1@deltacrown.com, secondary oncall.engineer4@deltacrown.com',
      new: 'primary oncall.engineer9@deltacrown.com, secondary oncall.engineer4@deltacrown.com',
    });
  });

  // The roster edit changes who is on call only in the turns where the edited person is primary or secondary:
  // the review speaks of the instant it is given, and turns change at the Monday 00:00 UTC hand-off.
  describe('who is on call, at the instant the review is given', () => {
    let base: Catalog;
    let head: Catalog;
    beforeAll(() => {
      const { alerts } = repo();
      base = loadCatalog(alerts);
      edit(alerts, 'oncall.yml', /oncall\.engineer1@deltacrown\.com/, 'oncall.engineer9@deltacrown.com');
      head = loadCatalog(alerts);
    });

    it.each([
      ['the last second of turn 0 (engineer1 primary)', '2025-11-23T23:59:59Z', 'primary oncall.engineer9@deltacrown.com, secondary oncall.engineer4@deltacrown.com'],
      ['the hand-off into turn 1 (engineer1 secondary)', '2025-11-24T00:00:00Z', 'primary oncall.engineer2@deltacrown.com, secondary oncall.engineer9@deltacrown.com'],
      ['turn 2 (engineer1 off)', '2025-12-01T00:00:00Z', undefined],
      // Europe leaves summer time on Sunday 2026-10-25 at 01:00 UTC; the Etc/UTC rotation does not move with it.
      ['turn 48 (= 0 mod 4), after the October daylight-saving change', '2026-10-25T23:59:59Z', 'primary oncall.engineer9@deltacrown.com, secondary oncall.engineer4@deltacrown.com'],
      ['turn 49, the Monday 00:00 UTC hand-off after it', '2026-10-26T00:00:00Z', 'primary oncall.engineer2@deltacrown.com, secondary oncall.engineer9@deltacrown.com'],
      ['turn 56, a year on', '2026-12-14T00:00:00Z', 'primary oncall.engineer9@deltacrown.com, secondary oncall.engineer4@deltacrown.com'],
    ])('%s', (_, at, now) => {
      const ctx = { at: new Date(at) };
      const row = diffItems(reviewItems(base, ctx), reviewItems(head, ctx)).find((c) => c.kind === 'rotation' && c.field === 'on call now');
      expect(row?.new).toBe(now);
    });
  });

  it('shows a new Slack channel for warnings as a routing change', async () => {
    const { alerts } = repo();
    edit(alerts, 'oncall.yml', 'alerts: "#infra-alerts"', 'alerts: "#sre-alerts"');
    const r = await review(alerts);
    expect(r.changes.find((c) => c.kind === 'route' && c.name === 'warning')).toMatchObject({
      field: 'receiver',
      old: 'Slack #infra-alerts',
      new: 'Slack #sre-alerts',
      environments: ['production', 'staging'],
      class: 'routing changed',
      flagged: false,
    });
  });

  it('classifies synthetic check changes: a longer timeout is loosened', async () => {
    const { alerts } = repo();
    edit(alerts, 'synthetics/uptime_checks.yml', '  timeout: 5s', '  timeout: 10s');
    const r = await review(alerts);
    const rows = r.changes.filter((c) => c.kind === 'synthetic check');
    // The default applies to the three checks without a timeout of their own (/health sets 3s).
    expect(rows.map((x) => x.name).sort()).toEqual(['deltacrown-moderation-ping', 'deltacrown-shop-items', 'deltacrown-transactions']);
    for (const x of rows) expect(x).toMatchObject({ field: 'timeout', old: '5s', new: '10s', class: 'loosened', flagged: true });
  });

  it('shows a feature flag whose expected value changes, per environment, and the request body of a check', async () => {
    const { dir, alerts } = repo();
    addFeatureFlags(alerts);
    appendPostCheck(alerts);
    coverPostCheck(alerts);
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'flags and a POST check'], { cwd: dir });
    edit(alerts, 'feature_flags.yml', '{ production: false, staging: any }', '{ production: false, staging: false }');
    edit(alerts, 'synthetics/uptime_checks.yml', `body: ${POST_CHECK.body}`, 'body: another smoke body');
    const r = await review(alerts);
    expect(r.changes.filter((c) => c.kind === 'feature flag')).toEqual([
      expect.objectContaining({ name: 'BETA_ENABLED', environments: ['staging'], field: 'expected', old: 'any (not watched)', new: 'false' }),
    ]);
    expect(r.changes.filter((c) => c.kind === 'synthetic check')).toEqual([
      expect.objectContaining({ name: POST_CHECK.name, environments: ['production', 'staging'], field: 'request body', old: POST_CHECK.body, new: 'another smoke body' }),
    ]);
  });

  it('follows a file that moved', async () => {
    const { alerts } = repo();
    fs.renameSync(path.join(alerts, 'rules/pods.yml'), path.join(alerts, 'rules/kubernetes.yml'));
    const r = await review(alerts);
    expect(r.changes.every((c) => c.class === 'moved' && c.old === 'rules/pods.yml' && c.new === 'rules/kubernetes.yml')).toBe(true);
    expect(r.changes.map((c) => c.name).sort()).toEqual(['DeltaCrownPodCrashLooping', 'DeltaCrownPodNotReady']);
  });

  it('says so when the base catalog does not load, and shows everything as added', async () => {
    const { dir, alerts } = repo();
    edit(alerts, 'rules/http.yml', 'severity: critical', 'severity: urgent');
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'broken'], { cwd: dir });
    edit(alerts, 'rules/http.yml', 'severity: urgent', 'severity: critical');
    const r = await review(alerts);
    expect(r.baseProblem).toMatch(/1 catalog error, first: unknown severity 'urgent'/);
    expect(r.changes.every((c) => c.class === 'added')).toBe(true);
    expect(renderMarkdown(r)).toMatch(/does not load/);
  });
});

/**
 * What a change does to detection and paging: the fixture's scenario library through the base's and the head's rules
 * (the real promtool) and routing. Worker 5xx at 6 % sits between a 5 % and a 7 % critical threshold, 4.9 % between
 * 4 % and 5 %; the worker has no SLO, so its 5xx alerts are all that pages.
 */
describe('scenario outcomes, simulated on the base and the head', () => {
  const SCENARIOS = ['worker-5xx-6-percent', 'worker-5xx-4.9-percent', 'worker-5xx-2.5-percent'];
  const simulated = (alerts: string) => reviewAgainst(loadCatalog(alerts), 'HEAD', alerts, { at: AT }, { simulate: { scenarios: SCENARIOS } });

  it('loosening the 5xx critical threshold 5 % → 7 %: the scenario between them no longer pages critical, flagged, with old and new detection', async () => {
    const { alerts } = repo();
    edit(alerts, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.07');
    const r = await simulated(alerts);
    expect(r.simulation!.runs).toBe(3);
    expect(r.simulation!.deltas).toEqual([
      {
        scenario: 'worker-5xx-6-percent',
        environment: 'production',
        kind: 'incident',
        class: 'page lost',
        flagged: true,
        what: 'no longer pages critical (now high)',
        old: { text: 'critical page at 6m10s (PagerDuty deltacrown-worker · DeltaCrown critical → primary on-call)', pageRank: 0, at: 370, failing: [] },
        new: { text: 'high page at 4m (PagerDuty deltacrown-worker · DeltaCrown high → primary on-call)', pageRank: 1, at: 240, failing: ['pages critical for deltacrown-worker within 10m'] },
      },
    ]);
    const md = renderMarkdown(r);
    expect(md).toContain('### Incident scenarios, simulated');
    expect(md).toContain('**1 outcome changed** — ⚠️ 1 flagged');
    expect(md).toContain(
      '| ⚠️ | worker-5xx-6-percent | production | **no longer pages critical (now high)** | critical page at 6m10s (PagerDuty deltacrown-worker · DeltaCrown critical → primary on-call) | high page at 4m (PagerDuty deltacrown-worker · DeltaCrown high → primary on-call) — ✗ pages critical for deltacrown-worker within 10m |',
    );
  }, 180000);

  it('tightening it 5 % → 4 %: the scenario between them now pages critical, the one above sooner; nothing flagged', async () => {
    const { alerts } = repo();
    edit(alerts, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.04');
    const r = await simulated(alerts);
    expect(r.simulation!.deltas.map((d) => [d.scenario, d.class, d.what, d.flagged, d.old.at, d.new.at])).toEqual([
      ['worker-5xx-4.9-percent', 'page gained', 'now pages critical (was high)', false, 270, expect.any(Number)],
      ['worker-5xx-6-percent', 'detection faster', expect.stringMatching(/^pages critical \S+ sooner$/), false, 370, expect.any(Number)],
    ]);
    expect(r.simulation!.deltas[1].new.at).toBeLessThan(370);
  }, 180000);

  it('classifies by the kind of scenario: a quiet one that starts paging is flagged, one that stops is not', () => {
    const outcome = (kind: Outcome['kind'], page?: { severity: string; at: number }): Outcome => ({
      scenario: 's',
      kind,
      environment: 'production',
      step: 30,
      coarse: false,
      notifications: [],
      topPage: page && { ...page, alertname: 'A', notified: { kind: 'pagerduty', service: 'deltacrown-api', policy: 'DeltaCrown high', firstLevel: 'primary on-call' } },
      historyNoise: [],
      unjudged: [],
      expectations: [],
      ok: true,
    });
    const high = { severity: 'high', at: 300 };
    expect(compareOutcomes(outcome('quiet'), outcome('quiet', high))).toMatchObject({ class: 'starts paging', flagged: true, what: 'now pages high' });
    expect(compareOutcomes(outcome('quiet', high), outcome('quiet'))).toMatchObject({ class: 'changed', flagged: false, what: 'no longer pages' });
    expect(compareOutcomes(outcome('incident', high), outcome('incident'))).toMatchObject({ class: 'page lost', flagged: true });
    expect(compareOutcomes(outcome('incident', high), outcome('incident', { severity: 'high', at: 420 }))).toMatchObject({ class: 'detection slower', flagged: true, what: 'pages high 2m later' });
    expect(compareOutcomes(outcome('incident', high), outcome('incident', high))).toBeUndefined();
  });

  it('a change of routing only reuses every promtool run of the base', async () => {
    const { alerts } = repo();
    edit(alerts, 'oncall.yml', 'alerts: "#infra-alerts"', 'alerts: "#sre-alerts"');
    const r = await simulated(alerts);
    expect(r.simulation!.processes).toBe(3);
    expect(r.simulation!.deltas).toEqual([]);
  }, 180000);
});

describe('npm run review (command line)', () => {
  const cli = (cwd: string, args: string[]) => runCommand('bin/review', [...args, '--no-simulate'], { cwd });

  it('--fail-on loosened exits non-zero for a loosened threshold, 0 for a tightened one; --json for machines', async () => {
    const { dir, alerts } = repo();
    edit(alerts, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.07');
    const loose = cli(dir, ['--base', 'HEAD', '--fail-on', 'loosened', '--at', '2025-11-19T12:00:00Z']);
    expect(loose.status).toBe(1);
    expect(loose.stdout).toContain('| `5%` | `7%` |');
    edit(alerts, 'rules/http.yml', 'threshold: 0.07', 'threshold: 0.04');
    const tight = cli(dir, ['--base', 'HEAD', '--fail-on', 'loosened,removed', '--json']);
    expect(tight.status).toBe(0);
    expect(JSON.parse(tight.stdout).changes[0]).toMatchObject({ class: 'tightened', old: '5%', new: '4%' });
  });

  it('rejects an unknown class and an unknown ref', async () => {
    const { dir } = repo();
    expect(cli(dir, ['--base', 'HEAD', '--fail-on', 'louder']).stderr).toMatch(/unknown class 'louder'/);
    expect(cli(dir, ['--base', 'no-such-ref']).stderr).toMatch(/unknown git ref 'no-such-ref'/);
    expect(cli(dir, ['--base', 'HEAD', '--at', 'next monday']).stderr).toMatch(/--at: 'next monday' is not an ISO 8601 instant/);
  });

  it('--fail-on page-lost exits 1 when a scenario no longer pages as it did; the simulation is in the report', () => {
    const { dir, alerts } = repo();
    edit(alerts, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.07');
    const args = ['--base', 'HEAD', '--fail-on', 'page-lost', '--scenario', 'worker-5xx-6-percent', '--at', '2025-11-19T12:00:00Z'];
    const lost = runCommand('bin/review', args, { cwd: dir });
    expect(lost.status).toBe(1);
    expect(lost.stdout).toContain('| ⚠️ | worker-5xx-6-percent | production | **no longer pages critical (now high)** |');
    expect(lost.stderr).toContain('review: 1 change of class page lost (--fail-on)');
    edit(alerts, 'rules/http.yml', 'threshold: 0.07', 'threshold: 0.04');
    expect(runCommand('bin/review', args, { cwd: dir }).status).toBe(0);
    expect(runCommand('bin/review', ['--base', 'HEAD', '--fail-on', 'detection-slower', '--scenario', 'worker-5xx-6-percent'], { cwd: dir }).status).toBe(0);
  }, 180000);

  it('--at sets the instant of "who is on call now"', async () => {
    const { dir, alerts } = repo();
    edit(alerts, 'oncall.yml', /oncall\.engineer1@deltacrown\.com/, 'oncall.engineer9@deltacrown.com');
    const json = (at: string) => JSON.parse(cli(dir, ['--base', 'HEAD', '--json', '--at', at]).stdout).changes.map((c: { field?: string }) => c.field);
    expect(json('2025-11-24T00:00:00Z')).toContain('on call now');
    expect(json('2025-12-01T00:00:00Z')).not.toContain('on call now');
  });
});
