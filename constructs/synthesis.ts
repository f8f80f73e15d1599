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
 * - cdktf captures a full stack trace (no depth limit) for every token it creates, only to print it if that token
 *   later fails to resolve. `quietTokenTraces()` turns that off unless `DEBUG` or `CDKTF_TOKEN_TRACES` is set
 *   (set one of them to see where a failing token was created).
 *
 * A test synthesizes the fixture catalog and a generated many-service catalog both ways and compares the bytes
 * (__tests__/fast-paths.test.ts).
 */
import * as path from 'path';
import type { IConstruct } from 'constructs';
import { Aspects, DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Tokenization } from 'cdktf';
// cdktf's own merge (not exported from its index): arrays concatenated, resolvables kept whole, undefined deletes.
import { deepMerge } from 'cdktf/lib/util';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

function resolve(stack: TerraformStack, value: unknown, preparing = false): any {
  return Tokenization.resolve(value, { scope: stack, preparing, resolver: RESOLVER });
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
