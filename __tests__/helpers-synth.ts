/** Test helpers for synthesized apps: the whole app written to a temp directory, read back per stack. */
import * as fs from 'fs';
import * as path from 'path';
import type { Catalog } from '../lib/catalog/model';
import { buildApp } from '../stacks/app';
import { STATE_VARIABLES } from '../stacks/backend';
import { ROOT, tempDir } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

/** A synthesized stack's cdk.tf.json. */
export type TfJson = Record<string, any>;

/**
 * Synthesizes the whole app (`buildApp(catalog).synth()`, as `npm run synth` does) into a temp directory with
 * exactly the given state-backend variables set (the others unset), and returns every stack's cdk.tf.json by
 * stack name. The process environment is restored afterwards.
 */
export function synthApp(catalog: Catalog, stateEnv: Partial<Record<(typeof STATE_VARIABLES)[keyof typeof STATE_VARIABLES], string>> = {}): Map<string, TfJson> {
  const names = Object.values(STATE_VARIABLES);
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of names) {
    const v = (stateEnv as Record<string, string | undefined>)[n];
    if (v === undefined) delete process.env[n];
    else process.env[n] = v;
  }
  try {
    const out = tempDir('deltacrown-synth-');
    buildApp(resolveCatalog(catalog), { outdir: out }).synth();
    const stacks = new Map<string, TfJson>();
    for (const name of fs.readdirSync(path.join(out, 'stacks')).sort()) {
      stacks.set(name, JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')));
    }
    return stacks;
  } finally {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  }
}

/** Terraform addresses (`type.name`, `data.type.name`) of a synthesized stack: what a rename would replace. */
export function tfAddresses(tf: TfJson): string[] {
  const out: string[] = [];
  for (const [prefix, byType] of [['', tf.resource], ['data.', tf.data]] as const) {
    for (const [type, byName] of Object.entries(byType ?? {})) for (const name of Object.keys(byName as object)) out.push(`${prefix}${type}.${name}`);
  }
  return out.sort();
}

/**
 * A stack for snapshots: cdktf's `//` metadata removed, and the working directory (cdktf's default local
 * state paths are absolute) replaced by `<project>`, so the snapshot is the same in any clone.
 */
export function forSnapshot(tf: TfJson): TfJson {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '//').map(([k, x]) => [k, strip(x)]));
    if (typeof v === 'string') return v.split(process.cwd()).join('<project>').split(ROOT).join('<project>');
    return v;
  };
  return strip(tf) as TfJson;
}

/**
 * A document for a snapshot a reviewer can read: every string that holds a JSON object or array (a dashboard's
 * `config_json`, say) becomes `{ "<json>": parsed }`, expanded line by line, so a changed threshold shows as the
 * one line it changes; a Terraform expression holding a whole document (the Alertmanager configuration's
 * `${yamlencode({…})}`) becomes `{ "<hcl>": [lines] }`, one element per line. Multi-line strings already print
 * line by line.
 */
export function readable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(readable);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, readable(x)]));
  if (typeof v === 'string' && v.length > 200 && /^\$\{[a-z]+\(\{/.test(v)) return { '<hcl>': hclLines(v) };
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try {
      return { '<json>': readable(JSON.parse(v)) };
    } catch {
      return v;
    }
  }
  return v;
}

/** A one-line Terraform expression broken into lines at its object and list punctuation (outside strings). */
function hclLines(expr: string): string[] {
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  let inString = false;
  const pad = () => '  '.repeat(depth);
  const flush = () => {
    if (line.trim()) lines.push(line.trimEnd());
    line = pad();
  };
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (inString) {
      line += ch;
      if (ch === '\\') line += expr[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      line += ch;
    } else if (ch === '{' || ch === '[') {
      line += ch;
      depth++;
      flush();
    } else if (ch === '}' || ch === ']') {
      depth--;
      flush();
      line += ch;
    } else if (ch === ',') {
      line += ch;
      flush();
      if (expr[i + 1] === ' ') i++;
    } else line += ch;
  }
  flush();
  return lines;
}
