/**
 * How a DeltaCrown stack is synthesized: cdktf's own steps (cdktf 0.21 `lib/terraform-stack.js` `prepareStack` and
 * `toTerraform`), with the same output and less repeated work. Measured at 200 generated services, these repeats
 * were most of a synth:
 *
 * - cdktf resolves every element of a stack three times: once while preparing (to find cross-stack references),
 *   once per element while writing, and once more over the whole merged stack. Here the preparing resolution of an
 *   element is kept and used for writing, and the merged stack is not resolved again (its parts already are);
 *   only the stack's overrides are resolved after merging them, as cdktf merges them. An element added after its
 *   stack was prepared (the outputs and remote state of a cross-stack reference) is resolved when written. When
 *   an Aspect is registered anywhere in the stack, an Aspect may change elements after preparing, so nothing kept
 *   is used.
 * - cdktf's resolution walks every value with its own context (`resolve` below walks plain data itself and hands
 *   cdktf only what holds a token).
 * - cdktf captures a full stack trace (no depth limit) for every token it creates, only to print it if that token
 *   later fails to resolve. `quietTokenTraces()` turns that off unless `DEBUG` or `CDKTF_TOKEN_TRACES` is set
 *   (set one of them to see where a failing token was created).
 *
 * A test synthesizes the fixture catalog and a generated many-service catalog both ways and compares the bytes
 * (__tests__/fast-paths.test.ts).
 */
import * as path from 'path';
import type { IConstruct } from 'constructs';
import { Aspects, DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Token, Tokenization } from 'cdktf';
// cdktf's own merge (not exported from its index): arrays concatenated, resolvables kept whole, undefined deletes.
import { deepMerge } from 'cdktf/lib/util';
// cdktf's resolution itself (`Tokenization.resolve` without the path option), so that its errors name the path.
import { resolve as resolveAt } from 'cdktf/lib/tokens/private/resolve';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * cdktf's resolution with its default resolver, as `lib/_tokens.js` resolves a stack, of a value found at `prefix`
 * (the path cdktf names in its errors).
 */
function cdktfResolve(stack: TerraformStack, value: unknown, preparing: boolean, prefix: string[]): any {
  return resolveAt(value, { scope: stack, preparing, resolver: RESOLVER, prefix });
}

/** cdktf's pattern of a number token inside a string (`lib/tokens/private/encoding.js` NUMBER_TOKEN_REGEX). */
const NUMBER_IN_STRING = /[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)/;
/** Every token marker (`${TfToken[`, `#{TfToken[` for lists, `&{TfToken[` for maps) contains this. */
const TOKEN_MARK = '{TfToken[';

/** Whether cdktf's resolution could change, or refuse, the string `s` (as a value or a key). */
function stringNeedsCdktf(s: string): boolean {
  return s.includes(TOKEN_MARK) || NUMBER_IN_STRING.test(s) || s === Token.STRING_MAP_TOKEN_VALUE || s === Token.ANY_MAP_TOKEN_VALUE;
}

/**
 * `value` resolved as cdktf resolves it, walking plain data here and handing cdktf only what holds a token (a
 * resolvable, a string with a token marker or an encoded number, a list or map token) or what cdktf would refuse
 * or treat apart (functions, constructs, dates, class instances, very deep nesting). cdktf's walk gives every
 * value its own resolution context (two closures and a path) and tests every string with three patterns; plain
 * data comes out of it unchanged but for undefined members and list items, which are dropped here too. A test
 * compares whole synthesized apps both ways.
 */
export function resolve(stack: TerraformStack, value: unknown, preparing = false): any {
  // The path of the value being walked (object keys, list indexes), as cdktf's errors name it.
  const at: string[] = [];
  const cdktf = (v: unknown) => cdktfResolve(stack, v, preparing, at.slice());
  const walk = (v: unknown): unknown => {
    switch (typeof v) {
      case 'undefined':
      case 'boolean':
        return v;
      case 'string':
        return stringNeedsCdktf(v) ? cdktf(v) : v;
      case 'number':
        return v === Token.NUMBER_MAP_TOKEN_VALUE || Token.isUnresolved(v) ? cdktf(v) : v;
      case 'object': {
        if (v === null) return null;
        if (at.length > 100) return cdktf(v);
        if (Array.isArray(v)) {
          // A list token (a string marker, or an encoded number: `Token.isUnresolved` of a one-item list) or any
          // string token: cdktf resolves the list.
          for (const x of v) if ((typeof x === 'string' && x.includes(TOKEN_MARK)) || (typeof x === 'number' && Token.isUnresolved([x]))) return cdktf(v);
          const out: unknown[] = [];
          for (let i = 0; i < v.length; i++) {
            at.push(String(i));
            const r = walk(v[i]);
            at.pop();
            if (r !== undefined) out.push(r);
          }
          return out;
        }
        const proto = Object.getPrototypeOf(v);
        if ((proto !== Object.prototype && proto !== null) || Tokenization.isResolvable(v)) return cdktf(v);
        const keys = Object.keys(v);
        for (const k of keys) if (stringNeedsCdktf(k)) return cdktf(v);
        const out: Record<string, unknown> = {};
        for (const k of keys) {
          at.push(k);
          const r = walk((v as Record<string, unknown>)[k]);
          at.pop();
          if (r !== undefined) out[k] = r;
        }
        return out;
      }
      default:
        return cdktf(v);
    }
  };
  return walk(value);
}

