/**
 * The synth's fast paths must not change what is read or written:
 * - catalog files are read by js-yaml and located by `yaml`: both must give the same data;
 * - `literal()` values skip cdktf's token resolution: the synthesized JSON must be byte-identical to resolving
 *   the plain value, the value must come out of a resource's resolution unwalked, and a value holding a token must
 *   be refused;
 * - `yamlencode()` renders the expression in one pass: byte-identical to cdktf's `Fn.yamlencode`, cross-stack
 *   references included, and refusing what it would render differently;
 * - DeltaCrown stacks resolve each element once (constructs/synthesis.ts): every stack of the fixture catalog and
 *   of a generated many-service catalog is byte-identical to cdktf's own synthesis, also when an Aspect changes an
 *   element after the stacks were prepared;
 * - scripts/stable-stringify.cjs writes what `json-stable-stringify` (cdktf's writer) writes, on every synthesized
 *   file and on edge cases.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { App, Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { resolve } from 'cdktf/lib/_tokens';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { SourceFile } from '../lib/catalog/source';
import { literal } from '../constructs/literal';
import { yamlencode } from '../constructs/yamlencode';
import { escapeHclLiterals } from '../constructs/alertmanager-secret';
import { Aspects, DefaultTokenResolver, IAspect, StringConcat, TerraformResource, Token, Tokenization } from 'cdktf';
import { resolve as resolveValue } from '../constructs/synthesis';
import type { IConstruct } from 'constructs';
import { loadCatalog } from '../lib/catalog/load';
import { resolveCatalog } from '../lib/plan/resolve';
import { buildApp } from '../stacks/app';
import { generateCatalog } from '../bench/generate-catalog';
import { removeBenchTemps } from '../bench/measure';
import { FIXTURE_ALERTS, LIVE_ALERTS, readTree, tempDir } from './helpers';

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

describe('catalog YAML: the fast reader and the locating parser agree', () => {
  const files = [...yamlFiles(LIVE_ALERTS), ...yamlFiles(FIXTURE_ALERTS)];

  it.each(files.map((f) => [path.relative(path.join(__dirname, '..'), f), f]))('%s', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(new SourceFile('x.yml', text).toJS()).toEqual(parse(text, { uniqueKeys: true, strict: true }));
  });

  it.each([
    ['core-schema scalars', 'a: yes\nb: no\nc: on\nd: 0o17\nd2: 0b101\nd3: 017\ne: 0x1F\ne2: +12\ne3: 1.\ne4: .5e-3\nf: .inf\ng: -.Inf\nh: .nan\ni: ~\nj: 1e3\nk: 2026-12-01\nl: "5%"\nm: 1_000\nn: True\no: NULL\n'],
    ['block and flow scalars', 'expr: |\n  sum(rate(x[5m]))\n    > 0.05\nfolded: >\n  one\n  two\nflow: { a: [1, 2, "three"], b: \'it\'\'s\' }\n'],
    ['anchors and aliases', 'base: &b { for: 5m, severity: high }\nother: *b\nlist: [*b, *b]\n'],
    ['empty document', ''],
    ['comment only', '# nothing here\n'],
  ])('%s', (_name, text) => {
    const fast = new SourceFile('x.yml', text);
    expect(fast.syntaxIssues()).toEqual([]);
    expect(fast.toJS()).toEqual(parse(text, { uniqueKeys: true, strict: true }) ?? null);
  });

  it('reports a duplicate key and a syntax error at their line and column, as the locating parser does', () => {
    const dup = new SourceFile('x.yml', 'a: 1\nb: 2\na: 3\n').syntaxIssues();
    expect(dup).toEqual([expect.objectContaining({ file: 'x.yml', line: 3, column: 1, message: expect.stringContaining('invalid YAML') })]);
    const bad = new SourceFile('x.yml', 'a: [1, 2\nb: 3\n').syntaxIssues();
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]).toMatchObject({ file: 'x.yml', message: expect.stringContaining('invalid YAML') });
  });

  it('locates a value only when asked, and at the same place', () => {
    const text = 'families:\n  - family: x\n    alerts:\n      - name: A\n        threshold: 400ms\n';
    const src = new SourceFile('x.yml', text);
    expect(src.valueAt(['families', 0, 'alerts', 0, 'threshold'])).toBe('400ms');
    expect(src.valueAt(['families', 3, 'alerts'])).toBeUndefined();
    expect(src.issue(['families', 0, 'alerts', 0, 'threshold'], 'm')).toMatchObject({ line: 5, column: 20 });
  });
});

describe('literal(): values cdktf writes without resolving them', () => {
  const value = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'r', labels: { a: 'b' } },
    spec: {
      groups: [
        { name: 'g', interval: '30s', rules: [{ alert: 'A', expr: 'x > 0.05', for: '5m', labels: { severity: 'critical' }, annotations: { summary: 'A $${labels}', description: undefined } }] },
        { name: 'h', rules: [{ record: 'r:x', expr: 'sum(x)' }, undefined], limit: 0, partial: false, none: null },
      ],
    },
  };

  function synth(manifest: Record<string, unknown>): string {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    new KubernetesProvider(stack, 'k8s', {});
    new Manifest(stack, 'm', { manifest });
    return Testing.synth(stack);
  }

  it('synthesizes byte-identical JSON to the resolved plain value', () => {
    expect(synth({ ...value, spec: literal(value.spec) })).toBe(synth(value));
    expect(synth(literal(value))).toBe(synth(value));
    expect(() => literal([1, 2])).toThrow('literal: wrap the object that holds the list');
  });

  it('writes the same cdk.tf.json through a full app synth', () => {
    const write = (wrap: boolean) => {
      const out = fs.mkdtempSync(path.join(require('os').tmpdir(), 'literal-'));
      try {
        const app = new App({ outdir: out });
        const stack = new TerraformStack(app, 's');
        new KubernetesProvider(stack, 'k8s', {});
        new Manifest(stack, 'm', { manifest: wrap ? literal(value) : value });
        app.synth();
        return fs.readFileSync(path.join(out, 'stacks', 's', 'cdk.tf.json'), 'utf8');
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    };
    expect(write(true)).toBe(write(false));
  });

  it('comes out of a resource’s resolution as the very same object: cdktf does not walk it', () => {
    // A resource's toTerraform copies plain objects member by member (cdktf lib/util.js processDynamicAttributes);
    // a copy would be walked by resolution and come out as a new object.
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    new KubernetesProvider(stack, 'k8s', {});
    const spec = literal(value.spec);
    const m = new Manifest(stack, 'm', { manifest: { ...value, spec } });
    for (const preparing of [true, false]) {
      const tf = resolve(stack, m.toTerraform(), preparing) as any;
      expect(tf.resource.kubernetes_manifest[m.friendlyUniqueId].manifest.spec).toBe(spec);
    }
  });

  it('refuses a value holding a Terraform token, naming where it is', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    expect(() => literal({ a: [{ b: v.stringValue }] })).toThrow('literal: value.a[0].b holds a Terraform token');
    expect(() => literal({ n: v.numberValue })).toThrow('literal: value.n holds a Terraform token');
    expect(() => literal({ s: Fn.upper('x') })).toThrow('literal: value.s holds a Terraform token');
    expect(() => literal({ f: () => 1 })).toThrow('literal: value.f is a function, not plain data');
    expect(() => literal({ s: Fn.upper('x') as unknown as object })).toThrow();
    new TerraformOutput(stack, 'o', { value: 'x' });
  });
});

describe('yamlencode(): the expression written in one pass, as cdktf writes it', () => {
  /** cdk.tf.json of every stack of an app whose consumer stack holds `data = {doc: encode(value(origin refs))}`. */
  function write(encode: (v: unknown) => string, value: (refs: { key: string; url: string; count: number }) => unknown): Record<string, string> {
    const out = fs.mkdtempSync(path.join(require('os').tmpdir(), 'yamlencode-'));
    try {
      const app = new App({ outdir: out });
      const origin = new TerraformStack(app, 'origin');
      const consumer = new TerraformStack(app, 'consumer');
      new KubernetesProvider(consumer, 'k8s', {});
      const key = new TerraformVariable(origin, 'key', { type: 'string', sensitive: true });
      const url = new TerraformVariable(consumer, 'url', { type: 'string', sensitive: true });
      const count = new TerraformVariable(consumer, 'count', { type: 'number' });
      new SecretV1(consumer, 'secret', {
        metadata: { name: 's' },
        data: { 'doc.yaml': encode(value({ key: key.stringValue, url: url.stringValue, count: count.numberValue })) },
      });
      app.synth();
      return Object.fromEntries(['origin', 'consumer'].map((s) => [s, fs.readFileSync(path.join(out, 'stacks', s, 'cdk.tf.json'), 'utf8')]));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }

  const cases: [string, (r: { key: string; url: string; count: number }) => unknown][] = [
    ['plain data of every kind', () => ({ s: 'text', n: 1.5, z: 0, neg: -3, t: true, f: false, nil: null, gone: undefined, list: [1, 'a', [], {}], nested: { a: { b: { c: ['x'] } } }, empty: {} })],
    ['strings that need escaping', () => ({ nl: 'a\nb', interp: 'x ${y} z', quoted: '"already quoted"', lone: '"', tmpl: '{{ if eq .Status "firing" }}{{ end }}', pct: '%{x}', back: 'a\\b' })],
    ['references: same-stack variables, a cross-stack output, a number', (r) => ({ global: { url: r.url }, receivers: [{ name: 'pd', key: r.key, n: r.count }, { name: 'other', url: r.url }] })],
    ['an Alertmanager-shaped configuration, escaped as the secret escapes it', (r) => escapeHclLiterals({ route: { receiver: 'pd', routes: [{ matchers: ['severity="critical"'], routes: [{ matchers: ['service="api"'], receiver: 'pd' }] }] }, receivers: [{ name: 'pd', pagerduty_configs: [{ routing_key: r.key, description: '{{ .CommonLabels.alertname }} "x"', details: { a: 'b' } }] }], templates: [] })],
  ];

  it.each(cases)('%s: byte-identical to Fn.yamlencode', (_name, value) => {
    const ours = write(yamlencode, value);
    expect(ours).toEqual(write((v) => Fn.yamlencode(v), value));
    // The cross-stack reference registered its output and remote state as cdktf does.
    if (_name.startsWith('references')) {
      expect(ours.origin).toContain('cross-stack-output-var');
      expect(ours.consumer).toContain('data.terraform_remote_state.cross-stack-reference-input-origin.outputs.cross-stack-output-var');
    }
  });

  it('refuses what cdktf would write differently, naming where it is', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    const l = new TerraformVariable(stack, 'l', { type: 'list(string)' });
    const synth = (value: unknown) => {
      const s = new TerraformStack(Testing.app(), 't');
      new TerraformOutput(s, 'o', { value: yamlencode(value) });
      return Testing.synth(s);
    };
    expect(() => synth({ a: { b: `x-${v.stringValue}` } })).toThrow('yamlencode: value.a.b mixes text and Terraform tokens');
    expect(() => synth({ a: [1, undefined] })).toThrow('yamlencode: value.a[1] is undefined');
    expect(() => synth({ a: l.listValue })).toThrow('yamlencode: value.a is a list token');
    expect(() => synth({ f: () => 1 })).toThrow('yamlencode: value.f is a function, not plain data');
  });
});

