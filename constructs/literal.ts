/**
 * A large plain value that cdktf writes as is, without walking it.
 *
 * cdktf resolves a stack's elements three times (a preparing pass, once per element, once over the whole stack),
 * visiting every nested string, number and key with its own resolution context. For a PrometheusRule holding a
 * few thousand rules that walk is most of a synth. `literal(value)` wraps a value that holds no Terraform token in
 * an `IResolvable` that every pass returns unchanged — it resolves to `null` and registers a post-processor that
 * hands back the value itself; cdktf does not resolve a post-processor's result again (cdktf 0.21
 * `lib/tokens/resolvable.js` `DefaultTokenResolver.resolveToken`), and `deepMerge` keeps resolvables whole
 * (`lib/util.js`). The wrapper is an instance of its own class, not a plain object: a resource's `toTerraform`
 * passes its attributes through `processDynamicAttributes` (`lib/util.js`), which copies every plain object
 * (`value.constructor === Object`) member by member, and such a copy would lose the hidden members and be walked
 * after all (a test measures that the walk is skipped). The written bytes are those of the plain value, with undefined members dropped as resolution
 * drops them (a test compares them). A value that does contain a token is rejected, so nothing that needs
 * resolving can slip through.
 */
import type { IPostProcessor, IResolvable, IResolveContext } from 'cdktf';
import { Token } from 'cdktf';

/**
 * `value` as cdktf resolution would write it (undefined members dropped), each string passed through `strings`;
 * throws on an embedded token, naming where it is (`at`: the path walked so far, kept on one stack).
 */
function plain(value: unknown, strings: (s: string) => string, at: string[]): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string' || typeof value === 'number') {
    if (Token.isUnresolved(value)) throw new Error(`literal: ${at.join('')} holds a Terraform token; pass it as an attribute instead`);
    return typeof value === 'string' ? strings(value) : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      if (v === undefined) continue;
      at.push(`[${out.length}]`);
      out.push(plain(v, strings, at));
      at.pop();
    }
    return out;
  }
  if (typeof value === 'object') {
    if (Token.isUnresolved(value)) throw new Error(`literal: ${at.join('')} is a Terraform token; pass it as an attribute instead`);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      at.push(`.${k}`);
      out[k] = plain(v, strings, at);
      at.pop();
    }
    return out;
  }
  throw new Error(`literal: ${at.join('')} is a ${typeof value}, not plain data`);
}

/** The class of every literal: its instances are not plain objects, so cdktf keeps them whole (see above). */
class Literal {}

/**
 * A copy of the object `value` (plain data, no tokens) that cdktf passes through without resolving it; typed as
 * the value so it fits the attribute it is given to. The copy is the data itself — its enumerable members are
 * the value's, so every serialiser (cdktf's writer, `Testing.synth`, `JSON.stringify`) writes the plain value —
 * with three hidden (non-enumerable) members that make it a resolvable to cdktf. `strings` maps every string of
 * the copy (e.g. escaping catalog text for Terraform) in the same walk.
 */
export function literal<T extends object>(value: T, strings: (s: string) => string = (s) => s): T {
  if (Array.isArray(value)) throw new Error('literal: wrap the object that holds the list (cdktf walks lists before it looks for tokens)');
  const copy = Object.assign(new Literal(), plain(value, strings, ['value'])) as unknown as T & IResolvable & IPostProcessor;
  const hide = (name: string, v: unknown) => Object.defineProperty(copy, name, { value: v, enumerable: false });
  hide('creationStack', []);
  hide('resolve', (context: IResolveContext) => {
    context.registerPostProcessor(copy);
    return null;
  });
  hide('postProcess', () => copy);
  return copy;
}
