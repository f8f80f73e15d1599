/**
 * What `npm run validate` catches that only `npm test` used to: dead runbook anchors, thresholds in the wrong
 * unit, PromQL syntax errors inside multi-line expressions — each located at `file:line:column` with its field
 * path and what was expected, all at once, nothing written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { renderExport } from '../lib/export';
import { formatIssue } from '../lib/catalog/errors';
import { catalogIssues, copyCatalog, edit, issueAt, positionOf, ROOT, runCommand, where } from './helpers';

describe('runbook anchors', () => {
  it('an alert family whose anchor is not a section of docs/runbook.md', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'rules/http.yml', 'runbook: http-5xx-ratio', 'runbook: http-5xx-rate');
    const issues = catalogIssues(dir);
    expect(issues).toHaveLength(1);
    const i = issueAt(issues, 'rules/http.yml', 'families[0].runbook');
    expect(where(i)).toEqual(positionOf(text, 'runbook: http-5xx-rate', 'runbook: '.length));
    expect(i.message).toBe("no section '#http-5xx-rate' in docs/runbook.md; expected one of its anchors, such as http-5xx-ratio");
  });

  it.each([
    ['an SLO', 'slos.yml', 'runbook: slo-burn-rate', 'runbook: slo-burn', 'slos[0].runbook', 'slo-burn-rate'],
    ['a guardrail alarm', 'guardrails.yml', 'runbook: s3-guardrails', 'runbook: s3', 's3.alarms[0].runbook', 's3-guardrails'],
    ['a dashboard', 'dashboards.yml', /runbook: moderation-gate-latency\n/, 'runbook: moderation-gate\n', 'dashboards[1].runbook', 'moderation-gate-latency'],
  ])('%s whose anchor is not a section', (_, file, from, to, field, hint) => {
    const dir = copyCatalog();
    const text = edit(dir, file, from, to);
    const anchor = to.trim().slice('runbook: '.length);
    const i = issueAt(catalogIssues(dir), file, field);
    expect(where(i)).toEqual(positionOf(text, to.trim(), 'runbook: '.length));
    expect(i.message).toBe(`no section '#${anchor}' in docs/runbook.md; expected one of its anchors, such as ${hint}`);
  });

  it('a heading of a code block in the runbook is no section (a shell comment is not an anchor)', () => {
    const dir = copyCatalog();
    const runbook = path.join(dir, '..', 'docs', 'runbook.md');
    fs.appendFileSync(runbook, '\n```bash\n# Extra section\necho\n```\n');
    const text = edit(dir, 'rules/http.yml', 'runbook: http-5xx-ratio', 'runbook: extra-section');
    const i = issueAt(catalogIssues(dir), 'rules/http.yml', 'families[0].runbook');
    expect(where(i)).toEqual(positionOf(text, 'extra-section'));
    fs.appendFileSync(runbook, '\n## Extra section\n');
    expect(() => loadCatalog(dir)).not.toThrow();
  });

  it('a repeated heading is reachable under its GitHub suffix (the second ### Symptoms is #symptoms-1)', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/http.yml', 'runbook: http-5xx-ratio', 'runbook: symptoms-1');
    expect(() => loadCatalog(dir)).not.toThrow();
  });

  it('a catalog without its runbook is reported, unless the check is skipped explicitly', () => {
    const dir = copyCatalog();
    const runbook = path.join(dir, '..', 'docs', 'runbook.md');
    fs.rmSync(runbook);
    const issues = catalogIssues(dir);
    expect(issues.map((i) => [i.file, i.line, i.column, i.field])).toEqual([[runbook, 1, 1, '']]);
    expect(issues[0].message).toMatch(/^runbook not found next to the catalog directory: .*expected the project's docs\/runbook\.md/);
    expect(() => loadCatalog(dir, { runbook: false })).not.toThrow();
    expect(() => loadCatalog(dir, { runbook: path.join(ROOT, 'docs', 'runbook.md') })).not.toThrow();
  });
});

/**
 * PromQL syntax errors, located on the line and column where they are written, whatever the YAML form of the
 * expression. `at` is the text the error must point at (`shift` characters further); `opened` the unclosed bracket.
 */
interface PromqlCase {
  name: string;
  file: string;
  from: string | RegExp;
  to: string;
  at: string;
  shift?: number;
  field: string;
  message: string;
  /** The unclosed bracket the message names: its text (first occurrence in the edited file) and shift. */
  opened?: [string, number];
}

