/**
 * Feature flag drift, generated from the catalog (alerts/feature_flags.yml): the expected value of every flag per
 * environment becomes a recording rule next to the family `feature-flag-drift`, whose two generic alerts compare it
 * with the application's gauge (drift, and a flag not reported). Run by the real promtool in both environments, with
 * examples that hold in some environments only; the file's validation, each error located; the runbook's table.
 * The catalog is a copy of the fixture with flags of the test's own (nothing here reads the live catalog's values).
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import type { Catalog } from '../lib/catalog/model';
import { formatIssue } from '../lib/catalog/errors';
import { resolveEnvironment } from '../lib/catalog/resolve';
import { FEATURE_FLAG_EXPECTED, featureFlagRecords } from '../lib/catalog/feature-flags';
import { renderExport, writeFiles } from '../lib/export';
import { renderRunbookRegions } from '../lib/render/runbook';
import { renderDashboards } from '../lib/render/dashboards';
import { catalogIssues, copyCatalog, edit, positionOf, requireBinary, tempDir } from './helpers';
import { catalogWithFlags } from './helpers-flags';
import { resolve, resolveCatalog } from '../lib/plan/resolve';

const loadErrors = (dir: string): string[] => catalogIssues(dir).map(formatIssue);

describe('expected flag values as recording rules', () => {
  const c = loadCatalog(catalogWithFlags());

  it('records each flag watched in an environment, 1 or 0 with its expected value as a label; none where it is free', () => {
    expect(featureFlagRecords(c, 'production')).toEqual([
      { record: FEATURE_FLAG_EXPECTED, expr: 'vector(1)', labels: { flag: 'CACHE_ENABLED', expected: 'true' } },
      { record: FEATURE_FLAG_EXPECTED, expr: 'vector(0)', labels: { flag: 'BETA_ENABLED', expected: 'false' } },
    ]);
    expect(featureFlagRecords(c, 'staging')).toEqual([{ record: FEATURE_FLAG_EXPECTED, expr: 'vector(1)', labels: { flag: 'CACHE_ENABLED', expected: 'true' } }]);
  });

  it.each(['production', 'staging'])('%s: the records sit in the rule group of the drift alerts, one rule for every flag', (env) => {
    const group = resolveEnvironment(c, env).groups.find((g) => g.name === 'deltacrown-feature-flags')!;
    expect(group.recordings).toEqual(featureFlagRecords(c, env));
    expect(group.alerts.map((a) => a.name)).toEqual(['DeltaCrownFeatureFlagDrift', 'DeltaCrownFeatureFlagMissing']);
    // The flags' names are not in the alert rules: one generic rule covers them all.
    for (const a of group.alerts) expect(a.expr).not.toMatch(/CACHE_ENABLED|BETA_ENABLED/);
    const other = resolveEnvironment(c, env).groups.filter((g) => g.name !== 'deltacrown-feature-flags');
    expect(other.flatMap((g) => g.recordings).some((r) => r.record === FEATURE_FLAG_EXPECTED)).toBe(false);
  });

  it('a catalog without feature_flags.yml records nothing', () => {
    const plain = loadCatalog(copyCatalog());
    expect(plain.featureFlags).toBeUndefined();
    expect(featureFlagRecords(plain, 'production')).toEqual([]);
  });

  /**
   * The flag examples of `env` as the export writes them, run by promtool against the flag rule group alone (the
   * fixture's other examples run in prometheus-rules.test.ts): the tests and promtool's verdict.
   */
  function promtoolFlags(catalog: Catalog, env: string): { tests: { promql_expr_test?: { exp_samples: unknown }[] }[]; status: number | null; output: string } {
    const out = tempDir('deltacrown-flags-');
    writeFiles(renderExport(catalog, { environments: [env] }), out);
    const dir = path.join(out, env, 'prometheus', 'tests');
    const rules = parse(fs.readFileSync(path.join(out, env, 'prometheus', 'rules.yml'), 'utf8'));
    const doc = parse(fs.readFileSync(path.join(dir, 'every-1m.test.yml'), 'utf8'));
    doc.rule_files = ['flags.rules.yml'];
    doc.tests = doc.tests.filter((t: object) => JSON.stringify(t).includes('DeltaCrownFeatureFlag'));
    fs.writeFileSync(path.join(dir, 'flags.rules.yml'), JSON.stringify({ groups: rules.groups.filter((g: { name: string }) => g.name === 'deltacrown-feature-flags') }));
    fs.writeFileSync(path.join(dir, 'flags.test.yml'), JSON.stringify(doc));
    const r = spawnSync(requireBinary('promtool', 'prometheus'), ['test', 'rules', 'flags.test.yml'], { cwd: dir, encoding: 'utf8' });
    return { tests: doc.tests, status: r.status, output: r.stdout + r.stderr };
  }

  it.each(['production', 'staging'])('%s: promtool passes every flag example; an environment-bound example is exported only there', (env) => {
    const r = promtoolFlags(c, env);
    expect(r.tests).toHaveLength(env === 'production' ? 5 : 6);
    // BETA_ENABLED fires in production only: its firing example is not among staging's tests.
    const firing = JSON.stringify(r.tests.flatMap((t) => (t.promql_expr_test ?? []).map((e) => e.exp_samples)));
    expect({ env, betaFires: firing.includes('flag=\\"BETA_ENABLED\\"') }).toEqual({ env, betaFires: env === 'production' });
    expect({ env, status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ env, status: 0, output: '' });
  });

  it('the examples are real: with BETA_ENABLED expected off in staging too, its staging example fails', () => {
    const dir = catalogWithFlags();
    edit(dir, 'feature_flags.yml', '{ production: false, staging: any }', 'false');
    const r = promtoolFlags(loadCatalog(dir), 'staging');
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/alertname: DeltaCrownFeatureFlagDrift[\s\S]*BETA_ENABLED/);
  });

  it('the infrastructure dashboard draws, per flag, the replicas running it on and its expected value', () => {
    const infra = renderDashboards(resolve(c, 'production')).find((d) => d.kind === 'infrastructure')!;
    const panels = JSON.parse(JSON.stringify(infra.model)).panels as { title?: string; targets?: { expr: string }[] }[];
    const p = panels.find((x) => x.title?.startsWith('Feature flags'))!;
    expect(p.targets!.map((t) => t.expr)).toEqual(['sum by (flag) (deltacrown_feature_flag_enabled{service=~"$service"})', FEATURE_FLAG_EXPECTED]);
    // A catalog without the flags has no such panel.
    const plain = renderDashboards(resolve(loadCatalog(copyCatalog()), 'production')).find((d) => d.kind === 'infrastructure')!;
    expect(JSON.stringify(plain.model)).not.toContain('Feature flags');
  });

  it('the runbook table states every flag’s expected value per environment, free ones as not watched', () => {
    expect(renderRunbookRegions(resolveCatalog(c)).get('feature-flags')).toBe(
      [
        '| Flag | Expected in production | Expected in staging | What it switches |',
        '|---|---|---|---|',
        '| `CACHE_ENABLED` | `true` | `true` | The cache. |',
        '| `BETA_ENABLED` | `false` | any (not watched) | A beta feature, tried out in staging. |',
      ].join('\n'),
    );
  });
});

