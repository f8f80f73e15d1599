/**
 * PromQL rewriting for the backtest, on the real PromQL grammar (`@prometheus-io/lezer-promql`):
 *
 * - a recording rule the history lacks (a new record, or one whose expression changed) is evaluated from its
 *   expression: every selector of the record is replaced by the record's expression with the record's labels and
 *   name set (`label_replace`), filtered by the selector's other matchers; a range selector over the record
 *   (`rate(rec[5m])`) becomes a subquery at the record's evaluation interval, as Prometheus would have written it;
 * - the selectors an expression reads, each with the total offset it is read at, to check that the history holds
 *   their series over the range.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';
import { seconds } from '../duration';
import { escapeRegex, LabelMatcher, matchesValue, MatchOp } from '../label-matchers';
import type { RecordingRule } from './rules';


/** A vector selector as written: metric name (if any) and label matchers (a `__name__` matcher becomes the name). */
export interface ParsedSelector {
  metric?: string;
  matchers: LabelMatcher[];
}

/** A selector an expression reads, with the offset (s) its samples are read at (offsets of enclosing subqueries add up). */
export interface SelectorUse {
  /** The selector's text, as written. */
  selector: string;
  offsetS: number;
}

/** Unquotes a PromQL string literal ("…", '…' with Go escapes, `…` raw). */
export function unquote(lit: string): string {
  const q = lit[0];
  const body = lit.slice(1, -1);
  if (q === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

/** A PromQL double-quoted string literal of `s`. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/** Whether `value` satisfies a matcher of a PromQL selector (regexes anchored, `.` matching a newline, as Prometheus). */
function matches(m: LabelMatcher, value: string): boolean {
  return matchesValue(m, value, 'prometheus');
}

function parseSelectorNode(expr: string, node: SyntaxNode): ParsedSelector {
  const sel: ParsedSelector = { matchers: [] };
  const id = node.getChild('Identifier');
  if (id) sel.metric = expr.slice(id.from, id.to);
  const list = node.getChild('LabelMatchers');
  for (let c = list?.firstChild; c; c = c.nextSibling) {
    if (c.type.name === 'QuotedLabelName') {
      // `{"metric.name"}`: a quoted metric name.
      sel.metric = unquote(expr.slice(c.from, c.to));
      continue;
    }
    const nameNode = c.getChild('LabelName') ?? c.getChild('QuotedLabelName');
    const op = c.getChild('MatchOp');
    const value = c.getChild('StringLiteral');
    if (!nameNode || !op || !value) continue;
    const name = nameNode.type.name === 'LabelName' ? expr.slice(nameNode.from, nameNode.to) : unquote(expr.slice(nameNode.from, nameNode.to));
    const m: LabelMatcher = { name, op: expr.slice(op.from, op.to) as MatchOp, value: unquote(expr.slice(value.from, value.to)) };
    if (name === '__name__' && m.op === '=') sel.metric = m.value;
    else sel.matchers.push(m);
  }
  return sel;
}

/** Parses a single vector selector (`http_requests_total{code=~"5.."}`). */
export function parseSelector(text: string): ParsedSelector {
  let found: ParsedSelector | undefined;
  parser.parse(text).iterate({
    enter: (n) => {
      if (found) return false;
      if (n.type.name === 'VectorSelector') {
        found = parseSelectorNode(text, n.node);
        return false;
      }
      return undefined;
    },
  });
  if (!found) throw new Error(`not a selector: ${text}`);
  return found;
}

/** The syntax tree of `expr`, parsed once; throws at the first syntax error. */
function parsed(expr: string): Tree {
  const tree = parser.parse(expr);
  let bad: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && bad === undefined) bad = n.from;
    },
  });
  if (bad !== undefined) throw new Error(`PromQL syntax error at character ${bad + 1} of: ${expr}`);
  return tree;
}

/** Seconds of an offset's duration text (`1w`, `-1h`, `1h30m`). */
function offsetSeconds(text: string): number {
  const t = text.replace(/\s+/g, '');
  const neg = t.startsWith('-');
  const body = t.replace(/^[-+]/, '');
  const s = /^\d+(\.\d+)?$/.test(body) ? Number(body) : seconds(body);
  return neg ? -s : s;
}

const MODIFIERS = new Set(['MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr']);

/**
 * The expression a postfix modifier (`[5m]`, `[1h:1m]`, `offset`, `@`) applies to. In PromQL a modifier binds to
 * the primary expression right before it (`a / b offset 1d` is `a / (b offset 1d)`); the lezer grammar attaches it
 * to everything on its left (`(a / b) offset 1d`), so the target is the rightmost operand of that.
 */
