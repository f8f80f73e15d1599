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
import { formatIssue } from '../lib/catalog/errors';
import { resolveEnvironment } from '../lib/catalog/resolve';
import { FEATURE_FLAG_EXPECTED, featureFlagRecords } from '../lib/catalog/feature-flags';
import { renderExport, writeFiles } from '../lib/export';
import { renderRunbookRegions } from '../lib/render/runbook';
import { catalogIssues, copyCatalog, edit, positionOf, requireBinary, tempDir } from './helpers';

const FLAGS = `# yaml-language-server: $schema=./schemas/feature_flags.schema.json
flags:
  - name: CACHE_ENABLED
    description: The cache.
    expected: true
  - name: BETA_ENABLED
    description: A beta feature, tried out in staging.
    expected: { production: false, staging: any }
`;

/** A flag series of one replica: `deltacrown_feature_flag_enabled{…}` with `values`. */
const flag = (name: string, values: string, pod = 'deltacrown-api-a') => ({ series: `deltacrown_feature_flag_enabled{service="deltacrown-api", flag="${name}", pod="${pod}"}`, values });
const serving = { series: 'http_requests_total{service="deltacrown-api", code="200"}', values: '0+100x15' };
const yamlSeries = (s: { series: string; values: string }[]) => s.map((x) => `                - { series: '${x.series}', values: '${x.values}' }`).join('\n');

const RULES = `# yaml-language-server: $schema=../schemas/rules.schema.json
group: deltacrown-feature-flags
families:
  - family: feature-flag-drift
    title: Feature flag drift
    runbook: feature-flag-drift
    service: deltacrown-api
    for: 5m
    summary: "Feature flag {{ $labels.flag }} is not {{ $labels.expected }}"
    description: "{{ $value }} replica(s) run {{ $labels.flag }} different from {{ $labels.expected }}."
    alerts:
      - name: DeltaCrownFeatureFlagDrift
        severity: warning
        expr: |
          count by (flag, expected) (
            deltacrown_feature_flag_enabled{service=~"{{.services}}"}
              != on (flag) group_left (expected) ${FEATURE_FLAG_EXPECTED}
          )
        examples:
          fires:
            - description: one replica of two runs CACHE_ENABLED off
              series:
${yamlSeries([flag('CACHE_ENABLED', '1x15'), flag('CACHE_ENABLED', '1x3 0x11', 'deltacrown-api-b')])}
              at: 10m
              labels: { flag: CACHE_ENABLED, expected: 'true' }
            - description: BETA_ENABLED on in production
              environments: [production]
              series:
${yamlSeries([flag('BETA_ENABLED', '1x15')])}
              at: 10m
              labels: { flag: BETA_ENABLED, expected: 'false' }
          quiet:
            - description: every flag as expected
              series:
${yamlSeries([flag('CACHE_ENABLED', '1x15'), flag('BETA_ENABLED', '0x15')])}
              at: 10m
            - description: BETA_ENABLED on in staging (free there)
              environments: [staging]
              series:
${yamlSeries([flag('BETA_ENABLED', '1x15')])}
              at: 10m
      - name: DeltaCrownFeatureFlagMissing
        severity: warning
        expr: |
          (${FEATURE_FLAG_EXPECTED} unless on (flag) deltacrown_feature_flag_enabled{service=~"{{.services}}"})
            and on () count(http_requests_total{service=~"{{.services}}"})
        examples:
          fires:
            - description: CACHE_ENABLED stops being reported at 4m while the API serves
              series:
${yamlSeries([serving, flag('CACHE_ENABLED', '1x3 stale'), flag('BETA_ENABLED', '0x15')])}
              at: 10m
              labels: { flag: CACHE_ENABLED, expected: 'true' }
          quiet:
            - description: BETA_ENABLED never reported in staging (not watched there)
              environments: [staging]
              series:
${yamlSeries([serving, flag('CACHE_ENABLED', '1x15')])}
              at: 10m
            - description: the API is gone (no series at all)
              series:
${yamlSeries([{ ...serving, values: '0+100x3 stale' }, flag('CACHE_ENABLED', '1x3 stale'), flag('BETA_ENABLED', '0x3 stale')])}
              at: 10m
`;

const SECTION = `
## Feature flag drift

### Symptoms
A flag differs from its expected value.
`;