describe('feature_flags.yml validation', () => {
  const FILE = 'feature_flags.yml';
  const cases: [string, string, (dir: string) => string, string, string][] = [
    ['an unknown environment', FILE, (dir) => edit(dir, FILE, 'staging: any', 'stagin: any'), 'stagin: any', "flags[1].expected.stagin: unknown environment 'stagin'; expected one of production, staging"],
    ['an environment without a value', FILE, (dir) => edit(dir, FILE, '{ production: false, staging: any }', '{ production: false }'), '{ production: false }', "flags[1].expected: no expected value for environment 'staging'"],
    ['a value that is no boolean', FILE, (dir) => edit(dir, FILE, 'expected: true', 'expected: yes'), 'expected: yes', 'flags[0].expected: expected true or false (every environment), or per environment'],
    [
      'a per-environment value that is no boolean',
      FILE,
      (dir) => edit(dir, FILE, 'staging: any', 'staging: sometimes'),
      'sometimes',
      "flags[1].expected: expected true or false (every environment), or per environment { <environment>: true, false or 'any'",
    ],
    ['a flag name that is no environment variable', FILE, (dir) => edit(dir, FILE, 'name: CACHE_ENABLED', 'name: cache-enabled'), 'cache-enabled', 'flags[0].name: expected an environment variable name such as MODERATION_CACHE_ENABLED'],
    ['a flag listed twice', FILE, (dir) => edit(dir, FILE, 'name: BETA_ENABLED', 'name: CACHE_ENABLED'), 'CACHE_ENABLED\n    description: A beta', "flags[1].name: duplicate flag 'CACHE_ENABLED' (also flags[0])"],
    [
      'flags no alert family watches',
      FILE,
      (dir) => {
        fs.rmSync(path.join(dir, 'rules', 'feature-flags.yml'));
        return fs.readFileSync(path.join(dir, FILE), 'utf8');
      },
      '  - name: CACHE_ENABLED',
      "flags: no alert family 'feature-flag-drift' in rules/*.yml",
    ],
    [
      'an example of an unknown environment',
      'rules/feature-flags.yml',
      (dir) => edit(dir, 'rules/feature-flags.yml', 'environments: [staging]\n              series:\n                - { series: \'deltacrown_feature_flag_enabled{service="deltacrown-api", flag="BETA_ENABLED"', 'environments: [stagin]\n              series:\n                - { series: \'deltacrown_feature_flag_enabled{service="deltacrown-api", flag="BETA_ENABLED"'),
      '[stagin]',
      "families[0].alerts[0].examples.quiet[1].environments[0]: unknown environment 'stagin'; expected one of production, staging",
    ],
    [
      'an environment left without a firing example',
      'rules/feature-flags.yml',
      (dir) => edit(dir, 'rules/feature-flags.yml', '            - description: one replica of two runs CACHE_ENABLED off\n', '            - description: one replica of two runs CACHE_ENABLED off\n              environments: [production]\n'),
      '            - description: one replica of two runs',
      "families[0].alerts[0].examples.fires: alert DeltaCrownFeatureFlagDrift has no 'fires' example for environment 'staging'",
    ],
  ];

  it.each(cases)('reports %s at its line', (_what, file, mutate, at, message) => {
    const dir = catalogWithFlags();
    const text = mutate(dir);
    const errors = loadErrors(dir);
    const found = errors.find((e) => e.includes(message));
    expect({ errors, found: found !== undefined }).toEqual({ errors, found: true });
    expect(found).toContain(`${file}:${positionOf(text, at).line}:`);
  });

  it('rejects the drift alerts without feature_flags.yml: their expected values are recorded nowhere', () => {
    const dir = catalogWithFlags();
    fs.rmSync(path.join(dir, 'feature_flags.yml'));
    const text = fs.readFileSync(path.join(dir, 'rules', 'feature-flags.yml'), 'utf8');
    expect(loadErrors(dir)).toEqual([
      expect.stringMatching(
        new RegExp(`feature-flags\\.yml:${positionOf(text, 'feature-flag-drift').line}:\\d+: families\\[0\\]\\.family: no feature_flags\\.yml: the expected flag values this family compares are recorded nowhere`),
      ),
    ]);
  });

  it('reports an invalid feature_flags.yml once, without follow-on errors in the rules', () => {
    const dir = catalogWithFlags();
    edit(dir, FILE, 'expected: true', 'expected: yes');
    expect(loadErrors(dir)).toEqual([expect.stringMatching(/feature_flags\.yml:\d+:\d+: flags\[0\]\.expected: expected true or false/)]);
  });
});
