/**
 * A parsed YAML file that remembers where every value came from, so that any problem found later (schema,
 * cross-check, PromQL syntax) can be reported at its `line:column`.
 *
 * Two parsers, one meaning: the data comes from js-yaml (YAML 1.2 core schema, duplicate keys rejected), which is
 * an order of magnitude faster on large rule files (its number forms narrowed to YAML 1.2's, below); the position-keeping `yaml` document is built only when a
 * problem has to be located or js-yaml rejects the text (then `yaml`'s own errors are reported). Both parse the
 * YAML 1.2 core schema; a test compares their data on every catalog file.
 */
import * as jsyaml from 'js-yaml';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { CatalogIssue, formatPath } from './errors';

/**
 * js-yaml's core schema reads a few forms as numbers that YAML 1.2's core schema (and `yaml`) keeps as strings:
 * `1_000`, `0b101`. These types resolve exactly the YAML 1.2 core forms and build the value as js-yaml does.
 */
type BuiltinType = jsyaml.Type & { tag: string; resolve(d: string): boolean; construct(d: string): unknown; predicate: ((o: object) => boolean) | null; represent: jsyaml.TypeConstructorOptions['represent'] | null; defaultStyle: string | null };
const builtin = (jsyaml as unknown as { types: Record<'null' | 'bool' | 'int' | 'float', BuiltinType> }).types;
const coreForm = (base: BuiltinType, forms: RegExp) =>
  new jsyaml.Type(base.tag, {
    kind: 'scalar',
    resolve: (d: string) => forms.test(d) && base.resolve(d),
    construct: base.construct,
    predicate: base.predicate ?? undefined,
    represent: base.represent ?? undefined,
    defaultStyle: base.defaultStyle ?? undefined,
  });
const CORE_1_2 = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    builtin.null,
    builtin.bool,
    coreForm(builtin.int, /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/),
    coreForm(builtin.float, /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/),
  ],
});

export type FieldPath = readonly (string | number)[];

export class SourceFile {
  private parsed?: Document;
  private lineCounter?: LineCounter;
  private data: { value: unknown } | undefined;

  /**
   * @param name path shown in messages (relative, e.g. `alerts/catalog.yml`)
   * @param text the file's contents
   */
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    try {
      this.data = { value: jsyaml.load(text, { schema: CORE_1_2, json: false, filename: name }) ?? null };
    } catch {
      this.data = undefined; // the `yaml` document reports (and locates) the problem, or reads what js-yaml did not
    }
  }

  /** The position-keeping document, parsed on first use. */
  get doc(): Document {
    if (!this.parsed) {
      this.lineCounter = new LineCounter();
      this.parsed = parseDocument(this.text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
    }
    return this.parsed;
  }

  /** Line starts of the text (filled while the document is parsed). */
  private get lines(): LineCounter {
    void this.doc;
    return this.lineCounter!;
  }

  /** YAML syntax errors, located. */
  syntaxIssues(): CatalogIssue[] {
    if (this.data && !this.parsed) return [];
    return this.doc.errors.map((e) => {
      const { line, col } = this.lines.linePos(e.pos[0]);
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { file: this.name, line, column: col, field: '', message: `invalid YAML: ${message}` };
    });
  }

  /** The file as plain data. */
  toJS(): unknown {
    this.data ??= { value: this.doc.toJS({ maxAliasCount: 100 }) };
    return this.data.value;
  }

  /** The plain value at `path` as written (before any schema transform), or undefined. */
  valueAt(path: FieldPath): unknown {
    let v: unknown = this.toJS();
    for (const key of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[key];
    }
    return v;
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
