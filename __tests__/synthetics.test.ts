/**
 * The synthetic uptime checks (alerts/synthetics/uptime_checks.yml): their catalog and its validation, their
 * alert rules (2 failing probe locations for 2 consecutive runs, run by the real promtool), and their rendering
 * for Grafana Synthetic Monitoring and blackbox_exporter (npm run export).
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { formatIssue } from '../lib/catalog/errors';
import { allAlerts, resolveEnvironment, ResolvedEnvironment } from '../lib/catalog/resolve';
import { selectedChecks, SYNTHETICS_FAMILY } from '../lib/catalog/crosscheck-synthetics';
import { renderBlackboxConfig, renderSmChecks } from '../lib/render/synthetics';
import { resolveChecks } from '../lib/plan/synthetics';
import { renderRuleGroups } from '../lib/render/prometheus-rules';
import { renderPromtoolTests } from '../lib/render/promtool-tests';
import { renderExport, toYaml, writeFiles } from '../lib/export';
import { SM_LABEL_LIMITS } from '../constructs/grafana/synthetic-monitoring-check';
import { FIXTURE_ALERTS, copyCatalog, edit, positionOf, requireBinary, runCommand, tempDir, catalogIssues, withoutScenarios } from './helpers';
import { POST_CHECK, appendPostCheck, catalogWithPostCheck, coverPostCheck } from './helpers-synthetics';

const catalog = loadCatalog(FIXTURE_ALERTS);
const ENVS = catalog.catalog.environments.map((e) => e.name);

/** The runbook's four checks: "All 4 checks GREEN? (/health, /api/transactions, /api/shop/items, /api/moderation/enforcement/ping)". */
const RUNBOOK_PATHS = ['/health', '/api/transactions', '/api/shop/items', '/api/moderation/enforcement/ping'];

const loadErrors = (dir: string): string[] => catalogIssues(dir).map(formatIssue);

describe('the synthetic checks catalog', () => {
  it('lives at the runbook’s path and holds the runbook’s four checks', () => {
    expect(fs.existsSync(path.join(FIXTURE_ALERTS, 'synthetics', 'uptime_checks.yml'))).toBe(true);
    expect(catalog.synthetics!.checks.map((c) => c.path)).toEqual(RUNBOOK_PATHS);
  });

  it.each(ENVS)('%s: every check has a base URL, a method, expected codes, a frequency, a timeout and ≥ 3 probe locations', (env) => {
    const checks = resolveChecks(catalog, env);
    expect(checks).toHaveLength(4);
    for (const c of checks) {
      expect(c.url).toBe(`${catalog.synthetics!.base_urls[env]}${c.path}`);
      expect(c.method).toBe('GET');
      expect(c.validStatusCodes.length).toBeGreaterThan(0);
      expect(c.timeoutSeconds).toBeLessThan(c.frequencySeconds);
      expect(new Set(c.probes).size).toBeGreaterThanOrEqual(3);
    }
    expect(checks.filter((c) => c.bodyRegex).length).toBeGreaterThan(0);
  });
});

