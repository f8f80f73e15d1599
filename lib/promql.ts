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
  /** The first syntax error: offset into the expression and a message; undefined when the expression parses. */
  error?: { offset: number; message: string };
  selectors: Selector[];
}

/** Parses one PromQL expression; reports its first syntax error and the selectors it uses. */
export function parsePromql(expr: string): PromqlParse {
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
        const near = expr.slice(n.from, n.from + 12).split('\n')[0];
        error = {
          offset: n.from,
          message: n.from >= expr.trimEnd().length ? 'unexpected end of expression' : `unexpected '${near || expr.charAt(n.from)}'`,
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
  return { error, selectors };
}