describe('stacks resolved once: the same bytes as cdktf’s own synthesis', () => {
  afterAll(() => removeBenchTemps());

  /** Every file cdktf wrote for the app, by path; `stock` gives every stack cdktf's own prepare and toTerraform. */
  function synthAll(alerts: string, opts: { stock: boolean; aspect?: IAspect }): Map<string, string> {
    const out = tempDir('deltacrown-synthesis-');
    const app = buildApp(resolveCatalog(loadCatalog(alerts)), { outdir: out });
    const stacks = app.node.findAll().filter(TerraformStack.isStack);
    if (opts.stock) {
      for (const stack of stacks) Object.assign(stack, { prepareStack: TerraformStack.prototype.prepareStack, toTerraform: TerraformStack.prototype.toTerraform });
    }
    // cdktf invokes the Aspects of each stack and below (not the app's).
    if (opts.aspect) for (const stack of stacks) Aspects.of(stack).add(opts.aspect);
    app.synth();
    return readTree(out);
  }

  it('resolves values as cdktf resolves them: plain data here, tokens and oddities by cdktf', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    const n = new TerraformVariable(stack, 'n', { type: 'number' });
    const l = new TerraformVariable(stack, 'l', { type: 'list(string)' });
    const m = new TerraformVariable(stack, 'm', { type: 'map(string)' });
    const value = {
      plain: { s: 'text', n: 1.5, b: false, nil: null, gone: undefined, list: [1, undefined, 'x', [], {}], deep: { a: { b: { c: [{ d: 'e' }] } } } },
      numberish: ['1e5', '-e-', 'version 2.0e1', '3e-2ms'],
      escapes: ['$${labels.x}', '%%{if}', 'a ${var.not_a_token} b', '{TfToken[not-a-token'],
      tokens: { s: v.stringValue, mixed: `pre-${v.stringValue}-post`, n: n.numberValue, sum: [n.numberValue, 1], l: l.listValue, m: Token.asStringMap(m.value), f: Fn.upper('x') },
      instance: new (class Settings {
        readonly a = 1;
      })(),
      keys: { [v.stringValue]: 'by token key', '10': 'integer-like', '': 'empty' },
      date: new Date(0),
      literal: literal({ a: [1, { b: 'c' }] }),
    };
    for (const preparing of [false, true]) {
      const ours = resolveValue(stack, value, preparing);
      const theirs = Tokenization.resolve(value, { scope: stack, preparing, resolver: new DefaultTokenResolver(new StringConcat()) });
      expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
      expect(ours).toEqual(theirs);
    }
    // What cdktf refuses is refused with cdktf's own message.
    const refused = (x: unknown) => {
      let theirs = '';
      try {
        Tokenization.resolve(x, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
      } catch (e) {
        theirs = (e as Error).message;
      }
      expect(theirs).not.toBe('');
      expect(() => resolveValue(stack, x)).toThrow(theirs);
    };
    refused({ a: () => 1 });
    refused({ a: Token.STRING_MAP_TOKEN_VALUE });
    refused({ a: Token.NUMBER_MAP_TOKEN_VALUE });
    refused({ a: l.listValue[0] });
    refused({ a: stack });
  });

  it('the fixture catalog: every file byte-identical', () => {
    const ours = synthAll(FIXTURE_ALERTS, { stock: false });
    expect([...ours.keys()].filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(8);
    expect(ours).toEqual(synthAll(FIXTURE_ALERTS, { stock: true }));
  });

  it('a generated catalog of 6 services (cross-stack integration keys, outputs, remote state): byte-identical', () => {
    const alerts = generateCatalog(6);
    const ours = synthAll(alerts, { stock: false });
    expect(ours.get(path.join('stacks', 'deltacrown-production-pagerduty', 'cdk.tf.json'))).toContain('cross-stack-output-');
    expect(ours).toEqual(synthAll(alerts, { stock: true }));
  });

  it('an Aspect that changes elements after the stacks were prepared: what was kept is not used', () => {
    const renamed: IAspect = {
      visit(node: IConstruct) {
        if (TerraformResource.isTerraformResource(node) && (node as TerraformResource).terraformResourceType === 'pagerduty_escalation_policy') (node as TerraformResource).addOverride('description', 'changed by an aspect');
      },
    };
    const ours = synthAll(FIXTURE_ALERTS, { stock: false, aspect: renamed });
    expect(ours.get(path.join('stacks', 'deltacrown-production-pagerduty', 'cdk.tf.json'))).toContain('changed by an aspect');
    expect(ours).toEqual(synthAll(FIXTURE_ALERTS, { stock: true, aspect: renamed }));
  });

  it('token traces stay on when DEBUG or CDKTF_TOKEN_TRACES asks for them', () => {
    const script = `
      const { quietTokenTraces } = require('./constructs/synthesis');
      const { Fn, Tokenization } = require('cdktf');
      quietTokenTraces();
      const t = Tokenization.reverse(Fn.upper('x'))[0];
      process.stdout.write(String(t.creationStack.length > 0));
    `;
    const run = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
      expect(r.stderr).toBe('');
      return r.stdout;
    };
    expect(run({})).toBe('false');
    expect(run({ CDKTF_TOKEN_TRACES: '1' })).toBe('true');
    expect(run({ DEBUG: '1' })).toBe('true');
  });
});

