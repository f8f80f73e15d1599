/**
 * A parsed YAML file that remembers where every value came from, so that any problem found later (schema,
 * cross-check, PromQL syntax) can be reported at its `line:column`.
 */
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { CatalogIssue, formatPath } from './errors';

export type FieldPath = readonly (string | number)[];

export class SourceFile {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  /**
   * @param name path shown in messages (relative, e.g. `alerts/catalog.yml`)
   * @param text the file's contents
   */
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, strict: true });
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
   * An issue at a character offset *inside* the string value at `path` (a PromQL syntax error, say).
   * Block scalars (`|`) map line by line; other scalars map from their first character.
   */
  issueInValue(path: FieldPath, valueOffset: number, message: string): CatalogIssue {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range) return this.issue(path, message);
    const start = node.range[0];
    const value = String(node.value);
    const before = value.slice(0, valueOffset);
    const lineInValue = before.split('\n').length - 1;
    const colInLine = before.length - (before.lastIndexOf('\n') + 1);
    let offset: number;
    if (node.type === Scalar.BLOCK_LITERAL) {
      // Header line (`|`), then content lines, all indented alike.
      const contentStart = this.text.indexOf('\n', start) + 1;
      const firstLine = this.text.slice(contentStart).split('\n')[0];
      const indent = firstLine.length - firstLine.trimStart().length;
      let lineStart = contentStart;
      for (let i = 0; i < lineInValue; i++) lineStart = this.text.indexOf('\n', lineStart) + 1;
      offset = lineStart + indent + colInLine;
    } else if (lineInValue === 0) {
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      offset = start + (quoted ? 1 : 0) + colInLine;
    } else {
      offset = start;
    }
    return { file: this.name, ...this.position(offset), field: formatPath(path), message };
  }
}
