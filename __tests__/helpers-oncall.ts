/** Test helpers of the on-call tests: a full synth into a temp dir, amtool runs, and a reader of HCL expressions. */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { loadCatalog } from '../lib/catalog/load';
import type { Catalog } from '../lib/catalog/model';
import { buildApp } from '../stacks/app';
import { requireBinary, tempDir } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

/** Synthesizes the whole app (cross-stack references resolved) into a temp dir; returns it and a JSON reader. */
export function synthAll(catalog: Catalog): { outdir: string; stack: (name: string) => Record<string, any> } {
  const outdir = tempDir('deltacrown-synth-');
  buildApp(resolveCatalog(catalog), { outdir }).synth();
  return {
    outdir,
    stack: (name) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')),
  };
}

/** Loads a catalog directory (a modified temp copy). */
export function load(dir: string): Catalog {
  return loadCatalog(dir);
}


/** Runs amtool with `args`; fails with the install hint when amtool is missing. */
export function amtool(args: string[]): { status: number; stdout: string; stderr: string } {
  const bin = requireBinary('amtool', 'prometheus-alertmanager');
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 30000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A Terraform reference found in an expression (`var.x`, `data.terraform_remote_state.….outputs.…`). */
export interface HclRef {
  ref: string;
}

/**
 * Reads the HCL value syntax cdktf writes inside `${…}` (objects `{"k" = v}`, tuples, strings with HCL escapes,
 * numbers, booleans, null, references) into plain data; references become `{ ref }`. Throws on anything else —
 * in particular on a string literal that is not properly escaped, which is exactly what the test is after.
 */
export function parseHcl(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`HCL: expected ${what} at ${i}: …${text.slice(Math.max(0, i - 40), i)}⟨here⟩${text.slice(i, i + 40)}…`);
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      while (text[i] !== '}') {
        ws();
        const key = text[i] === '"' ? str() : fail('a quoted object key');
        ws();
        if (text[i] !== '=') fail("'='");
        i++;
        obj[key as string] = value();
        ws();
        if (text[i] === ',') i++;
        ws();
        if (i >= text.length) fail("'}'");
      }
      i++;
      return obj;
    }
    if (ch === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      while (text[i] !== ']') {
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        ws();
        if (i >= text.length) fail("']'");
      }
      i++;
      return arr;
    }
    if (ch === '"') return str();
    const m = /^(-?\d+(?:\.\d+)?|true|false|null|[A-Za-z_][A-Za-z0-9_.\-]*)/.exec(text.slice(i));
    if (!m) return fail('a value');
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    if (/^-?\d/.test(m[0])) return Number(m[0]);
    return { ref: m[0] } satisfies HclRef;
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\\') {
        const n = text[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (n === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        if (!(n in map)) fail('a valid escape');
        out += map[n];
        i += 2;
        continue;
      }
      if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
        out += `${ch}{`;
        i += 3;
        continue;
      }
      if (text.startsWith('${', i) || text.startsWith('%{', i)) fail('no template sequence inside a string literal');
      out += ch;
      i++;
    }
    return fail('a closing quote');
  };
  const v = value();
  ws();
  if (i !== text.length) fail('the end of the expression');
  return v;
}

/** The argument of a `${fn(...)}` expression string. */
export function functionArgument(expr: string, fn: string): string {
  const prefix = `\${${fn}(`;
  if (!expr.startsWith(prefix) || !expr.endsWith(')}')) throw new Error(`not a ${fn}() expression: ${expr.slice(0, 60)}`);
  return expr.slice(prefix.length, -2);
}

/** Replaces every `{ ref }` in a value by `f(ref)`. */
export function mapRefs(v: unknown, f: (ref: string) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => mapRefs(x, f));
  if (v && typeof v === 'object') {
    if ('ref' in v && Object.keys(v).length === 1) return f((v as HclRef).ref);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapRefs(x, f)]));
  }
  return v;
}
