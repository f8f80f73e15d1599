/**
 * `npm run export`: the catalog rendered as plain configuration files per environment, for tools that run
 * outside Terraform (promtool, a local Prometheus, tests):
 *
 *   <out>/<environment>/prometheus/rules.yml        Prometheus rule file (every group)
 *   <out>/<environment>/prometheus/tests/every-<interval>.test.yml
 *                                                   promtool unit tests generated from the catalog's examples,
 *                                                   one file per sample spacing (promtool test rules <file>)
 *   <out>/<environment>/alertmanager/alertmanager.yml
 *                                                   Alertmanager 0.25 configuration (routes, receivers,
 *                                                   inhibitions); secrets as files or placeholders
 *   <out>/<environment>/synthetics/blackbox.yml     blackbox_exporter 0.23 modules of the synthetic checks
 *   <out>/<environment>/synthetics/targets.yml      their targets, Prometheus file_sd format (job = check name)
 *   <out>/<environment>/aws/guardrails.yml          the CloudWatch guardrails as the guardrails stack creates
 *                                                   them: topics, parameter groups, alarms with thresholds in
 *                                                   the metric's native unit (for review; not an AWS format)
 *
 * Everything is rendered in memory first and written only when rendering succeeded.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import type { Catalog } from './catalog/model';
import { resolve, resolveCatalog } from './plan/resolve';
import type { EnvironmentPlan, RulesPlan } from './plan/types';
import { withBaseUrl } from './plan/synthetics';
import { renderRuleGroups } from './render/prometheus-rules';
import { renderPromtoolTests } from './render/promtool-tests';
import { AlertmanagerExportOptions, renderAlertmanagerFile } from './export-alertmanager';
import { blackboxTargetsHeader, renderBlackboxConfig, renderBlackboxTargets } from './render/synthetics';

export interface ExportOptions {
  /** Replaces every rule group's evaluation interval (end-to-end tests shorten it). */
  evaluationInterval?: string;
  /**
   * Replaces every alert's `for` (end-to-end tests wait seconds, not minutes). The promtool tests are written
   * for the catalog's own timings, so they are left out of an export with this option.
   */
  alertFor?: string;
  /** Only these environments (default: all). */
  environments?: string[];
  /** Secrets, PagerDuty endpoint and timings of the exported alertmanager.yml (see lib/export-alertmanager.ts). */
  alertmanager?: AlertmanagerExportOptions;
  /** Replaces every environment's base URL of the synthetic checks (end-to-end tests point them at a local server). */
  syntheticsBaseUrl?: string;
}

/** Serialises data as YAML without folding long PromQL lines. */
export function toYaml(data: unknown, header?: string): string {
  const body = stringify(data, { lineWidth: 0, aliasDuplicateObjects: false });
  return header ? `${header}\n${body}` : body;
}

const GENERATED = '# Generated from the catalog (alerts/) by `npm run export`. Do not edit.';

/** Relative path → file content, for every file of the export. */
export function renderExport(c: Catalog, opts: ExportOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  for (const plan of opts.environments ? opts.environments.map((e) => resolve(c, e)) : resolveCatalog(c).environments) {
    for (const [rel, content] of renderEnvironmentFiles(plan, opts)) files.set(`${plan.name}/${rel}`, content);
  }
  return files;
}

/** The files of one environment's plan, relative to its directory. */
export function renderEnvironmentFiles(plan: EnvironmentPlan, opts: ExportOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  let rules: RulesPlan = plan.rules;
  if (opts.evaluationInterval) rules = { ...rules, groups: rules.groups.map((g) => ({ ...g, interval: opts.evaluationInterval! })) };
  if (opts.alertFor) rules = { ...rules, groups: rules.groups.map((g) => ({ ...g, alerts: g.alerts.map((a) => ({ ...a, for: opts.alertFor! })) })) };
  files.set('prometheus/rules.yml', toYaml(renderRuleGroups(rules), GENERATED));
  if (!opts.alertFor) {
    const tests = renderPromtoolTests(rules, '../rules.yml', (a) => a.thresholdOverridden === true);
    for (const [interval, file] of tests) files.set(`prometheus/tests/every-${interval}.test.yml`, toYaml(file, GENERATED));
  }
  if (plan.onCall) files.set('alertmanager/alertmanager.yml', renderAlertmanagerFile(plan, opts.alertmanager));
  const checks = opts.syntheticsBaseUrl ? withBaseUrl(plan.checks, opts.syntheticsBaseUrl) : plan.checks;
  if (checks.length) {
    files.set('synthetics/blackbox.yml', toYaml(renderBlackboxConfig(checks), GENERATED));
    files.set('synthetics/targets.yml', toYaml(renderBlackboxTargets(checks), `${GENERATED}\n${blackboxTargetsHeader(checks)}`));
  }
  if (plan.guardrails) files.set('aws/guardrails.yml', toYaml(plan.guardrails, GENERATED));
  return files;
}

/** Writes rendered files under `outDir`, creating directories. */
export function writeFiles(files: Map<string, string>, outDir: string): string[] {
  const written: string[] = [];
  for (const [rel, content] of files) {
    const abs = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    written.push(abs);
  }
  return written;
}