/** A fixture copy with the test's flags, their alert family and its runbook section; returns its `alerts/`. */
function catalogWithFlags(): string {
  const dir = copyCatalog();
  // The gauge the application exposes, in the metric contract (the fixture predates it).
  fs.appendFileSync(path.join(dir, 'metrics.yml'), '  deltacrown_feature_flag_enabled:\n    type: gauge\n    labels: [service, flag]\n    source: deltacrown-api\n');
  fs.writeFileSync(path.join(dir, 'feature_flags.yml'), FLAGS);
  fs.writeFileSync(path.join(dir, 'rules', 'feature-flags.yml'), RULES);
  fs.appendFileSync(path.join(dir, '..', 'docs', 'runbook.md'), SECTION);
  return dir;
}

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

  it('promtool passes every example in both environments; environment-bound examples are exported only there', () => {
    const bin = requireBinary('promtool', 'prometheus');
    const out = tempDir('deltacrown-flags-');
    writeFiles(renderExport(c), out);
    for (const env of ['production', 'staging']) {
      const dir = path.join(out, env, 'prometheus', 'tests');
      const rules = parse(fs.readFileSync(path.join(out, env, 'prometheus', 'rules.yml'), 'utf8'));
      const flagsGroup = rules.groups.find((g: { name: string }) => g.name === 'deltacrown-feature-flags');
      const doc = parse(fs.readFileSync(path.join(dir, 'every-1m.test.yml'), 'utf8'));
      // Only the flag examples (the fixture's other examples run in prometheus-rules.test.ts).
      doc.rule_files = ['flags.rules.yml'];
      doc.tests = doc.tests.filter((t: object) => JSON.stringify(t).includes('DeltaCrownFeatureFlag'));
      fs.writeFileSync(path.join(dir, 'flags.rules.yml'), JSON.stringify({ groups: [flagsGroup] }));
      fs.writeFileSync(path.join(dir, 'flags.test.yml'), JSON.stringify(doc));
      expect(doc.tests).toHaveLength(env === 'production' ? 5 : 6);
      // BETA_ENABLED fires in production only: its firing example is not in staging's tests.
      const firing = JSON.stringify(doc.tests.flatMap((t: { promql_expr_test?: { exp_samples: unknown }[] }) => (t.promql_expr_test ?? []).map((e) => e.exp_samples)));
      expect({ env, betaFires: firing.includes('flag=\\"BETA_ENABLED\\"') }).toEqual({ env, betaFires: env === 'production' });
      const r = spawnSync(bin, ['test', 'rules', 'flags.test.yml'], { cwd: dir, encoding: 'utf8' });
      expect({ env, status: r.status, output: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ env, status: 0, output: '' });
    }
  });

  it('the examples are real: with BETA_ENABLED expected off in staging too, its staging example fails', () => {
    const dir = catalogWithFlags();
    edit(dir, 'feature_flags.yml', '{ production: false, staging: any }', 'false');
    const bin = requireBinary('promtool', 'prometheus');
    const out = tempDir('deltacrown-flags-');
    writeFiles(renderExport(loadCatalog(dir), { environments: ['staging'] }), out);
    const tests = path.join(out, 'staging', 'prometheus', 'tests');
    const rules = parse(fs.readFileSync(path.join(out, 'staging', 'prometheus', 'rules.yml'), 'utf8'));
    const doc = parse(fs.readFileSync(path.join(tests, 'every-1m.test.yml'), 'utf8'));
    doc.rule_files = ['flags.rules.yml'];
    doc.tests = doc.tests.filter((t: object) => JSON.stringify(t).includes('DeltaCrownFeatureFlag'));
    fs.writeFileSync(path.join(tests, 'flags.rules.yml'), JSON.stringify({ groups: rules.groups.filter((g: { name: string }) => g.name === 'deltacrown-feature-flags') }));
    fs.writeFileSync(path.join(tests, 'flags.test.yml'), JSON.stringify(doc));
    const r = spawnSync(bin, ['test', 'rules', 'flags.test.yml'], { cwd: tests, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/alertname: DeltaCrownFeatureFlagDrift[\s\S]*BETA_ENABLED/);
  });

  it('the runbook table states every flag’s expected value per environment, free ones as not watched', () => {
    expect(renderRunbookRegions(c).get('feature-flags')).toBe(
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
