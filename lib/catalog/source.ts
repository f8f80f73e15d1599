/**
 * A parsed YAML file that remembers where every value came from, so that any problem found later (schema,
 * cross-check, PromQL syntax) can be reported at its `line:column`.
 */
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { CatalogIssue, formatPath } from './errors';

export type FieldPath = readonly (string | number)[];

/**
 * Parsed documents by their text: a process that loads copies of one catalog (the tests, a review of base and head)
 * parses each distinct file once. Documents are only read after parsing, never changed. Bounded, oldest out first.
 */
const parsed = new Map<string, { doc: Document; lines: LineCounter }>();
const PARSED_MAX = 256;

function parseOnce(text: string): { doc: Document; lines: LineCounter } {
  let p = parsed.get(text);
  if (!p) {
    const lines = new LineCounter();
    p = { doc: parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true }), lines };
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, p);
  }
  return p;
}

export class SourceFile {
  readonly doc: Document;
  private readonly lines: LineCounter;

  /**
   * @param name path shown in messages (relative, e.g. `alerts/catalog.yml`)
   * @param text the file's contents
   */
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    ({ doc: this.doc, lines: this.lines } = parseOnce(text));
  }

  /** YAML syntax errors, located. */
  syntaxIssues(): CatalogIssue[] {
    return this.doc.errors.map((e) => {
      const { line, col } = this.lines.linePos(e.pos[0]);
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { file: this.name, line, column: col, field: '', message: `invalid YAML: ${message}` };
    });
  }

  /** The file as plain data. */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** The value node at `path`, or the nearest existing ancestor. */
  nodeAt(path: FieldPath): YamlNode | undefined {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      let next: unknown;
      if (isMap(node)) next = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key)?.value;
      else if (isSeq(node) && typeof key === 'number') next = node.items[key];
      if (next === undefined || next === null) break;
      node = next;
    }
    return (node ?? undefined) as YamlNode | undefined;
  }

  /** The key node of the last element of `path` (for unknown fields), if there is one. */
  keyAt(path: FieldPath, key: string): YamlNode | undefined {
    const parent = this.nodeAt(path);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    return (pair?.key ?? undefined) as YamlNode | undefined;
  }

  /** Line and column (1-based) of a character offset into the file. */
  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** An issue located at the value of `path` (or at the nearest existing ancestor). */
  issue(path: FieldPath, message: string, node?: YamlNode): CatalogIssue {
    const n = node ?? this.nodeAt(path);
    const offset = n?.range?.[0] ?? 0;
    return { file: this.name, ...this.position(offset), field: formatPath(path), message };
  }

  /**
   * An issue at a character offset *inside* the string value at `path` (a PromQL syntax error, say), located
   * where that character is written in the file — in plain, quoted (`"…"`, `'…'`) and block scalars (`|`, `>`)
   * alike, on any of their lines. An offset at or past the end of the value's text (an expression that ends too
   * early) points just after its last character, not at the next key.
   */
  issueInValue(path: FieldPath, valueOffset: number, message: string): CatalogIssue {
    const at = this.positionInValue(path, valueOffset);
    return at ? { file: this.name, ...at, field: formatPath(path), message } : this.issue(path, message);
  }

  /** Line and column of a character of the string value at `path`; undefined when there is no such scalar. */
  positionInValue(path: FieldPath, valueOffset: number): { line: number; column: number } | undefined {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range || typeof node.value !== 'string') return undefined;
    const value = node.value;
    const map = this.valueOffsets(node, value);
    const end = value.trimEnd().length;
    const offset = end === 0 ? node.range[0] : valueOffset >= end ? map[end - 1] + 1 : map[Math.max(0, valueOffset)];
    return this.position(offset);
  }

  /**
   * The file offset of every character of a scalar's value, found by walking its source text alongside the value:
   * a character written as is matches itself; what YAML adds or removes — indentation, folded line breaks, a
   * block header, quotes, escapes (`\"`, `''`) — is stepped over.
   */
  private valueOffsets(node: Scalar, value: string): number[] {
    const [start, end] = node.range!;
    const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    let j = block ? this.text.indexOf('\n', start) + 1 : start + (quoted ? 1 : 0);
    const out: number[] = [];
    for (const ch of value) {
      if (this.text[j] !== ch && !(/\s/.test(ch) && /\s/.test(this.text[j] ?? ''))) {
        let k = j;
        while (k < end && this.text[k] !== ch) k++;
        if (k < end) j = k;
      }
      // One entry per UTF-16 unit, as offsets into the value count them.
      for (let u = 0; u < ch.length; u++) out.push(j + u);
      j += ch.length;
    }
    return out;
  }
}