const promqlCases: PromqlCase[] = [
  {
    name: 'block scalar (|): an unbalanced parenthesis is reported at the end of the expression, not at the next key',
    file: 'rules/http.yml',
    from: '          / (sum by (service) (rate(http_requests_total[5m])) >= 100 / 300)\n',
    to: '          / (sum by (service) (rate(http_requests_total[5m])) >= 100 / 300\n',
    at: '(rate(http_requests_total[5m])) >= 100 / 300\n',
    shift: '(rate(http_requests_total[5m])) >= 100 / 300'.length,
    field: 'families[0].signal.expr',
    message: 'PromQL syntax error: unexpected end of expression: unclosed left parenthesis',
    opened: ['/ (sum by (service) (rate(http_requests_total[5m])) >= 100 / 300\n', 2],
  },
  {
    name: 'block scalar (|): an error on its sixth line',
    file: 'rules/pods.yml',
    from: '            "service", "$1", "pod", "({{.services}})-.*"\n          )\n        for: 10m',
    to: '            "service", "$1", "pod" "({{.services}})-.*"\n          )\n        for: 10m',
    at: '"pod" "({{.services}})',
    shift: '"pod" '.length,
    field: 'families[0].alerts[0].expr',
    message: `PromQL syntax error: unexpected '"({{.service'`,
  },
  {
    name: 'folded block scalar (>): a parenthesis too many on its second line',
    file: 'rules/moderation.yml',
    from: /expr: \|\n(        sum by \(service\) \(rate\(moderation_cache_hits_total\[5m\]\)\)\n.*\[5m\]\)\)\)) > 0\)/,
    to: 'expr: >\n$1) > 0)',
    at: '[5m])))) > 0)',
    shift: '[5m])))) > 0'.length,
    field: 'families[0].signal.expr',
    message: "PromQL syntax error: unexpected right parenthesis ')': no left parenthesis is open here",
  },
  {
    name: 'plain scalar on one line: a parenthesis too many',
    file: 'rules/redis.yml',
    from: 'expr: sum(rate(redis_evicted_keys_total[5m])) * 60',
    to: 'expr: sum(rate(redis_evicted_keys_total[5m]))) * 60',
    at: '[5m]))) * 60',
    shift: '[5m]))'.length,
    field: 'families[0].signal.expr',
    message: "PromQL syntax error: unexpected right parenthesis ')': no left parenthesis is open here",
  },
  {
    name: 'plain scalar over two lines',
    file: 'rules/redis.yml',
    from: 'expr: sum(rate(redis_evicted_keys_total[5m])) * 60',
    to: 'expr: sum(rate(redis_evicted_keys_total[5m]))\n        * * 60',
    at: '* * 60',
    shift: 2,
    field: 'families[0].signal.expr',
    message: "PromQL syntax error: unexpected '* 60'",
  },
  {
    name: 'double-quoted scalar: an unclosed parenthesis',
    file: 'rules/redis.yml',
    from: 'expr: sum(rate(redis_evicted_keys_total[5m])) * 60',
    to: 'expr: "sum(rate(redis_evicted_keys_total[5m]) * 60"',
    at: '[5m]) * 60"',
    shift: '[5m]) * 60'.length,
    field: 'families[0].signal.expr',
    message: 'PromQL syntax error: unexpected end of expression: unclosed left parenthesis',
    opened: ['"sum(rate(redis', 4],
  },
  {
    name: "single-quoted scalar with an escaped quote (''): a bracket closed by a parenthesis",
    file: 'rules/database.yml',
    from: `expr: sum(pg_stat_activity_count{state="active"})`,
    to: `expr: 'sum(pg_stat_activity_count{state=''active''}[5m)'`,
    at: `[5m)'`,
    shift: 3,
    field: 'families[0].signal.expr',
    message: "PromQL syntax error: unexpected right parenthesis ')'; expected ']' to close the left bracket first",
    opened: [`[5m)'`, 0],
  },
  {
    name: 'SLI expression with the {{.window}} placeholder',
    file: 'slos.yml',
    from: 'errors: sum by (service) (rate(http_requests_total{service="deltacrown-api", code=~"5.."}[{{.window}}]))',
    to: 'errors: sum by (service) (rate(http_requests_total{service="deltacrown-api", code=~"5.."}[{{.window}}])',
    at: '[{{.window}}])\n',
    shift: '[{{.window}}])'.length,
    field: 'slos[0].sli.errors',
    message: 'PromQL syntax error: unexpected end of expression: unclosed left parenthesis',
    opened: ['errors: sum by (service) (', 'errors: sum by (service) '.length],
  },
];