describe('alert rules of the synthetic checks', () => {
  it.each(ENVS)('%s: critical for /health and /api/transactions (payments), high for the others', (env) => {
    const alerts = allAlerts(resolveEnvironment(catalog, env)).filter((a) => a.family === SYNTHETICS_FAMILY);
    const checks = resolveChecks(catalog, env);
    const severityOf = Object.fromEntries(
      checks.map((c) => {
        const selecting = alerts.filter((a) => selectedChecks(a.expr, [c.name])?.length);
        expect(selecting).toHaveLength(1);
        return [c.path, selecting[0].severity];
      }),
    );
    expect(severityOf).toEqual({ '/health': 'critical', '/api/transactions': 'critical', '/api/shop/items': 'high', '/api/moderation/enforcement/ping': 'high' });
    for (const a of alerts) {
      expect(a.expr).toMatch(/^count by \(job, instance\) \(probe_success\{job=~"[^"]+"\} == 0\) >= 2$/);
      expect(a.runbookAnchor).toBe('synthetic-checks');
      expect(a.labels).toMatchObject({ family: SYNTHETICS_FAMILY, service: 'deltacrown-api', environment: env });
    }
  });

  it('each alert waits exactly one check period: it fires on the second consecutive failed run', () => {
    for (const a of allAlerts(resolveEnvironment(catalog, 'production')).filter((x) => x.family === SYNTHETICS_FAMILY)) {
      for (const c of resolveChecks(catalog, 'production').filter((x) => selectedChecks(a.expr, [x.name])?.length)) expect(a.for).toBe(c.frequency);
    }
  });

  it('has the examples the runbook asks for: one failing probe alone quiet, two probes for two runs firing', () => {
    const examples = allAlerts(resolveEnvironment(catalog, 'production'))
      .filter((a) => a.family === SYNTHETICS_FAMILY)
      .flatMap((a) => [...a.examples.fires.map((e) => `fires: ${e.description}`), ...a.examples.quiet.map((e) => `quiet: ${e.description}`)]);
    expect(examples).toEqual(
      expect.arrayContaining([
        'quiet: one failing probe location alone never pages',
        'fires: two probe locations fail /health for two consecutive runs',
        'quiet: two probe locations fail a single run (the alert is only pending)',
        'quiet: two probe locations fail a single run, then recover',
      ]),
    );
  });

  /** Runs promtool on the synthetic-checks group of an environment; returns its exit code and output. */
  function promtool(resolved: ResolvedEnvironment): { status: number | null; output: string } {
    const bin = requireBinary('promtool', 'prometheus');
    const only: ResolvedEnvironment = { ...resolved, groups: resolved.groups.filter((g) => g.alerts.some((a) => a.family === SYNTHETICS_FAMILY)) };
    const dir = tempDir('deltacrown-synthetics-promtool-');
    fs.writeFileSync(path.join(dir, 'rules.yml'), toYaml(renderRuleGroups(only)));
    let output = '';
    let status: number | null = 0;
    for (const [interval, file] of renderPromtoolTests(only, 'rules.yml')) {
      const f = path.join(dir, `every-${interval}.test.yml`);
      fs.writeFileSync(f, toYaml(file));
      const r = spawnSync(bin, ['test', 'rules', f], { cwd: dir, encoding: 'utf8' });
      output += r.stdout + r.stderr;
      if (r.status !== 0) status = r.status;
    }
    return { status, output };
  }

  it.each(ENVS)('%s: promtool passes every example', (env) => {
    const r = promtool(resolveEnvironment(catalog, env));
    expect({ status: r.status, output: r.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('the examples catch a rule that pages on one failed run (promtool fails)', () => {
    const r = resolveEnvironment(catalog, 'production');
    const broken = { ...r, groups: r.groups.map((g) => ({ ...g, alerts: g.alerts.map((a) => (a.family === SYNTHETICS_FAMILY ? { ...a, for: '0s' } : a)) })) };
    const out = promtool(broken);
    expect(out.status).not.toBe(0);
    expect(out.output).toMatch(/DeltaCrownSyntheticCheckCritical/);
  });

  it('the examples catch a rule that pages on one failing probe location (promtool fails)', () => {
    const r = resolveEnvironment(catalog, 'production');
    const broken = {
      ...r,
      groups: r.groups.map((g) => ({ ...g, alerts: g.alerts.map((a) => (a.family === SYNTHETICS_FAMILY ? { ...a, expr: a.expr.replace(/>= 2$/, '>= 1') } : a)) })),
    };
    const out = promtool(broken);
    expect(out.status).not.toBe(0);
    expect(out.output).toMatch(/DeltaCrownSyntheticCheck(Critical|High)/);
  });
});

describe('Grafana Synthetic Monitoring checks', () => {
  it.each(ENVS)('%s: one HTTP check per catalog check, with the catalog’s semantics', (env) => {
    const checks = resolveChecks(catalog, env);
    const sm = renderSmChecks(checks, env);
    expect(sm.map((c) => c.job)).toEqual(checks.map((c) => c.name));
    for (const [i, c] of checks.entries()) {
      expect(sm[i]).toEqual({
        job: c.name,
        target: c.url,
        probeNames: c.probes,
        frequency: c.frequencySeconds * 1000,
        timeout: c.timeoutSeconds * 1000,
        labels: { environment: env, service: c.service },
        http: {
          method: c.method,
          validStatusCodes: c.validStatusCodes,
          ...(c.bodyRegex ? { failIfBodyNotMatchesRegexp: [c.bodyRegex] } : {}),
          failIfNotSsl: true,
          ipVersion: 'V4',
        },
      });
    }
  });

  it('keeps labels within the provider’s limits (≤ 5, names and values ≤ 32 bytes)', () => {
    for (const env of ENVS) {
      for (const c of renderSmChecks(resolveChecks(catalog, env), env)) {
        const labels = Object.entries(c.labels);
        expect(labels.length).toBeLessThanOrEqual(SM_LABEL_LIMITS.maxLabels);
        for (const [k, v] of labels) {
          expect(Buffer.byteLength(k)).toBeLessThanOrEqual(SM_LABEL_LIMITS.maxBytes);
          expect(Buffer.byteLength(v)).toBeLessThanOrEqual(SM_LABEL_LIMITS.maxBytes);
          expect(v.length).toBeGreaterThan(0);
          expect(k).toMatch(SM_LABEL_LIMITS.name);
        }
      }
    }
  });
});

describe('blackbox_exporter export', () => {
  it.each(ENVS)('%s: one http module per check with the same semantics (method, codes, body regex, timeout, IPv4)', (env) => {
    const checks = resolveChecks(catalog, env);
    const { modules } = renderBlackboxConfig(checks);
    expect(Object.keys(modules)).toEqual(checks.map((c) => c.name));
    for (const c of checks) {
      expect(modules[c.name]).toEqual({
        prober: 'http',
        timeout: c.timeout,
        http: {
          method: c.method,
          valid_status_codes: c.validStatusCodes,
          ...(c.bodyRegex ? { fail_if_body_not_matches_regexp: [c.bodyRegex] } : {}),
          fail_if_not_ssl: true,
          preferred_ip_protocol: 'ip4',
          ip_protocol_fallback: false,
        },
      });
    }
  });

  it('npm run export writes <env>/synthetics/blackbox.yml and targets.yml for every environment', () => {
    const files = renderExport(catalog);
    for (const env of ENVS) {
      const blackbox = parse(files.get(`${env}/synthetics/blackbox.yml`)!);
      expect(Object.keys(blackbox.modules)).toHaveLength(4);
      const targets = parse(files.get(`${env}/synthetics/targets.yml`)!);
      expect(targets).toEqual(
        resolveChecks(catalog, env).map((c) => ({ targets: [`${catalog.synthetics!.base_urls[env]}${c.path}`], labels: { job: c.name, service: c.service, __param_module: c.name } })),
      );
      expect(files.get(`${env}/synthetics/targets.yml`)).toMatch(/^# Generated from the catalog/);
    }
  });

  it('points every check at another base URL with --synthetics-base-url (plain HTTP: no TLS requirement)', () => {
    const out = tempDir('deltacrown-export-');
    const r = runCommand('bin/export', ['--out', out, '--catalog', FIXTURE_ALERTS, '--env', 'staging', '--synthetics-base-url', 'http://127.0.0.1:18080/']);
    expect(r.status).toBe(0);
    const targets = parse(fs.readFileSync(path.join(out, 'staging', 'synthetics', 'targets.yml'), 'utf8'));
    expect(targets.map((t: { targets: string[] }) => t.targets[0])).toEqual(RUNBOOK_PATHS.map((p) => `http://127.0.0.1:18080${p}`));
    const blackbox = parse(fs.readFileSync(path.join(out, 'staging', 'synthetics', 'blackbox.yml'), 'utf8'));
    for (const m of Object.values<{ http: Record<string, unknown> }>(blackbox.modules)) expect(m.http.fail_if_not_ssl).toBeUndefined();
    expect(fs.existsSync(path.join(out, 'production'))).toBe(false);
  });

  it('writes nothing for a catalog without synthetic checks', () => {
    const dir = copyCatalog();
    fs.rmSync(path.join(dir, 'synthetics'), { recursive: true });
    fs.rmSync(path.join(dir, 'rules', 'synthetics.yml'));
    edit(dir, 'dashboards.yml', 'families: [synthetic-checks]', 'families: []');
    withoutScenarios(dir);
    const files = renderExport(loadCatalog(dir));
    expect([...files.keys()].filter((f) => f.includes('synthetics/'))).toEqual([]);
    expect(writeFiles(new Map(), tempDir())).toEqual([]);
  });
});

describe('a check that sends a request body (POST, headers, body)', () => {
  const post = loadCatalog(catalogWithPostCheck());

  it.each(ENVS)('%s: resolves with its method, headers and body; the other checks send none', (env) => {
    const checks = resolveChecks(post, env);
    const chk = checks.find((c) => c.name === POST_CHECK.name)!;
    expect(chk).toMatchObject({
      method: 'POST',
      url: `${post.synthetics!.base_urls[env]}${POST_CHECK.path}`,
      headers: { 'Content-Type': POST_CHECK.contentType, 'X-DeltaCrown-Synthetic': POST_CHECK.marker },
      body: POST_CHECK.body,
    });
    for (const c of checks.filter((x) => x.name !== POST_CHECK.name)) {
      expect(c.body).toBeUndefined();
      expect(c.headers).toBeUndefined();
    }
  });

  it('Synthetic Monitoring: settings.http method, body and headers as `Name: value` (provider schema: body string, headers set of strings)', () => {
    const sm = renderSmChecks(resolveChecks(post, 'production'), 'production').find((c) => c.job === POST_CHECK.name)!;
    expect(sm.http).toEqual({
      method: 'POST',
      headers: [`Content-Type: ${POST_CHECK.contentType}`, `X-DeltaCrown-Synthetic: ${POST_CHECK.marker}`],
      body: POST_CHECK.body,
      validStatusCodes: [200],
      failIfBodyNotMatchesRegexp: ['"deleted"\\s*:\\s*true'],
      failIfNotSsl: true,
      ipVersion: 'V4',
    });
  });

  it('blackbox_exporter: an http module with method POST, the headers and the body', () => {
    const { modules } = renderBlackboxConfig(resolveChecks(post, 'staging'));
    expect(modules[POST_CHECK.name].http).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': POST_CHECK.contentType, 'X-DeltaCrown-Synthetic': POST_CHECK.marker },
      body: POST_CHECK.body,
    });
    // The GET checks' modules are unchanged: no headers, no body.
    expect(modules['deltacrown-health'].http).not.toHaveProperty('body');
    expect(modules['deltacrown-health'].http).not.toHaveProperty('headers');
  });

  it('is covered like every check: its probe alert and the absence alert of its results select it', () => {
    const alerts = allAlerts(resolveEnvironment(post, 'production'));
    const probe = alerts.filter((a) => a.family === SYNTHETICS_FAMILY && selectedChecks(a.expr, [POST_CHECK.name])?.length);
    expect(probe.map((a) => a.name)).toEqual(['DeltaCrownSyntheticCheckHigh']);
    const absence = alerts.filter((a) => a.name === 'DeltaCrownSyntheticResultsAbsent' && selectedChecks(a.expr, [POST_CHECK.name])?.length);
    expect(absence).toHaveLength(1);
  });

  it('added without alerts, it is rejected twice at its name: no probe alert, no absence alert', () => {
    const dir = copyCatalog();
    const text = appendPostCheck(dir);
    const errors = loadErrors(dir);
    const line = positionOf(text, `name: ${POST_CHECK.name}`).line;
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`uptime_checks\\.yml:${line}:\\d+: checks\\[4\\]\\.name: no alert of family synthetic-checks selects check '${POST_CHECK.name}'`)),
      expect.stringMatching(new RegExp(`uptime_checks\\.yml:${line}:\\d+: checks\\[4\\]\\.name: no liveness alert \\(liveness: \\[synthetic-monitoring\\]\\) selects check '${POST_CHECK.name}'`)),
    ]);
  });
});

describe('uptime_checks.yml validation', () => {
  const FILE = 'synthetics/uptime_checks.yml';
  const cases: [string, string, (dir: string) => string, string, string][] = [
    [
      'an environment without a base URL',
      FILE,
      (dir) => edit(dir, FILE, /\n  staging: https:\/\/staging\.deltacrown\.example\.com/, ''),
      'production: https',
      "base_urls: missing base URL for environment 'staging'",
    ],
    [
      'an unknown environment',
      FILE,
      (dir) => edit(dir, FILE, '  staging: https://staging', '  stagin: https://staging'),
      'stagin:',
      "base_urls.stagin: unknown environment 'stagin'",
    ],
    ['an unknown service', FILE, (dir) => edit(dir, FILE, /service: deltacrown-api\n    path: \/api\/transactions/, 'service: deltacrown-payments\n    path: /api/transactions'), 'deltacrown-payments', "checks[1].service: unknown service 'deltacrown-payments'"],
    ['a timeout as long as the frequency', FILE, (dir) => edit(dir, FILE, '    timeout: 3s', '    timeout: 1m'), 'timeout: 1m', 'checks[0].timeout: expected a timeout shorter than the frequency 1m'],
    ['fewer than three probe locations', FILE, (dir) => edit(dir, FILE, 'probes: [Frankfurt, London, NorthVirginia]', 'probes: [Frankfurt, London]'), '[Frankfurt, London]', 'defaults.probes: expected at least 3 items'],
    ['a probe location twice', FILE, (dir) => edit(dir, FILE, 'probes: [Frankfurt, London, NorthVirginia]', 'probes: [Frankfurt, London, London]'), '[Frankfurt, London, London]', 'defaults.probes: probe "London" is listed twice'],
    ['a body regex RE2 rejects', FILE, (dir) => edit(dir, FILE, `body_regex: '"items"\\s*:\\s*\\['`, `body_regex: '(?="items")'`), `'(?="items")'`, 'checks[2].body_regex: RE2 (Synthetic Monitoring, blackbox_exporter) does not support lookaround'],
    ['an invalid body regex', FILE, (dir) => edit(dir, FILE, `body_regex: '"items"\\s*:\\s*\\['`, `body_regex: '(unclosed'`), `'(unclosed'`, 'checks[2].body_regex: invalid regular expression'],
    ['a duplicate check name', FILE, (dir) => edit(dir, FILE, 'name: deltacrown-shop-items', 'name: deltacrown-transactions'), 'deltacrown-transactions\n    description: The shop', "checks[2].name: duplicate check name 'deltacrown-transactions'"],
    ['an invalid status code', FILE, (dir) => edit(dir, FILE, 'valid_status_codes: [200]', 'valid_status_codes: [700]'), '700', 'defaults.valid_status_codes[0]: expected a number ≤ 599, got 700'],
    ['a path without its slash', FILE, (dir) => edit(dir, FILE, 'path: /health', 'path: health'), 'path: health', 'checks[0].path: expected a URL path such as /health'],
    [
      'a check no alert selects',
      FILE,
      (dir) => {
        edit(dir, 'rules/synthetics.yml', 'deltacrown-shop-items|deltacrown-moderation-ping', 'deltacrown-moderation-ping');
        return fs.readFileSync(path.join(dir, FILE), 'utf8');
      },
      'name: deltacrown-shop-items',
      "checks[2].name: no alert of family synthetic-checks selects check 'deltacrown-shop-items'",
    ],
    [
      'a check two alerts select',
      FILE,
      (dir) => {
        edit(dir, 'rules/synthetics.yml', 'deltacrown-shop-items|deltacrown-moderation-ping', 'deltacrown-shop-items|deltacrown-moderation-ping|deltacrown-health');
        return fs.readFileSync(path.join(dir, FILE), 'utf8');
      },
      'name: deltacrown-health',
      "checks[0].name: check 'deltacrown-health' is selected by 2 alerts (DeltaCrownSyntheticCheckCritical, DeltaCrownSyntheticCheckHigh)",
    ],
    [
      'an alert that pages on the first failed run',
      'rules/synthetics.yml',
      (dir) => edit(dir, 'rules/synthetics.yml', '    for: 1m\n', '    for: 30s\n'),
      'for: 30s',
      "families[0].for: alert DeltaCrownSyntheticCheckCritical waits 30s, but check 'deltacrown-health' runs every 1m",
    ],
    [
      'an alert selecting no check',
      'rules/synthetics.yml',
      (dir) => edit(dir, 'rules/synthetics.yml', 'job=~"deltacrown-shop-items|deltacrown-moderation-ping"', 'job=~"deltacrown-shop|deltacrown-ping"'),
      'count by (job, instance) (probe_success{job=~"deltacrown-shop',
      'families[0].alerts[1].expr: selects no check of synthetics/uptime_checks.yml',
    ],
  ];

  /** The POST check added with `over` and covered by its alerts; the new file text. */
  const withPost = (over: Parameters<typeof appendPostCheck>[1]) => (dir: string) => {
    const text = appendPostCheck(dir, over);
    coverPostCheck(dir);
    return text;
  };
  cases.push(
    ['a body with the default method (GET)', FILE, withPost({ method: '' }), `body: ${POST_CHECK.body}`, 'checks[4].body: a request body needs method POST or PUT, got GET (the default)'],
    ['a body with method GET', FILE, withPost({ method: 'GET' }), 'method: GET\n    headers:', 'checks[4].method: a request body needs method POST or PUT, got GET'],
    ['a body without a Content-Type header', FILE, withPost({ headers: '\n      X-DeltaCrown-Synthetic: upload-smoke' }), `body: ${POST_CHECK.body}`, "checks[4].body: a request body needs a 'Content-Type' header"],
    [
      'a header given twice in different case',
      FILE,
      withPost({ headers: '\n      Content-Type: text/plain\n      content-type: text/plain' }),
      'content-type: text/plain',
      "checks[4].headers.content-type: header 'content-type' is also given as 'Content-Type' (header names are case-insensitive)",
    ],
    ['a header name with a space', FILE, withPost({ headers: '\n      Content-Type: text/plain\n      X Synthetic: yes' }), 'X Synthetic: yes', 'checks[4].headers.X Synthetic: expected an HTTP header name such as Content-Type'],
    [
      'a header value with a line break (header injection)',
      FILE,
      withPost({ headers: '\n      Content-Type: "text/plain\\r\\nX-Injected: 1"' }),
      'Content-Type: "text/plain',
      'checks[4].headers.Content-Type: expected a header value on one line (no line breaks)',
    ],
    ['an empty body', FILE, withPost({ body: '""' }), 'body: ""', 'checks[4].body: expected a non-empty string'],
  );

  it.each(cases)('reports %s at its line', (_what, file, mutate, at, message) => {
    const dir = copyCatalog();
    const text = mutate(dir);
    const errors = loadErrors(dir);
    const found = errors.find((e) => e.includes(message));
    expect({ errors, found: found !== undefined }).toEqual({ errors, found: true });
    expect(found).toContain(`${file}:${positionOf(text, at).line}:`);
  });

  it('reports a catalog whose checks no alert family covers', () => {
    const dir = copyCatalog();
    fs.rmSync(path.join(dir, 'rules', 'synthetics.yml'));
    edit(dir, 'dashboards.yml', 'families: [synthetic-checks]', 'families: []');
    withoutScenarios(dir);
    expect(loadErrors(dir)).toEqual([expect.stringMatching(/uptime_checks\.yml:\d+:\d+: checks: no alert family 'synthetic-checks' in rules\/\*\.yml/)]);
  });
});
