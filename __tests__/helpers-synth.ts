/** Test helpers for synthesized apps: the whole app written to a temp directory, read back per stack. */
import * as fs from 'fs';
import * as path from 'path';
import type { Catalog } from '../lib/catalog/model';
import { buildApp } from '../stacks/app';
import { STATE_VARIABLES } from '../stacks/backend';
import { ROOT, tempDir } from './helpers';

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
    buildApp(catalog, { outdir: out }).synth();
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