function modifierTarget(node: SyntaxNode): SyntaxNode | null {
  let n = node.firstChild;
  while (n && (n.type.name === 'BinaryExpr' || n.type.name === 'UnaryExpr')) n = n.lastChild;
  return n;
}

/** Where an expression really starts: a modifier node starts where the expression it modifies does. */
function realFrom(node: SyntaxNode): number {
  const target = MODIFIERS.has(node.type.name) ? modifierTarget(node) : null;
  return target ? realFrom(target) : node.from;
}

const same = (a: SyntaxNode | null, b: SyntaxNode) => !!a && a.from === b.from && a.to === b.to && a.type === b.type;

/** The modifiers applied to `node` itself, innermost first (`rec[5m] offset 1w`: the range, then the offset). */
function directModifiers(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  let cur = node;
  for (let p = node.parent; p; p = p.parent) {
    if (MODIFIERS.has(p.type.name) && same(modifierTarget(p), cur)) {
      out.push(p);
      cur = p;
    }
  }
  return out;
}

/** Every selector `expr` reads, with its total offset; `@` selectors are left out (they read one fixed instant). */
export function selectorUses(expr: string): SelectorUse[] {
  const out: SelectorUse[] = [];
  parsed(expr).iterate({
    enter: (n) => {
      if (n.type.name !== 'VectorSelector') return undefined;
      let offsetS = 0;
      let pinned = false;
      for (let p = n.node.parent; p; p = p.parent) {
        if (p.type.name !== 'OffsetExpr' && p.type.name !== 'StepInvariantExpr') continue;
        // A modifier applies to the selector when the selector lies within the expression it modifies.
        const target = modifierTarget(p);
        if (!target || n.from < realFrom(target) || n.to > target.to) continue;
        if (p.type.name === 'StepInvariantExpr') pinned = true;
        const d = p.getChild('OffsetDurationExpr');
        if (d) offsetS += offsetSeconds(expr.slice(d.from, d.to));
      }
      if (!pinned) out.push({ selector: expr.slice(n.from, n.to), offsetS });
      return false;
    },
  });
  return out;
}

