/**
 * The rendered Prometheus rules of the live catalog, checked and unit-tested by the real promtool (Prometheus
 * 2.42): `promtool check rules` on every environment's rules.yml, and `promtool test rules` on the tests generated
 * from every alert's examples. Only properties that hold for any valid catalog are asserted on the live catalog;
 * what needs particular values or a change uses the fixture catalog.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { parse } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { renderRuleGroups, PromAlertingRule } from '../lib/render/prometheus-rules';
import { ALWAYS_FIRING } from '../lib/catalog/crosscheck';
import { LIVE_ALERTS, copyCatalog, edit, requireBinary, tempDir } from './helpers';

const catalog = loadCatalog(LIVE_ALERTS);
const environments = catalog.catalog.environments.map((e) => e.name);
const files = renderExport(catalog);
const out = tempDir('deltacrown-export-');
writeFiles(files, out);
const testFiles = [...files.keys()].filter((f) => f.includes('/prometheus/tests/'));

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

beforeAll(() => {
  requireBinary('promtool', 'prometheus');
});

describe.each(environments)('%s rules.yml', (env) => {
  it('is accepted by promtool check rules', async () => {
    const r = await run('promtool', ['check', 'rules', 'rules.yml'], path.join(out, env, 'prometheus'));
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it('labels every alert with severity, service, environment and links the runbook', () => {
    const groups = renderRuleGroups(resolveEnvironment(catalog, env)).groups;
    const alerts = groups.flatMap((g) => g.rules).filter((r): r is PromAlertingRule => 'alert' in r);
    expect(alerts.length).toBeGreaterThan(15);
    for (const a of alerts) {
      expect(Object.keys(a.labels)).toEqual(expect.arrayContaining(['severity', 'environment', 'family']));
      expect(a.labels.environment).toBe(env);
      const serviceFromSeries = resolveEnvironment(catalog, env).groups.flatMap((g) => g.alerts).find((x) => x.name === a.alert)!.serviceFromSeries;
      if (!serviceFromSeries) expect(catalog.catalog.services.map((s) => s.name)).toContain(a.labels.service);
      expect(a.annotations.summary).toBeTruthy();
      expect(a.annotations.description).toBeTruthy();
      expect(a.annotations.runbook_url).toMatch(/^https:\/\/.*docs\/runbook\.md#[a-z0-9-]+$/);
      expect(`${a.annotations.summary} ${a.annotations.description}`).not.toContain('$threshold');
    }
  });

  it('has a generated firing and quiet example for every alert', () => {
    const covered = { fires: new Set<string>(), quiet: new Set<string>() };
    for (const f of testFiles.filter((t) => t.startsWith(`${env}/`))) {
      const doc = parse(files.get(f)!);
      for (const t of doc.tests) {
        for (const e of t.promql_expr_test ?? []) covered.fires.add(/alertname="([^"]+)"/.exec(e.expr)![1]);
        for (const e of t.alert_rule_test ?? []) covered.quiet.add(e.alertname);
      }
    }
    for (const a of allAlerts(resolveEnvironment(catalog, env))) {
      expect({ alert: a.name, fires: covered.fires.has(a.name) }).toEqual({ alert: a.name, fires: true });
      if (a.expr !== ALWAYS_FIRING) expect({ alert: a.name, quiet: covered.quiet.has(a.name) }).toEqual({ alert: a.name, quiet: true });
    }
  });
});

describe('promtool test rules', () => {
  it.concurrent.each(testFiles)('%s passes', async (f) => {
    const r = await run('promtool', ['test', 'rules', path.basename(f)], path.join(out, path.dirname(f)));
    expect({ file: f, code: r.code, output: r.code === 0 ? '' : r.output }).toEqual({ file: f, code: 0, output: '' });
  });

  it('fails when an example no longer matches its threshold (the tests are real)', () => {
    const dir = copyCatalog();
    // Move the critical 5xx threshold above its firing example (5.1 %) without moving the example.
    edit(dir, 'rules/http.yml', 'threshold: 0.05', 'threshold: 0.052');
    const moved = renderExport(loadCatalog(dir), { environments: ['production'] });
    const target = tempDir('deltacrown-export-');
    writeFiles(moved, target);
    const r = spawnSync('promtool', ['test', 'rules', 'every-1m.test.yml'], { cwd: path.join(target, 'production/prometheus/tests'), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/DeltaCrownHttp5xxRatioCritical/);
  });
});

describe('export', () => {
  it('writes rules.yml and the promtool tests of both environments', () => {
    for (const env of environments) {
      expect(fs.existsSync(path.join(out, env, 'prometheus', 'rules.yml'))).toBe(true);
      expect(testFiles.some((f) => f.startsWith(`${env}/prometheus/tests/`))).toBe(true);
    }
  });

  it('leaves out the examples of an alert whose threshold an environment overrides, there only', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/redis.yml', '        threshold: 1000\n', '        threshold: 1000\n        overrides: { staging: { threshold: 5000 } }\n');
    const exported = renderExport(loadCatalog(dir));
    const mentions = (env: string) => [...exported].filter(([f, text]) => f.startsWith(`${env}/prometheus/tests/`) && text.includes('DeltaCrownRedisEvictionsHigh')).length;
    expect(mentions('production')).toBeGreaterThan(0);
    expect(mentions('staging')).toBe(0);
  });

  it('can shorten every group evaluation interval (for end-to-end runs)', () => {
    const short = renderExport(catalog, { evaluationInterval: '1s', environments: ['production'] });
    const doc = parse(short.get('production/prometheus/rules.yml')!);
    expect(new Set(doc.groups.map((g: { interval: string }) => g.interval))).toEqual(new Set(['1s']));
  });
});
