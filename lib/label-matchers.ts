/**
 * Label matchers as Prometheus and Alertmanager write them — `name="value"`, `name!="value"`, `name=~"regex"`,
 * `name!~"regex"` — and series selectors `metric{matcher, …}`: parsed, and matched against label sets the way both
 * do it (a missing label is the empty string; a regular expression is anchored at both ends; in Prometheus's
 * dialect `.` also matches a newline). The one matcher module of the project: the catalog's cross-checks, the
 * simulation, the Alertmanager model (lib/alertmanager-model.ts) and the backtest's PromQL rewriting use it.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** A parsed series selector: the metric name (if written before the braces) and the matchers (`__name__` included). */
export interface SeriesSelector {
  matchers: LabelMatcher[];
}

/** A label set; `__name__` holds a series' metric name. */
export type Labels = Readonly<Record<string, string>>;

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

export class MatcherSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset of the problem in the parsed text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'MatcherSyntaxError';
  }
}

/** A quoted string (`"…"` with Go escapes, or `'…'`) at `at`; its value and the offset after it. */
function quoted(text: string, at: number): { value: string; end: number } {
  const q = text[at];
  let value = '';
  let i = at + 1;
  for (; i < text.length && text[i] !== q; i++) {
    if (text[i] === '\\' && i + 1 < text.length) {
      const e = text[++i];
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
      if (e === 'x' || e === 'u') {
        const n = e === 'x' ? 2 : 4;
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 1 + n), 16));
        i += n;
      } else value += map[e] ?? e;
    } else value += text[i];
  }
  if (i >= text.length) throw new MatcherSyntaxError('unterminated quoted string', at);
  return { value, end: i + 1 };
}

/** One matcher starting at `at` (spaces skipped); `unquoted` accepts Alertmanager's bare values (`severity=critical`). */
function matcherAt(text: string, at: number, unquoted: boolean, stop: string): { matcher: LabelMatcher; end: number } {
  let i = at;
  while (text[i] === ' ') i++;
  const name = NAME.exec(text.slice(i))?.[0];
  if (!name) throw new MatcherSyntaxError('expected a label name', i);
  i += name.length;
  while (text[i] === ' ') i++;
  const op = (['=~', '!~', '!=', '='] as const).find((o) => text.startsWith(o, i));
  if (!op) throw new MatcherSyntaxError(`expected one of =, !=, =~, !~ after '${name}'`, i);
  i += op.length;
  while (text[i] === ' ') i++;
  let value: string;
  if (text[i] === '"' || text[i] === "'") {
    const q = quoted(text, i);
    value = q.value;
    i = q.end;
  } else if (unquoted) {
    let j = i;
    while (j < text.length && !stop.includes(text[j])) j++;
    value = text.slice(i, j).trim();
    i = j;
  } else throw new MatcherSyntaxError(`expected a quoted value after '${name}${op}'`, i);
  if (op === '=~' || op === '!~') {
    try {
      anchored(value);
    } catch (e) {
      throw new MatcherSyntaxError(`invalid regular expression '${value}': ${(e as Error).message}`, at);
    }
  }
  return { matcher: { name, op, value }, end: i };
}

/** A PromQL series selector: `metric`, `metric{a="b"}`, `{__name__=~"pg_.*"}`. Throws MatcherSyntaxError. */
export function parseSelector(text: string): SeriesSelector {
  const matchers: LabelMatcher[] = [];
  let i = 0;
  while (text[i] === ' ') i++;
  const metric = METRIC.exec(text.slice(i))?.[0];
  if (metric) {
    matchers.push({ name: '__name__', op: '=', value: metric });
    i += metric.length;
  }
  while (text[i] === ' ') i++;
  if (text[i] === '{') {
    i++;
    while (text[i] === ' ') i++;
    while (text[i] !== '}') {
      const m = matcherAt(text, i, false, ',}');
      matchers.push(m.matcher);
      i = m.end;
      while (text[i] === ' ') i++;
      if (text[i] === ',') {
        i++;
        while (text[i] === ' ') i++;
      } else if (text[i] !== '}') throw new MatcherSyntaxError(i >= text.length ? "expected '}'" : "expected ',' or '}'", i);
    }
    i++;
  } else if (!metric) throw new MatcherSyntaxError('expected a metric name or {', i);
  while (text[i] === ' ') i++;
  if (i < text.length) throw new MatcherSyntaxError(`unexpected '${text.slice(i, i + 12)}' after the selector`, i);
  if (matchers.length === 0) throw new MatcherSyntaxError('a selector needs at least one matcher', 0);
  return { matchers };
}

/** One Alertmanager matcher (`severity="critical"`, `severity=~"high|warning"`, `alertname=Watchdog`). */
export function parseMatcher(text: string): LabelMatcher {
  const m = matcherAt(text, 0, true, '');
  if (m.end < text.trimEnd().length) throw new MatcherSyntaxError(`unexpected '${text.slice(m.end)}' after the matcher`, m.end);
  return m.matcher;
}

/**
 * Whose regular expressions: Alertmanager compiles a matcher's as `^(?:re)$` (pkg/labels/matcher.go), Prometheus a
 * PromQL selector's as `^(?s:re)$` (model/labels/regexp.go: `.` also matches a newline).
 */
export type Dialect = 'alertmanager' | 'prometheus';

const regexCache: Record<Dialect, Map<string, RegExp>> = { alertmanager: new Map(), prometheus: new Map() };
/** A regular expression of `dialect` as JavaScript's, anchored at both ends. */
function anchored(re: string, dialect: Dialect = 'alertmanager'): RegExp {
  let r = regexCache[dialect].get(re);
  if (!r) {
    r = new RegExp(`^(?:${re})$`, dialect === 'prometheus' ? 's' : '');
    regexCache[dialect].set(re, r);
  }
  return r;
}

/** `s` as a literal inside a regular expression (JavaScript's, and RE2's as Prometheus and Alertmanager read them). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `value` satisfies one matcher, its regular expression read as `dialect` reads it. */
export function matchesValue(m: LabelMatcher, value: string, dialect: Dialect = 'alertmanager'): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return anchored(m.value, dialect).test(value);
    case '!~':
      return !anchored(m.value, dialect).test(value);
  }
}

/** Whether a label set satisfies one matcher (a missing label counts as ""). */
export function matches(m: LabelMatcher, labels: Labels, dialect: Dialect = 'alertmanager'): boolean {
  return matchesValue(m, labels[m.name] ?? '', dialect);
}

/** Whether a label set satisfies every matcher. */
export function matchesAll(ms: readonly LabelMatcher[], labels: Labels, dialect: Dialect = 'alertmanager'): boolean {
  return ms.every((m) => matches(m, labels, dialect));
}

/** A label set's identity: `a="1",b="2"` (names sorted, values quoted). */
export function labelsKey(l: Labels): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(',');
}

/** The metric name a selector fixes with `__name__="…"`, if any. */
export function selectorMetric(s: SeriesSelector): string | undefined {
  return s.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
}

/** `metric{a="1", b="2"}`: a series as promtool's input_series writes it (labels sorted, values escaped). */
export function seriesString(labels: Labels): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return rest.length ? `${name}{${rest.join(', ')}}` : name;
}