/** The replacement of `label_replace` expands `$1`/`${name}`: a literal `$` is written `$$`. */
function replacementLiteral(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

const MARK = 'backtest_match';

/** `e` filtered by a matcher on a label the expression's result carries (not a static label of the record). */
function filtered(e: string, m: LabelMatcher): string {
  const re = m.op === '=' || m.op === '!=' ? escapeRegex(m.value) : m.value;
  const marked = `label_replace(${e}, "${MARK}", "1", ${quote(m.name)}, ${quote(re)})`;
  const one = `label_replace(vector(1), "${MARK}", "1", "", "")`;
  const op = m.op === '=' || m.op === '=~' ? 'and' : 'unless';
  return `label_replace(${marked} ${op} on (${MARK}) ${one}, "${MARK}", "", "", "")`;
}

/** The series of recording rule `r` as its expression: labels and name set as Prometheus writes the record. */
function recordAsExpression(r: RecordingRule, body: string): string {
  let e = body;
  for (const [k, v] of Object.entries(r.labels).sort(([a], [b]) => a.localeCompare(b))) e = `label_replace(${e}, ${quote(k)}, ${quote(replacementLiteral(v))}, "", "")`;
  return `label_replace(${e}, "__name__", ${quote(replacementLiteral(r.record))}, "", "")`;
}

/**
 * The records of a selector's name that its matchers on the records' static labels accept, each with the matchers
 * left to apply to the expression's result (on labels the record does not set).
 */
function selectedRecords(sel: ParsedSelector, candidates: RecordingRule[]): { record: RecordingRule; dynamic: LabelMatcher[] }[] {
  const out: { record: RecordingRule; dynamic: LabelMatcher[] }[] = [];
  for (const r of candidates) {
    const dynamic: LabelMatcher[] = [];
    let excluded = false;
    for (const m of sel.matchers) {
      if (m.name === '__name__') excluded ||= !matches(m, r.record);
      else if (m.name in r.labels) excluded ||= !matches(m, r.labels[m.name]);
      else dynamic.push(m);
    }
    if (!excluded) out.push({ record: r, dynamic });
  }
  return out;
}

/** What the inlining needs to know. */
export interface InlineOptions {
  /** Every recording rule of the environment. */
  records: RecordingRule[];
  /** Whether a record is evaluated from its expression (true) or read from the history (false). */
  inline: (r: RecordingRule) => boolean;
}

const MAX_DEPTH = 16;

const BY_NAME = new WeakMap<readonly RecordingRule[], Map<string, RecordingRule[]>>();
/** The records by name (several records may share one), built once per list of records. */
function recordsByName(records: readonly RecordingRule[]): Map<string, RecordingRule[]> {
  let m = BY_NAME.get(records);
  if (!m) {
    m = new Map();
    for (const r of records) m.set(r.record, [...(m.get(r.record) ?? []), r]);
    BY_NAME.set(records, m);
  }
  return m;
}

/**
 * `expr` with every selector of a record that `opts.inline` picks replaced by the record's expression (recursively:
 * a record built on records is expanded down to what the history holds). A selector that names several records
 * (one per SLO, say) becomes their union; one whose static labels exclude every record selects nothing.
 */
export function inlineRecords(expr: string, opts: InlineOptions, depth = 0): string {
  if (depth > MAX_DEPTH) throw new Error(`recording rules nest deeper than ${MAX_DEPTH} levels (a cycle?) in: ${expr}`);
  const byName = recordsByName(opts.records);
  const edits: { from: number; to: number; text: string }[] = [];
  parsed(expr).iterate({
    enter: (n) => {
      if (n.type.name !== 'VectorSelector') return undefined;
      const sel = parseSelectorNode(expr, n.node);
      const candidates = sel.metric ? (byName.get(sel.metric) ?? []) : [];
      if (!candidates.length || !candidates.some(opts.inline)) return false;
      const pieces: string[] = [];
      for (const { record: r, dynamic } of selectedRecords(sel, candidates)) {
        let piece = recordAsExpression(r, inlineRecords(r.expr, opts, depth + 1));
        for (const m of dynamic) piece = filtered(piece, m);
        pieces.push(piece);
      }
      const sub = pieces.length === 0 ? 'vector(0) < 0' : pieces.length === 1 ? pieces[0] : pieces.map((p) => `(${p})`).join(' or ');
      const stepS = candidates[0].intervalS;
      const mods = directModifiers(n.node);
      const first = mods[0]?.type.name;
      if (first === 'MatrixSelector') {
        // rec{…}[5m] → (expression)[5m:<interval>]: the record's samples, one per evaluation (modifiers after stay).
        const range = mods[0].getChild('DurationExpr');
        edits.push({ from: n.from, to: mods[0].to, text: `(${sub})[${range ? expr.slice(range.from, range.to) : '1m'}:${stepS}s]` });
      } else if (first === 'OffsetExpr' || first === 'StepInvariantExpr') {
        // rec offset 1w → the last evaluation of the expression before that instant (offset/@ apply to subqueries only).
        let last = 0;
        while (last + 1 < mods.length && (mods[last + 1].type.name === 'OffsetExpr' || mods[last + 1].type.name === 'StepInvariantExpr')) last++;
        edits.push({ from: n.from, to: mods[last].to, text: `last_over_time((${sub})[${stepS}s:${stepS}s]${expr.slice(n.to, mods[last].to)})` });
      } else {
        edits.push({ from: n.from, to: n.to, text: `(${sub})` });
      }
      return false;
    },
  });
  let out = expr;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/** A selector of one recording rule's series: its name and static labels (`slo:sli_error:ratio_rate1h{slo="api"}`). */
export function recordSelector(r: RecordingRule): string {
  const labels = Object.entries(r.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${quote(v)}`);
  return labels.length ? `${r.record}{${labels.join(', ')}}` : r.record;
}

/** The recording rules `expr` reads, directly or through other records. */
export function recordsUsed(expr: string, records: RecordingRule[], depth = 0): RecordingRule[] {
  if (depth > MAX_DEPTH) throw new Error(`recording rules nest deeper than ${MAX_DEPTH} levels (a cycle?)`);
  const all = new Set<RecordingRule>();
  for (const u of selectorUses(expr)) {
    const sel = parseSelector(u.selector);
    const candidates = records.filter((r) => r.record === sel.metric);
    for (const { record } of selectedRecords(sel, candidates)) {
      if (all.has(record)) continue;
      all.add(record);
      for (const x of recordsUsed(record.expr, records, depth + 1)) all.add(x);
    }
  }
  return [...all];
}

/** Whitespace-insensitive form of an expression, for comparing base and head. */
export function normalizeExpr(expr: string): string {
  return expr.replace(/\s+/g, ' ').replace(/\s*([(){}[\],])\s*/g, '$1').trim();
}