describe('PromQL syntax errors are located inside the expression', () => {
  it.each(promqlCases)('$name', (c) => {
    const dir = copyCatalog();
    const text = edit(dir, c.file, c.from, c.to);
    const issues = catalogIssues(dir);
    const i = issueAt(issues, c.file, c.field);
    expect(where(i)).toEqual(positionOf(text, c.at, c.shift ?? 0));
    let message = c.message;
    if (c.opened) {
      const o = positionOf(text, c.opened[0], c.opened[1]);
      message += ` (opened at line ${o.line}, column ${o.column})`;
    }
    expect(i.message).toBe(message);
  });
});

/** The threshold of alert `name` in a rule file, written as it is in the catalog (bare `0.4` or `400ms` alike). */
const thresholdOf = (name: string) => new RegExp(`(name: ${name}\\n\\s+severity: \\w+\\n\\s+threshold: )\\S+`);

describe('thresholds in the unit of their signal', () => {
  it('a bare latency meant as milliseconds (400 on a seconds signal) is rejected, with the unit to write', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'rules/http.yml', thresholdOf('DeltaCrownHttpLatencyHigh'), '$1400');
    const issues = catalogIssues(dir);
    expect(issues.map(formatIssue)).toHaveLength(1);
    const i = issueAt(issues, 'rules/http.yml', 'families[2].alerts[0].threshold');
    expect(where(i)).toEqual(positionOf(text, 'threshold: 400\n', 'threshold: '.length));
    expect(i.message).toBe('400 on a seconds signal is 6.7 minutes; write 400ms if you meant milliseconds, or 400s if you mean 6.7 minutes (a bare number of seconds is at most 60)');
  });

  it('a bare number in an environment override is checked alike', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'rules/http.yml', thresholdOf('DeltaCrownHttpLatencyWarning'), '$&\n        overrides: { staging: { threshold: 300 } }');
    const i = issueAt(catalogIssues(dir), 'rules/http.yml', 'families[2].alerts[1].overrides.staging.threshold');
    expect(where(i)).toEqual(positionOf(text, 'threshold: 300 }', 'threshold: '.length));
    expect(i.message).toMatch(/^300 on a seconds signal is 5 minutes; write 300ms if you meant milliseconds, or 300s if you mean 5 minutes/);
  });

  it.each(['400ms', '0.4s', '400000us', '400000µs', '0.4'])('%s on a seconds signal is 400 ms', (written) => {
    const dir = copyCatalog();
    // Through a marker: the copy may already hold the threshold as written here.
    edit(dir, 'rules/http.yml', thresholdOf('DeltaCrownHttpLatencyHigh'), '$1<threshold>');
    edit(dir, 'rules/http.yml', '<threshold>', written);
    const a = allAlerts(resolveEnvironment(loadCatalog(dir), 'production')).find((x) => x.name === 'DeltaCrownHttpLatencyHigh')!;
    expect([a.threshold, a.thresholdText]).toEqual([0.4, '400ms']);
  });

  it('a long threshold written with its unit is meant (the bound only asks for the unit)', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/database.yml', thresholdOf('DeltaCrownDatabaseLongRunningQuery'), '$1300s');
    const a = allAlerts(resolveEnvironment(loadCatalog(dir), 'production')).find((x) => x.name === 'DeltaCrownDatabaseLongRunningQuery')!;
    expect(a.threshold).toBe(300);
  });

  it('a time on a signal that is not a time is rejected', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'rules/http.yml', thresholdOf('DeltaCrownHttp5xxRatioCritical'), '$15ms');
    const issues = catalogIssues(dir);
    expect(issues.map(formatIssue)).toHaveLength(1);
    const i = issueAt(issues, 'rules/http.yml', 'families[0].alerts[0].threshold');
    expect(where(i)).toEqual(positionOf(text, 'threshold: 5ms', 'threshold: '.length));
    expect(i.message).toBe("'5ms' is a time, but the signal is in ratio; expected a number in ratio (write 5 % as 0.05)");
  });

  it('a unit that is not one is rejected by the schema', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'rules/http.yml', thresholdOf('DeltaCrownHttpLatencyHigh'), '$1400 ms');
    const i = issueAt(catalogIssues(dir), 'rules/http.yml', 'families[2].alerts[0].threshold');
    expect(where(i)).toEqual(positionOf(text, 'threshold: 400 ms', 'threshold: '.length));
    expect(i.message).toBe('expected a number in the unit of the signal, or a time with its unit such as 400ms, 1.5s or 250us, got "400 ms"');
  });

  it('a time written with its unit renders exactly as the same time in bare seconds', () => {
    const dir = copyCatalog();
    const before = renderExport(loadCatalog(dir));
    // Rewrite every threshold of a signal in seconds in the other form: 0.4 ↔ 400ms.
    let rewritten = 0;
    for (const { source, data } of loadCatalog(dir).ruleFiles) {
      const doc = parseDocument(source.text);
      data.families.forEach((f, fi) =>
        f.alerts.forEach((a, ai) => {
          if ((a.signal ?? f.signal)?.unit !== 'seconds' || a.threshold === undefined) return;
          const at = ['families', fi, 'alerts', ai, 'threshold'];
          doc.setIn(at, typeof doc.getIn(at) === 'string' ? a.threshold : `${Math.round(a.threshold * 1e6) / 1e3}ms`);
          rewritten++;
        }),
      );
      fs.writeFileSync(path.join(dir, 'rules', path.basename(source.name)), doc.toString());
    }
    expect(rewritten).toBeGreaterThanOrEqual(4);
    expect(renderExport(loadCatalog(dir))).toEqual(before);
  });
});

