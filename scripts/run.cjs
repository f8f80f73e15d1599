#!/usr/bin/env node
/**
 * `node scripts/run.cjs <entry> [args…]` runs a TypeScript entry point of the project (`main`, `bin/validate`, …)
 * as plain JavaScript: every entry is compiled once with esbuild (types are checked by `tsc`, not here) into
 * `node_modules/.cache/deltacrown/<hash>/`, where <hash> covers every source file, tsconfig.json and
 * package-lock.json, so any edit rebuilds (~0.3 s) and an unchanged tree starts at once. Dependencies stay in
 * node_modules (not bundled). The npm scripts and cdktf.json use it: `npm run synth` is `node scripts/run.cjs main`.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const Module = require('module');

const ROOT = path.join(__dirname, '..');
const SOURCES = ['main.ts', 'lib', 'bin', 'stacks', 'constructs'];
const INPUTS = ['tsconfig.json', 'package-lock.json', 'scripts/run.cjs'];
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'deltacrown');
const KEEP = 8;

/** Every source file (`.ts`, `.json`) under the source roots, sorted. */
function sources() {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(ROOT, rel);
    if (fs.statSync(abs).isFile()) return void out.push(rel);
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (/\.(ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(child);
    }
  };
  for (const s of SOURCES) walk(s);
  return out.sort();
}

/** The build directory of the current sources, built first when missing. */
function build() {
  const files = sources();
  const hash = crypto.createHash('sha256');
  for (const f of [...files, ...INPUTS]) hash.update(`${f}\0`).update(fs.readFileSync(path.join(ROOT, f))).update('\0');
  const dir = path.join(CACHE, hash.digest('hex').slice(0, 16));
  if (fs.existsSync(dir)) return dir;
  const entries = files.filter((f) => f === 'main.ts' || (f.startsWith(`bin${path.sep}`) && f.endsWith('.ts')));
  const tmp = `${dir}.tmp-${process.pid}`;
  require('esbuild').buildSync({
    entryPoints: entries.map((f) => path.join(ROOT, f)),
    outbase: ROOT,
    outdir: tmp,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'error',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
  });
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    // Another process built the same sources first: use its build.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw e;
  }
  // Keep the cache small: the newest KEEP builds stay (other checkouts sharing node_modules may be using theirs).
  const builds = fs.readdirSync(CACHE).filter((d) => !d.includes('.tmp-')).map((d) => ({ d, t: fs.statSync(path.join(CACHE, d)).mtimeMs }));
  for (const { d } of builds.sort((a, b) => b.t - a.t).slice(KEEP)) fs.rmSync(path.join(CACHE, d), { recursive: true, force: true });
  return dir;
}

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node scripts/run.cjs <entry: main | bin/<name>> [args…]\n');
  process.exit(2);
}
const js = path.join(build(), `${entry.replace(/\.ts$/, '')}.js`);
if (!fs.existsSync(js)) {
  process.stderr.write(`run: no entry point ${entry} (expected main.ts or bin/<name>.ts)\n`);
  process.exit(2);
}
// Stack traces are shown only with DEBUG=1 (bin/cli.ts); only then are they mapped back to the TypeScript sources.
// Mapping costs on every captured stack (cdktf captures one per token), ~0.2 s of a synth.
if (process.env.DEBUG) process.setSourceMapsEnabled(true);
// Modules loaded when first used and cdktf's faster JSON writer (scripts/preload.cjs).
require('./preload.cjs');
// The compiled code lives under node_modules (maybe another checkout's, linked): tell it which project this is.
process.env.DELTACROWN_PROJECT_ROOT = ROOT;
// Run the compiled entry as the main module (its `require.main === module` checks hold), with its own arguments.
process.argv.splice(1, 2, js);
Module.runMain();