describe('scripts/stable-stringify.cjs: cdktf’s JSON writer, faster', () => {
  // cdktf's own copy of json-stable-stringify, as its synthesizer requires it.
  const original = require(require.resolve('json-stable-stringify', { paths: [path.dirname(require.resolve('cdktf'))] }));
  const fast = require('../scripts/stable-stringify.cjs');
  class Tagged {
    constructor(readonly a: number) {}
  }

  it.each([
    ['scalars', [1, -0, 1.5e300, NaN, Infinity, 'text', '', 'quote " and \\ and \n', 'ünïcödé ✓', true, false, null]],
    ['empty containers at every depth', { a: [], b: {}, c: [[], [{}]], d: { e: { f: [] } } }],
    ['undefined and functions', { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s')], d: 1 }],
    ['key order: code units, integer-like keys sorted as strings', { b: 1, a: 2, '10': 3, '2': 4, B: 5, é: 6, '': 7 }],
    ['toJSON, class instances, a shared (not circular) object', { d: new Date(0), t: new Tagged(1), s: [{ x: 1 }, { x: 1 }] }],
    ['a top-level string', 'just text'],
    ['a top-level undefined', undefined],
  ])('%s', (_name, value) => {
    for (const opts of [{ space: 2 }, { space: '\t' }, {}, undefined]) expect(fast(value, opts)).toBe(original(value, opts));
  });

  it('throws as the original does on a circular object, and refuses options it does not implement', () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    expect(() => original(o, { space: 2 })).toThrow(TypeError);
    expect(() => fast(o, { space: 2 })).toThrow(new TypeError('Converting circular structure to JSON'));
    expect(() => fast({}, { space: 2, cycles: true })).toThrow('only the `space` option is supported');
  });

  it('is what cdktf gets for json-stable-stringify under scripts/preload.cjs (npm run synth)', () => {
    const script = `
      require('./scripts/preload.cjs');
      require('cdktf');
      const loaded = Object.keys(require.cache);
      process.stdout.write(JSON.stringify({
        ours: loaded.some((k) => k.endsWith('/scripts/stable-stringify.cjs')),
        original: loaded.some((k) => k.includes('/json-stable-stringify/')),
      }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ ours: true, original: false });
  });

  it('every file synthesized from the fixture catalog, re-written: byte-identical', () => {
    const out = tempDir('deltacrown-stringify-');
    buildApp(resolveCatalog(loadCatalog(FIXTURE_ALERTS)), { outdir: out }).synth();
    const files = [path.join(out, 'manifest.json'), ...fs.readdirSync(path.join(out, 'stacks')).map((s) => path.join(out, 'stacks', s, 'cdk.tf.json'))];
    expect(files).toHaveLength(9);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const value = JSON.parse(text);
      expect(fast(value, { space: 2 })).toBe(text);
      expect(original(value, { space: 2 })).toBe(text);
    }
  });
});

describe('scripts/lazy.cjs: modules loaded on first use', () => {
  it('keeps archiver and yaml out of a start-up, and loads each when first used', () => {
    const script = `
      require('./scripts/lazy.cjs').lazyModules(['archiver', 'yaml']);
      const loaded = (m) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + m + '/'));
      require('cdktf');
      const yaml = require('yaml');
      const before = [loaded('archiver'), loaded('yaml')];
      const zip = require('archiver')('zip');
      const text = yaml.stringify({ a: [1, 2] });
      const doc = new yaml.LineCounter();
      process.stdout.write(JSON.stringify({ before, after: [loaded('archiver'), loaded('yaml')], zip: typeof zip.append, text, counter: typeof doc.linePos }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: [false, false], after: [true, true], zip: 'function', text: 'a:\n  - 1\n  - 2\n', counter: 'function' });
  });
});
