/**
 * The layering of the code, read from its imports:
 *
 *   base → catalog → plan → render → tools → constructs → stacks → entry (bin/, main.ts)
 *
 * A layer imports only from the layers it is allowed below it (table `MAY_IMPORT`): renderers, constructs and
 * stacks read the plan (lib/plan/), never the catalog (lib/catalog/); cdktf (and the providers) only in
 * constructs/, stacks/ and main.ts; and no import circle anywhere under lib/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers';

type Layer = 'base' | 'catalog' | 'plan' | 'render' | 'tools' | 'constructs' | 'stacks' | 'entry';

/** lib/*.ts files at the root of lib/ that are small shared utilities (everything else there is a tool). */
const BASE_FILES = ['lib/duration.ts', 'lib/num.ts', 'lib/units.ts', 'lib/promql.ts', 'lib/markdown.ts', 'lib/project-root.ts', 'lib/pagerduty-time-zones.ts', 'lib/cloudwatch-metrics.ts', 'lib/label-matchers.ts'];

const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  base: ['base'],
  catalog: ['base', 'catalog'],
  plan: ['base', 'catalog', 'plan'],
  render: ['base', 'plan', 'render'],
  tools: ['base', 'catalog', 'plan', 'render', 'tools'],
  constructs: ['base', 'plan', 'render', 'constructs'],
  stacks: ['base', 'plan', 'render', 'constructs', 'stacks'],
  entry: ['base', 'catalog', 'plan', 'render', 'tools', 'constructs', 'stacks', 'entry'],
};

/** Packages that only the Terraform edge may load. */
const CDKTF_PACKAGES = /^(cdktf|constructs|@cdktf\/)/;
const CDKTF_LAYERS: readonly Layer[] = ['constructs', 'stacks'];

function layerOf(file: string): Layer | undefined {
  if (file === 'main.ts' || file.startsWith('bin/')) return 'entry';
  if (file.startsWith('stacks/')) return 'stacks';
  if (file.startsWith('constructs/')) return 'constructs';
  if (file.startsWith('lib/catalog/')) return 'catalog';
  if (file.startsWith('lib/plan/')) return 'plan';
  if (file.startsWith('lib/render/')) return 'render';
  if (BASE_FILES.includes(file)) return 'base';
  if (file.startsWith('lib/')) return 'tools';
  return undefined;
}

/** Every import specifier of a TypeScript source (static imports, re-exports, require). */
function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

/** Repository path of a relative import from `file`, as a `.ts` file. */
function resolveImport(files: ReadonlyMap<string, string>, file: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  for (const c of [`${base}.ts`, `${base}/index.ts`, base]) if (files.has(c)) return c;
  return undefined;
}

/** Layering violations and import circles of a set of sources (repository path → text). */
export function layeringProblems(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const layer = layerOf(file);
    if (!layer) continue;
    const edges: string[] = [];
    for (const spec of importsOf(text)) {
      if (!spec.startsWith('.')) {
        if (CDKTF_PACKAGES.test(spec) && !CDKTF_LAYERS.includes(layer) && file !== 'main.ts') problems.push(`${file} imports ${spec}: cdktf only in constructs/, stacks/ and main.ts`);
        continue;
      }
      const target = resolveImport(files, file, spec);
      if (!target) continue;
      const to = layerOf(target);
      if (to && !MAY_IMPORT[layer].includes(to)) problems.push(`${file} (${layer}) imports ${target} (${to}): ${layer} may import only ${MAY_IMPORT[layer].join(', ')}`);
      edges.push(target);
    }
    graph.set(file, edges);
  }
  // Import circles under lib/: strongly connected components with more than one file (or a self-import).
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!w.startsWith('lib/')) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) problems.push(`import circle: ${scc.sort().join(' → ')}`);
    }
  };
  for (const v of graph.keys()) if (v.startsWith('lib/') && !idx.has(v)) visit(v);
  return problems;
}

function projectSources(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(ROOT, rel);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isFile()) return void files.set(rel, fs.readFileSync(abs, 'utf8'));
    for (const e of fs.readdirSync(abs)) {
      const child = path.posix.join(rel, e);
      if (e.endsWith('.ts') || fs.statSync(path.join(ROOT, child)).isDirectory()) walk(child);
    }
  };
  for (const r of ['main.ts', 'lib', 'bin', 'stacks', 'constructs']) walk(r);
  return files;
}

describe('layering: catalog → plan → render → constructs → stacks → bin/main', () => {
  const files = projectSources();

  it('finds every layer in the project', () => {
    const layers = new Set([...files.keys()].map(layerOf));
    for (const l of Object.keys(MAY_IMPORT)) expect(layers).toContain(l);
    expect([...files.keys()].filter((f) => !layerOf(f))).toEqual([]);
  });

  it('holds for the project: no forbidden import, cdktf only at the Terraform edge, no import circle in lib/', () => {
    expect(layeringProblems(files)).toEqual([]);
  });

  it('no renderer, construct or stack imports lib/catalog', () => {
    for (const [file, text] of files) {
      if (!/^(lib\/render|constructs|stacks)\//.test(file)) continue;
      expect({ file, catalog: importsOf(text).filter((s) => s.includes('catalog/')) }).toEqual({ file, catalog: [] });
    }
  });

  it('fails when a renderer imports the catalog, naming the file and the rule', () => {
    const broken = new Map(files);
    const f = 'lib/render/dashboards.ts';
    broken.set(f, `import { loadCatalog } from '../catalog/load';\n${files.get(f)}`);
    expect(layeringProblems(broken)).toEqual([`${f} (render) imports lib/catalog/load.ts (catalog): render may import only base, plan, render`]);
  });

  it('fails when a stack reads the catalog or a renderer loads cdktf', () => {
    const broken = new Map(files);
    broken.set('stacks/app.ts', `import type { Catalog } from '../lib/catalog/model';\n${files.get('stacks/app.ts')}`);
    broken.set('lib/render/synthetics.ts', `import { App } from 'cdktf';\n${files.get('lib/render/synthetics.ts')}`);
    expect(layeringProblems(broken).sort()).toEqual([
      'lib/render/synthetics.ts imports cdktf: cdktf only in constructs/, stacks/ and main.ts',
      'stacks/app.ts (stacks) imports lib/catalog/model.ts (catalog): stacks may import only base, plan, render, constructs, stacks',
    ]);
  });

  it('fails on an import circle', () => {
    const broken = new Map(files);
    broken.set('lib/catalog/names.ts', `import { crossCheck } from './crosscheck';\n${files.get('lib/catalog/names.ts')}`);
    expect(layeringProblems(broken)).toEqual(['import circle: lib/catalog/crosscheck-liveness.ts → lib/catalog/crosscheck-oncall.ts → lib/catalog/crosscheck-scenarios.ts → lib/catalog/crosscheck.ts → lib/catalog/names.ts']);
  });
});
