/** One problem of a catalog, located in its YAML file (1-based line and column). */
export interface CatalogIssue {
  /** File path relative to the catalog directory's parent, e.g. `alerts/rules/http.yml`. */
  file: string;
  line: number;
  column: number;
  /** Field path inside the file, e.g. `families[0].alerts[1].threshold` (empty for the whole file). */
  field: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** Formats one issue as `file:line:column: field: message`. */
export function formatIssue(i: CatalogIssue): string {
  return `${i.file}:${i.line}:${i.column}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
}

/** Thrown by the loader with every issue of the catalog, sorted by file and position. */
export class CatalogError extends Error {
  constructor(readonly issues: CatalogIssue[]) {
    super(`${issues.length} catalog error${issues.length === 1 ? '' : 's'}:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'CatalogError';
  }
}

/** Formats a field path the way a reader of the YAML writes it: `a.b[2].c`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}
