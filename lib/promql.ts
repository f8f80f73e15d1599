/**
 * PromQL syntax checks with the real PromQL grammar (`@prometheus-io/lezer-promql`, the parser of the
 * Prometheus UI). Used at catalog load time so a typo is reported at its position in the YAML file.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** A vector selector found in an expression: metric name (if any) and the label names it matches on. */
export interface Selector {
  metric?: string;
  labels: string[];
  /** Offset of the selector in the expression (characters). */
  from: number;
}

export interface PromqlParse {
  /**
   * The first syntax error: offset into the expression and a message; undefined when the expression parses.
   * `opened` is the offset of the bracket an error at the end of the expression leaves unclosed.
   */
  readonly error?: { offset: number; message: string; opened?: number };
  readonly selectors: readonly Selector[];
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const BRACKET: Record<string, string> = { '(': 'parenthesis', ')': 'parenthesis', '[': 'bracket', ']': 'bracket', '{': 'brace', '}': 'brace' };

/**
 * The first unbalanced bracket of an expression, named as Prometheus's own lexer names it ("unclosed left
 * parenthesis", "unexpected right bracket"), or an unterminated string. Strings and `#` comments are skipped.
 * The grammar only sees that the expression ends too early; this says which bracket is open and where.
 */
export function bracketError(expr: string): PromqlParse['error'] {
  const open: { ch: string; at: number }[] = [];
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === '#') {
      const nl = expr.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== ch) j += ch !== '`' && expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) return { offset: i, message: 'unterminated quoted string' };
      i = j;
    } else if (ch in CLOSER) open.push({ ch, at: i });
    else if (ch === ')' || ch === ']' || ch === '}') {
      const top = open.pop();
      if (!top) return { offset: i, message: `unexpected right ${BRACKET[ch]} '${ch}': no left ${BRACKET[ch]} is open here` };
      if (CLOSER[top.ch] !== ch) {
        return { offset: i, message: `unexpected right ${BRACKET[ch]} '${ch}'; expected '${CLOSER[top.ch]}' to close the left ${BRACKET[top.ch]} first`, opened: top.at };
      }
    }
  }
  const top = open.pop();
  return top && { offset: expr.trimEnd().length, message: `unexpected end of expression: unclosed left ${BRACKET[top.ch]}`, opened: top.at };
}

/**
 * Parses one PromQL expression; reports its first syntax error and the selectors it uses. `shown` is the text
 * error messages quote, when `expr` stands in for it character for character (placeholders replaced).
 */
export function parsePromql(expr: string, shown: string = expr): PromqlParse {
  // Catalogs repeat expressions (one family per service, the same `$services` template): parse each text once.
  const key = `${expr}\0${shown}`;
  let parsed = PARSED.get(key);
  if (!parsed) {
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(key, (parsed = parseUncached(expr, shown)));
  }
  return parsed;
}

const PARSED = new Map<string, PromqlParse>();
const PARSED_MAX = 20_000;

function parseUncached(expr: string, shown: string): PromqlParse {
  const tree = parser.parse(expr);
  let error: PromqlParse['error'];
  const selectors: Selector[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && !error) {
        const fn = /([a-zA-Z_][a-zA-Z0-9_]*)\s*$/.exec(expr.slice(0, n.from));
        if (expr.charAt(n.from) === '(' && fn) {
          error = { offset: n.from - fn[0].length, message: `unknown function '${fn[1]}'` };
          return;
        }
        const near = shown.slice(n.from, n.from + 12).split('\n')[0];
        error = {
          offset: n.from,
          message: n.from >= expr.trimEnd().length ? 'unexpected end of expression' : `unexpected '${near || shown.charAt(n.from)}'`,
        };
      }
      if (n.type.name === 'VectorSelector') {
        const sel: Selector = { labels: [], from: n.from };
        const node = n.node;
        const id = node.getChild('Identifier');
        if (id) sel.metric = expr.slice(id.from, id.to);
        const matchers = node.getChild('LabelMatchers');
        if (matchers) {
          for (let c = matchers.firstChild; c; c = c.nextSibling) {
            const name = c.getChild('LabelName') ?? c.getChild('QuotedLabelName');
            if (name) {
              const text = expr.slice(name.from, name.to).replace(/^"|"$/g, '');
              if (text === '__name__') {
                const value = c.getChild('StringLiteral');
                if (value) sel.metric = expr.slice(value.from + 1, value.to - 1);
              } else sel.labels.push(text);
            }
          }
        }
        selectors.push(sel);
      }
    },
  });
  // An unbalanced bracket is the error a reader looks for; the grammar alone would only say where it gave up.
  if (error) error = bracketError(expr) ?? error;
  return { error, selectors };
}
