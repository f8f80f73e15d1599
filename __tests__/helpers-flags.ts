/**
 * Feature flags added to a copy of the fixture catalog (which predates them): the gauge in the metric contract,
 * feature_flags.yml with the test's own flags (CACHE_ENABLED on everywhere, BETA_ENABLED off in production and free in
 * staging), the family `feature-flag-drift` with its two generic alerts and their examples, and its runbook section.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FEATURE_FLAG_EXPECTED } from '../lib/catalog/feature-flags';
import { copyCatalog } from './helpers';

export const FLAGS = `# yaml-language-server: $schema=./schemas/feature_flags.schema.json
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

/** The flags' healthy background (every watched flag at its production value) and a scenario per alert. */
const BACKGROUND = `  deltacrown_feature_flag_enabled:
    - { labels: { service: deltacrown-api, flag: CACHE_ENABLED }, value: 1 }
    - { labels: { service: deltacrown-api, flag: BETA_ENABLED }, value: 0 }
`;
const SCENARIOS = `# yaml-language-server: $schema=../schemas/scenarios.schema.json
scenarios:
  - name: cache-flag-turned-off
    description: CACHE_ENABLED turned off (expected on).
    kind: incident
    runbook: feature-flag-drift
    next_to: { DeltaCrownFeatureFlagDrift: firing }
    duration: 15m
    changes:
      - value: { select: 'deltacrown_feature_flag_enabled{flag="CACHE_ENABLED"}', to: 0 }
    expect:
      - { slack: warning, within: 10m }
  - name: flag-gauge-dropped
    description: The flag gauge disappears.
    kind: incident
    runbook: feature-flag-drift
    next_to: { DeltaCrownFeatureFlagMissing: firing }
    duration: 15m
    changes:
      - vanish: { select: 'deltacrown_feature_flag_enabled' }
    expect:
      - { slack: warning, within: 10m }
`;

/**
 * Adds the test's flags, their alert family and its runbook section to the catalog copy in `dir` (its `alerts/`);
 * where the copy has a scenario library, the flags' background and a scenario for each of the two alerts too.
 */
export function addFeatureFlags(dir: string): string {
  // The gauge the application exposes, in the metric contract (the fixture predates it).
  fs.appendFileSync(path.join(dir, 'metrics.yml'), '  deltacrown_feature_flag_enabled:\n    type: gauge\n    labels: [service, flag]\n    source: deltacrown-api\n');
  fs.writeFileSync(path.join(dir, 'feature_flags.yml'), FLAGS);
  fs.writeFileSync(path.join(dir, 'rules', 'feature-flags.yml'), RULES);
  fs.appendFileSync(path.join(dir, '..', 'docs', 'runbook.md'), SECTION);
  if (fs.existsSync(path.join(dir, 'scenarios', 'background.yml'))) {
    fs.appendFileSync(path.join(dir, 'scenarios', 'background.yml'), BACKGROUND);
    fs.writeFileSync(path.join(dir, 'scenarios', 'feature-flags.yml'), SCENARIOS);
  }
  return dir;
}

/** A fixture copy with the test's flags; returns its `alerts/`. */
export function catalogWithFlags(): string {
  return addFeatureFlags(copyCatalog());
}

