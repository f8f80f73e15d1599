/**
 * Loads a catalog directory (default `alerts/`), validates every file against its schema, runs the
 * cross-checks, and returns the typed model — or throws one `CatalogError` holding every problem found,
 * each located at `file:line:column`. Nothing here writes anything.
 */
import { closest } from './closest';
import * as fs from 'fs';
import * as path from 'path';
import { z, ZodIssue, ZodTypeAny } from 'zod';
import { CatalogError, CatalogIssue } from './errors';
import { SourceFile } from './source';
import { crossCheck } from './crosscheck';
import { crossCheckRunbook, Runbook } from './crosscheck-runbook';
import { checkDetectionBudgets } from './detection';
import { CATALOG_FILES, CatalogFileKind, Catalog } from './model';
import { markdownAnchors } from '../markdown';

/** Options of `loadCatalog`. */
export interface LoadOptions {
  /**
   * The runbook every runbook anchor of the catalog must be a section of (a path, relative to the working
   * directory), or `false` to skip that check — say so explicitly, for a catalog read without its project (the
   * base of a review). Default: `<dir>/../docs/runbook.md`, where the project keeps it. A runbook that does not
   * exist is an error of the catalog: every alert would link to nothing.
   */
  readonly runbook?: string | false;
}

/** Loads and validates the catalog in `dir`. Throws `CatalogError` with every issue. */
export function loadCatalog(dir: string, options: LoadOptions = {}): Catalog {
  const root = path.resolve(dir);
  // Paths in messages: relative to the working directory when inside it (`alerts/rules/http.yml`), else absolute.
  const display = (abs: string) => {
    const rel = path.relative(process.cwd(), abs);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
  };
  const issues: CatalogIssue[] = [];
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new CatalogError([{ file: display(root), line: 1, column: 1, field: '', message: 'catalog directory not found' }]);
  }

  const parsed: Partial<Record<CatalogFileKind, { source: SourceFile; data: unknown }[]>> = {};
  const seen = new Set<string>();
  // A file named by one kind (scenarios/background.yml) is not also a file of a pattern that matches it (scenarios/*.yml).
  const named = new Set<string>(Object.values(CATALOG_FILES).map((s) => s.pattern).filter((p) => !p.includes('*')));
  for (const kind of Object.keys(CATALOG_FILES) as CatalogFileKind[]) {
    const spec = CATALOG_FILES[kind];
    const files = matchFiles(root, spec.pattern).filter((f) => !spec.pattern.includes('*') || !named.has(f));
    files.forEach((f) => seen.add(f));
    if (files.length === 0 && spec.required) {
      issues.push({ file: display(path.join(root, spec.pattern)), line: 1, column: 1, field: '', message: 'required catalog file is missing' });
    }
    const entries: { source: SourceFile; data: unknown }[] = [];
    for (const rel of files) {
      const source = new SourceFile(display(path.join(root, rel)), fs.readFileSync(path.join(root, rel), 'utf8'));
      const syntax = source.syntaxIssues();
      if (syntax.length) {
        issues.push(...syntax);
        continue;
      }
      const result = validate(source, spec.schema);
      if (result.issues.length) {
        issues.push(...result.issues);
        continue;
      }
      entries.push({ source, data: result.data });
    }
    parsed[kind] = entries;
  }
  for (const rel of listYaml(root)) {
    if (!seen.has(rel)) {
      const expected = Object.values(CATALOG_FILES).map((s) => s.pattern).join(', ');
      issues.push({ file: display(path.join(root, rel)), line: 1, column: 1, field: '', message: `unknown catalog file; expected one of ${expected}` });
    }
  }

  const runbook = readRunbook(root, options.runbook, display, issues);
  const catalog = assemble(root, parsed);
  if (catalog) {
    issues.push(...crossCheck(catalog));
    if (runbook) issues.push(...crossCheckRunbook(catalog, runbook));
    // Detection times need the resolved rules, which only a consistent catalog has.
    if (issues.length === 0) issues.push(...checkDetectionBudgets(catalog));
  }
  if (issues.length || !catalog) {
    throw new CatalogError(sortIssues(issues));
  }
  return catalog;
}

/** The runbook to check anchors against, or undefined (skipped, or missing: then an issue says so). */
function readRunbook(root: string, option: string | false | undefined, display: (abs: string) => string, issues: CatalogIssue[]): Runbook | undefined {
  if (option === false) return undefined;
  const file = path.resolve(option ?? path.join(root, '..', 'docs', 'runbook.md'));
  // Named as the project names it (`docs/runbook.md`) when it sits next to the catalog directory.
  const fromProject = path.relative(path.dirname(root), file);
  const name = fromProject.startsWith('..') || path.isAbsolute(fromProject) ? display(file) : fromProject.split(path.sep).join('/');
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    const where = option === undefined ? ' next to the catalog directory' : '';
    issues.push({
      file: display(file),
      line: 1,
      column: 1,
      field: '',
      message: `runbook not found${where}: the catalog's runbook anchors link into it; expected the project's docs/runbook.md (validate --runbook <file> names another one)`,
    });
    return undefined;
  }
  return { name, anchors: markdownAnchors(fs.readFileSync(file, 'utf8')) };
}