describe('npm run validate (bin/validate.ts)', () => {
  const validate = (...args: string[]) => runCommand('bin/validate', args);
  /** Every file under a directory with its contents, to show that nothing was written. */
  const tree = (dir: string): Record<string, string> =>
    Object.fromEntries(
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
    );

  it('reports a dead runbook anchor, a threshold in the wrong unit and a PromQL error at once, located, and writes nothing', () => {
    const dir = copyCatalog();
    edit(dir, 'rules/redis.yml', 'runbook: redis-evictions', 'runbook: redis-eviction');
    const redis = edit(dir, 'rules/redis.yml', 'expr: sum(rate(redis_evicted_keys_total[5m])) * 60', 'expr: sum(rate(redis_evicted_keys_total[5m]) * 60');
    const http = edit(dir, 'rules/http.yml', thresholdOf('DeltaCrownHttpLatencyHigh'), '$1400');
    const files = tree(path.dirname(dir));

    const r = validate(dir);
    const at = (file: string, text: string, needle: string, shift = 0) => {
      const p = positionOf(text, needle, shift);
      return `${path.join(dir, file)}:${p.line}:${p.column}`;
    };
    const opened = positionOf(redis, 'sum(rate(redis_evicted', 3);
    expect(r.stderr.split('\n')).toEqual([
      `${at('rules/http.yml', http, 'threshold: 400\n', 'threshold: '.length)}: families[2].alerts[0].threshold: 400 on a seconds signal is 6.7 minutes; write 400ms if you meant milliseconds, or 400s if you mean 6.7 minutes (a bare number of seconds is at most 60)`,
      `${at('rules/redis.yml', redis, 'redis-eviction\n')}: families[0].runbook: no section '#redis-eviction' in docs/runbook.md; expected one of its anchors, such as redis-evictions`,
      `${at('rules/redis.yml', redis, '[5m]) * 60\n', '[5m]) * 60'.length)}: families[0].signal.expr: PromQL syntax error: unexpected end of expression: unclosed left parenthesis (opened at line ${opened.line}, column ${opened.column})`,
      'catalog invalid: 3 errors; nothing was written',
      '',
    ]);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
    expect(tree(path.dirname(dir))).toEqual(files);
  });

  it('reports a catalog without its runbook, and checks against the one --runbook names', () => {
    const dir = copyCatalog();
    const runbook = path.join(dir, '..', 'docs', 'runbook.md');
    fs.rmSync(runbook);
    const missing = validate(dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`^${runbook.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: runbook not found next to the catalog directory`));
    const named = validate(dir, '--runbook', path.join(ROOT, 'docs', 'runbook.md'));
    expect(named.stderr).toBe('');
    expect(named.status).toBe(0);
  });
});