/** The stack's elements in cdktf's order (depth first, not into nested stacks): `terraformElements`. */
function elementsOf(stack: TerraformStack): TerraformElement[] {
  const out: TerraformElement[] = [];
  const visit = (node: IConstruct) => {
    if (TerraformElement.isTerraformElement(node)) out.push(node);
    for (const child of node.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return out;
}

/** What cdktf keeps private on a stack, read as cdktf's own toTerraform reads it. */
interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly cdktfVersion: string;
}

/**
 * cdktf's `prepareStack`, keeping each element's resolution: a map to hand to `toTerraform` below.
 */
export function prepareStack(stack: TerraformStack): Map<TerraformElement, unknown> {
  stack.ensureBackendExists();
  const prepared = new Map<TerraformElement, unknown>();
  // A preparing resolution may add elements (cross-stack outputs and remote state): they are not in this list.
  for (const e of elementsOf(stack)) prepared.set(e, resolve(stack, e.toTerraform(), true));
  return prepared;
}

function hasAspects(stack: TerraformStack): boolean {
  for (let scope: IConstruct | undefined = stack; scope; scope = scope.node.scope) if (Aspects.of(scope).all.length > 0) return true;
  return stack.node.findAll().some((n) => Aspects.of(n).all.length > 0);
}

/**
 * cdktf's `TerraformStack.toTerraform`, using the resolutions kept by `prepareStack` (when given and no Aspect could
 * have changed an element since) and resolving the merged stack's overrides only.
 */
export function toTerraform(stack: TerraformStack, prepared?: Map<TerraformElement, unknown>): Record<string, any> {
  const { rawOverrides, cdktfVersion } = stack as unknown as StackInternals;
  const kept = prepared && !hasAspects(stack) ? prepared : new Map<TerraformElement, unknown>();
  const tf: Record<string, any> = {};
  const metadata: Record<string, unknown> = {
    version: cdktfVersion,
    stackName: stack.node.id,
    backend: 'local', // overwritten by backend implementations if used
    cloud: undefined, // overwritten by cloud and remote backend implementations
    ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
  };
  const elements = elementsOf(stack);
  for (const e of elements) deepMerge(metadata, resolve(stack, e.toMetadata()));
  const outputs: Record<string, unknown> = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    const nested = item.node.path
      .split('/')
      .reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner }), {});
    deepMerge(outputs, nested);
  }
  tf['//'] = { metadata, outputs };
  for (const e of elements) deepMerge(tf, kept.has(e) ? kept.get(e) : resolve(stack, e.toTerraform()));
  deepMerge(tf, rawOverrides);
  // Only what the overrides touched is unresolved: cdktf resolves the whole merged stack, which leaves resolved
  // values as they are.
  for (const key of Object.keys(rawOverrides)) if (key in tf) tf[key] = resolve(stack, tf[key]);
  // cdktf's final resolution drops members left undefined; none of the resolved parts holds one.
  if (tf['//'].metadata.cloud === undefined) delete tf['//'].metadata.cloud;
  return tf;
}

let quiet = false;

/**
 * Stops cdktf capturing a stack trace for every token it creates (cdktf 0.21
 * `lib/tokens/private/stack-trace.js`, called by `Intrinsic`, `Lazy` and `ComplexResolvable`), unless `DEBUG` or
 * `CDKTF_TOKEN_TRACES` is set. The trace is only printed when a token fails to resolve.
 */
export function quietTokenTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (quiet || env.DEBUG || env.CDKTF_TOKEN_TRACES) return;
  const traces = require(path.join(path.dirname(require.resolve('cdktf')), 'tokens', 'private', 'stack-trace.js')) as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];
  quiet = true;
}