function assemble(root: string, parsed: Partial<Record<CatalogFileKind, { source: SourceFile; data: unknown }[]>>): Catalog | undefined {
  const one = <K extends CatalogFileKind>(k: K) => parsed[k]?.[0];
  const main = one('catalog');
  const metrics = one('metrics');
  if (!main || !metrics) return undefined; // nothing can be cross-checked without them
  const slos = one('slos');
  const guardrails = one('guardrails');
  const oncall = one('oncall');
  const synthetics = one('synthetics');
  const dashboards = one('dashboards');
  const featureFlags = one('feature_flags');
  const background = one('background');
  return {
    dir: root,
    catalog: main.data as Catalog['catalog'],
    metrics: metrics.data as Catalog['metrics'],
    slos: (slos?.data as Catalog['slos']) ?? { slos: [] },
    ruleFiles: (parsed.rules ?? []).map((e) => ({ source: e.source, data: e.data as Catalog['ruleFiles'][number]['data'] })),
    guardrails: guardrails?.data as Catalog['guardrails'],
    oncall: oncall?.data as Catalog['oncall'],
    synthetics: synthetics?.data as Catalog['synthetics'],
    dashboards: dashboards?.data as Catalog['dashboards'],
    featureFlags: featureFlags?.data as Catalog['featureFlags'],
    background: background?.data as Catalog['background'],
    scenarioFiles: (parsed.scenarios ?? []).map((e) => ({ source: e.source, data: e.data as Catalog['scenarioFiles'][number]['data'] })),
    sources: {
      catalog: main.source,
      metrics: metrics.source,
      slos: slos?.source,
      guardrails: guardrails?.source,
      oncall: oncall?.source,
      synthetics: synthetics?.source,
      dashboards: dashboards?.source,
      featureFlags: featureFlags?.source,
      background: background?.source,
    },
  };
}

function sortIssues(issues: CatalogIssue[]): CatalogIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** Validates a YAML file against its zod schema; every issue located in the file. */
export function validate<T extends ZodTypeAny>(source: SourceFile, schema: T): { data?: z.infer<T>; issues: CatalogIssue[] } {
  const result = schema.safeParse(source.toJS(), { errorMap });
  if (result.success) return { data: result.data, issues: [] };
  const issues: CatalogIssue[] = [];
  for (const zi of result.error.issues) {
    if (zi.code === 'unrecognized_keys') {
      const allowed = keysAt(schema, zi.path);
      for (const key of zi.keys) {
        const hint = closest(key, allowed);
        const message = `unknown field '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; expected one of: ${allowed.join(', ')}`;
        issues.push(source.issue([...zi.path, key], message, source.keyAt(zi.path, key)));
      }
      continue;
    }
    issues.push(source.issue(zi.path, describe(zi, source)));
  }
  return { issues };
}

const errorMap: z.ZodErrorMap = (issue, ctx) => {
  if (issue.code === 'invalid_type') {
    if (issue.received === 'undefined') return { message: 'required field is missing' };
    // A schema's own wording (`invalid_type_error`) arrives as the default error: keep it.
    const own = /^(Expected|Required)\b/.test(ctx.defaultError) ? issue.expected : ctx.defaultError;
    return { message: `expected ${own}, got ${issue.received}` };
  }
  if (issue.code === 'invalid_enum_value') {
    return { message: `expected one of ${issue.options.join(', ')}, got '${String(issue.received)}'` };
  }
  return { message: ctx.defaultError };
};

function describe(zi: ZodIssue, source: SourceFile): string {
  let msg = zi.message;
  if (zi.code === 'invalid_type' && zi.received === 'undefined') return 'required field is missing';
  if (/^(expected|required|unknown)/.test(msg)) return msg;
  if (zi.code === 'too_small' && zi.type === 'array') msg = `at least ${zi.minimum} item${zi.minimum === 1 ? '' : 's'}`;
  if (zi.code === 'too_small' && zi.type === 'number') msg = `a number ${zi.inclusive ? '≥' : '>'} ${zi.minimum}`;
  if (zi.code === 'too_big' && zi.type === 'number') msg = `a number ${zi.inclusive ? '≤' : '<'} ${zi.maximum}`;
  if (zi.code === 'too_small' && zi.type === 'string') msg = 'a non-empty string';
  const node = source.nodeAt(zi.path);
  const value = node && 'value' in node ? (node as { value: unknown }).value : undefined;
  const got = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
  return `expected ${msg.charAt(0).toLowerCase()}${msg.slice(1)}${got}`;
}

/** The field names a schema allows at `path` (for "did you mean"). */
function keysAt(schema: ZodTypeAny, p: readonly (string | number)[]): string[] {
  let s: ZodTypeAny | undefined = schema;
  for (const key of p) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, ZodTypeAny>)[String(key)];
    else if (s instanceof z.ZodArray) s = s.element;
    else if (s instanceof z.ZodRecord) s = s.valueSchema;
    else return [];
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: ZodTypeAny | undefined): ZodTypeAny | undefined {
  while (s && (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodEffects || s instanceof z.ZodNullable)) {
    s = s instanceof z.ZodEffects ? s.innerType() : s instanceof z.ZodDefault ? s._def.innerType : s.unwrap();
  }
  return s;
}


/** Relative paths of files matching a pattern such as `catalog.yml` or `rules/*.yml`, sorted. */
function matchFiles(root: string, pattern: string): string[] {
  const dir = path.posix.dirname(pattern);
  const base = path.posix.basename(pattern);
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  if (!base.includes('*')) return fs.existsSync(path.join(abs, base)) ? [path.posix.join(dir, base).replace(/^\.\//, '')] : [];
  const re = new RegExp(`^${base.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
  return fs
    .readdirSync(abs)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => path.posix.join(dir, f));
}

/** Every `.yml`/`.yaml` file under the catalog (schemas excluded), relative. */
function listYaml(root: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (e.name !== 'schemas') out.push(...listYaml(root, rel));
    } else if (/\.ya?ml$/.test(e.name)) out.push(rel);
  }
  return out;
}
