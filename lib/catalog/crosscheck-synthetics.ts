/**
 * Cross-checks of `synthetics/uptime_checks.yml` against the rest of the catalog: a base URL for every
 * environment; unique check names of known services; timeouts and frequencies Synthetic Monitoring and
 * blackbox_exporter accept; body regexes that RE2 (Go) compiles; and the alert rules of family
 * `synthetic-checks` (rules/synthetics.yml): every check is selected by exactly one of them, by its `job`, and
 * each alert waits exactly one check period (`for` = frequency), so that it fires on the second consecutive
 * failed run and never on one. Every issue is located in its file.
 */
import { MatchOp, matches } from '../label-matchers';
import { parser } from '@prometheus-io/lezer-promql';
import { CatalogIssue } from './errors';
import type { Catalog } from './model';
import { BODY_METHODS } from './schema-synthetics';
import type { HttpMethod, SyntheticCheckSpec } from './schema-synthetics';
import { seconds } from '../duration';

/** The alert family of the synthetic checks' rules (rules/synthetics.yml); its runbook section has the same anchor. */
export const SYNTHETICS_FAMILY = 'synthetic-checks';

/** The metric the checks' alerts select on; `job` is the check name, `probe` the probe location. */
export const PROBE_SUCCESS = 'probe_success';

/** Synthetic Monitoring's limits, in seconds: frequency 1 s–1 h, timeout 1 s–180 s. */
const SM_FREQUENCY = { min: 1, max: 3600 };
const SM_TIMEOUT = { min: 1, max: 180 };

/** Regex features JavaScript accepts and RE2 (Synthetic Monitoring, blackbox_exporter) rejects. */
const NOT_RE2: [RegExp, string][] = [
  [/\(\?<?[=!]/, 'lookaround assertions ((?=…), (?!…), (?<=…), (?<!…))'],
  [/\\[1-9]/, 'backreferences (\\1 …)'],
  [/\(\?<[a-zA-Z]/, 'named groups written (?<name>…) (RE2 wants (?P<name>…))'],
];

export function crossCheckSynthetics(c: Catalog): CatalogIssue[] {
  const s = c.synthetics;
  const src = c.sources.synthetics;
  if (!s || !src) return [];
  const issues: CatalogIssue[] = [];
  const at = (path: (string | number)[], message: string) => issues.push(src.issue(path, message));

  const envs = c.catalog.environments.map((e) => e.name);
  for (const env of envs) {
    if (!s.base_urls[env]) at(['base_urls'], `missing base URL for environment '${env}'; expected one per environment: ${envs.join(', ')}`);
  }
  for (const [env, url] of Object.entries(s.base_urls)) {
    if (!envs.includes(env)) issues.push(src.issue(['base_urls', env], `unknown environment '${env}'; expected one of ${envs.join(', ')}`, src.keyAt(['base_urls'], env)));
    else if (!/^https?:\/\//.test(url)) at(['base_urls', env], `expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
    else if (/[?#]/.test(url)) at(['base_urls', env], 'expected a base URL without query or fragment (check paths are appended to it)');
  }

  const services = new Set(c.catalog.services.map((x) => x.name));
  const seen = new Map<string, number>();
  s.checks.forEach((chk, i) => {
    const here = ['checks', i];
    if (seen.has(chk.name)) at([...here, 'name'], `duplicate check name '${chk.name}' (also checks[${seen.get(chk.name)}])`);
    else seen.set(chk.name, i);
    if (!services.has(chk.service)) at([...here, 'service'], `unknown service '${chk.service}'; expected one of ${[...services].join(', ')}`);
    if (chk.body_regex !== undefined) checkRegex(chk.body_regex, (m) => at([...here, 'body_regex'], m));
    checkRequest(chk, s.defaults.method, (path, m) => at([...here, ...path], m), (key, m) => issues.push(src.issue([...here, 'headers', key], m, src.keyAt([...here, 'headers'], key))));
    checkUnique(chk.probes, 'probe', (m) => at([...here, 'probes'], m));
    checkUnique(chk.valid_status_codes, 'status code', (m) => at([...here, 'valid_status_codes'], m));
  });
  checkUnique(s.defaults.probes, 'probe', (m) => at(['defaults', 'probes'], m));
  checkUnique(s.defaults.valid_status_codes, 'status code', (m) => at(['defaults', 'valid_status_codes'], m));

  // Timing: within Synthetic Monitoring's limits, and a run ends before the next one starts.
  const timing = (path: (string | number)[], frequency: string, timeout: string) => {
    const f = seconds(frequency);
    const t = seconds(timeout);
    if (f < SM_FREQUENCY.min || f > SM_FREQUENCY.max) at([...path, 'frequency'], `expected a frequency between 1s and 1h (Synthetic Monitoring), got ${frequency}`);
    if (t < SM_TIMEOUT.min || t > SM_TIMEOUT.max) at([...path, 'timeout'], `expected a timeout between 1s and 180s (Synthetic Monitoring), got ${timeout}`);
    if (t >= f) at([...path, 'timeout'], `expected a timeout shorter than the frequency ${frequency}: a run must end before the next starts`);
  };
  timing(['defaults'], s.defaults.frequency, s.defaults.timeout);
  s.checks.forEach((chk, i) => {
    if (chk.frequency !== undefined || chk.timeout !== undefined) timing(['checks', i], chk.frequency ?? s.defaults.frequency, chk.timeout ?? s.defaults.timeout);
  });

  issues.push(...checkAlertCoverage(c));
  return issues;
}

/**
 * A request with a body: a method that carries one (POST, PUT) and a Content-Type saying what it is; no header named
 * twice (header names are case-insensitive, YAML keys are not).
 */
function checkRequest(
  chk: SyntheticCheckSpec,
  defaultMethod: HttpMethod,
  report: (path: (string | number)[], message: string) => void,
  reportKey: (key: string, message: string) => void,
): void {
  const method = chk.method ?? defaultMethod;
  const names = Object.keys(chk.headers ?? {});
  const seen = new Map<string, string>();
  for (const n of names) {
    const prev = seen.get(n.toLowerCase());
    if (prev !== undefined) reportKey(n, `header '${n}' is also given as '${prev}' (header names are case-insensitive)`);
    else seen.set(n.toLowerCase(), n);
  }
  if (chk.body === undefined) return;
  if (!BODY_METHODS.includes(method)) {
    report(chk.method !== undefined ? ['method'] : ['body'], `a request body needs method ${BODY_METHODS.join(' or ')}, got ${method}${chk.method === undefined ? ' (the default)' : ''}`);
  }
  if (!seen.has('content-type')) report(['body'], "a request body needs a 'Content-Type' header (headers: { Content-Type: … }) saying what it is");
}

function checkUnique(values: readonly (string | number)[] | undefined, what: string, report: (message: string) => void): void {
  const dup = values?.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) report(`${what} ${JSON.stringify(dup)} is listed twice`);
}

/** RE2 compatibility of a body regex: JavaScript compiles it, and it uses nothing RE2 lacks. */
function checkRegex(re: string, report: (message: string) => void): void {
  try {
    new RegExp(re);
  } catch (e) {
    report(`invalid regular expression: ${(e as Error).message}`);
    return;
  }
  for (const [pattern, what] of NOT_RE2) if (pattern.test(re)) report(`RE2 (Synthetic Monitoring, blackbox_exporter) does not support ${what}`);
}

/**
 * Every check is selected by exactly one alert of family `synthetic-checks`, and every such alert selects at least
 * one check; each alert waits one check period (`for` = the frequency of the checks it selects).
 */
function checkAlertCoverage(c: Catalog): CatalogIssue[] {
  const s = c.synthetics!;
  const src = c.sources.synthetics!;
  const issues: CatalogIssue[] = [];
  const names = s.checks.map((x) => x.name);
  const coveredBy = new Map<string, string[]>(names.map((n) => [n, []]));
  let families = 0;
  for (const { source, data } of c.ruleFiles) {
    data.families.forEach((f, fi) => {
      if (f.family !== SYNTHETICS_FAMILY) return;
      families++;
      f.alerts.forEach((a, ai) => {
        const at = ['families', fi, 'alerts', ai];
        if (a.expr === undefined) {
          issues.push(source.issue(at, `alerts of family ${SYNTHETICS_FAMILY} are conditions over ${PROBE_SUCCESS} ('expr'), not thresholds`));
          return;
        }
        const selected = selectedChecks(a.expr, names);
        if (selected === undefined) {
          issues.push(source.issue([...at, 'expr'], `expected a ${PROBE_SUCCESS}{job=…} selector naming the checks of synthetics/uptime_checks.yml`));
          return;
        }
        if (selected.length === 0) {
          issues.push(source.issue([...at, 'expr'], `selects no check of synthetics/uptime_checks.yml; expected job names among: ${names.join(', ')}`));
          return;
        }
        for (const n of selected) coveredBy.get(n)!.push(a.name);
        const waits = [a.for ?? f.for, ...Object.values(a.overrides ?? {}).map((o) => o.for).filter((x): x is string => x !== undefined)];
        for (const n of selected) {
          const chk = s.checks.find((x) => x.name === n)!;
          const frequency = chk.frequency ?? s.defaults.frequency;
          for (const w of waits) {
            if (seconds(w) !== seconds(frequency)) {
              issues.push(
                source.issue(
                  a.for !== undefined ? [...at, 'for'] : ['families', fi, 'for'],
                  `alert ${a.name} waits ${w}, but check '${n}' runs every ${frequency}: expected for: ${frequency} (fire on the second consecutive failed run, never on one)`,
                ),
              );
            }
          }
        }
      });
    });
  }
  if (families === 0) {
    issues.push(src.issue(['checks'], `no alert family '${SYNTHETICS_FAMILY}' in rules/*.yml: a failing check would page nobody`));
    return issues;
  }
  s.checks.forEach((chk, i) => {
    const by = coveredBy.get(chk.name)!;
    if (by.length === 0) issues.push(src.issue(['checks', i, 'name'], `no alert of family ${SYNTHETICS_FAMILY} selects check '${chk.name}' (job="${chk.name}"): its failure would page nobody`));
    if (by.length > 1) issues.push(src.issue(['checks', i, 'name'], `check '${chk.name}' is selected by ${by.length} alerts (${by.join(', ')}); expected exactly one severity per check`));
  });
  return issues;
}

/**
 * The check names a PromQL expression selects through `probe_success{job…}`: undefined when it has no
 * probe_success selector with a `job` matcher. A selector selects a name when all its job matchers accept it.
 */
export function selectedChecks(expr: string, names: readonly string[]): string[] | undefined {
  const selectors: { op: string; value: string }[][] = [];
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (n) => {
      if (n.type.name !== 'VectorSelector') return;
      const node = n.node;
      const id = node.getChild('Identifier');
      if (!id || expr.slice(id.from, id.to) !== PROBE_SUCCESS) return;
      const matchers: { op: string; value: string }[] = [];
      const list = node.getChild('LabelMatchers');
      for (let m = list?.firstChild ?? null; m; m = m.nextSibling) {
        const name = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        if (!name || !op || !value || expr.slice(name.from, name.to) !== 'job') continue;
        matchers.push({ op: expr.slice(op.from, op.to), value: unquote(expr.slice(value.from, value.to)) });
      }
      if (matchers.length) selectors.push(matchers);
    },
  });
  if (selectors.length === 0) return undefined;
  return names.filter((name) => selectors.some((ms) => ms.every((m) => accepts(m, name))));
}

/** Whether a `job` matcher of the expression selects the check `name` (as Prometheus matches labels). */
function accepts(m: { op: string; value: string }, name: string): boolean {
  return (['=', '!=', '=~', '!~'] as string[]).includes(m.op) && matches({ name: 'job', op: m.op as MatchOp, value: m.value }, { job: name }, 'prometheus');
}

/** A PromQL string literal's value ("…", '…' or `…`). */
function unquote(literal: string): string {
  const q = literal.charAt(0);
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  if (q === '"') return JSON.parse(literal) as string;
  return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
}
