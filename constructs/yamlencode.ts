/**
 * `yamlencode(value)` as a Terraform expression, written byte for byte as cdktf's `Fn.yamlencode` writes it, in
 * one pass over the value.
 *
 * cdktf renders a function argument with `TFExpression.resolveArg` (cdktf 0.21 `lib/tfExpression.js`): at every
 * object or list it first resolves the whole subtree, then renders each member by resolving it again, so a value of
 * depth d is walked d times, each node with its own resolution context. For the Alertmanager configuration of a
 * catalog with many services (routes nested five deep, hundreds of receivers) that walk was most of the synth.
 * This resolvable renders the same HCL in one walk:
 * - a string is `"…"` with newlines as `\n` and `${` as `$${` (`TFExpression.escapeString`); like cdktf, a string
 *   that already starts and ends with `"` is not quoted again;
 * - a string that is one Terraform token (a reference, a variable) is resolved in the expression context, so it is
 *   written bare (`data.terraform_remote_state.….outputs.…`) and cross-stack references are registered while the
 *   stack is prepared, as cdktf does;
 * - numbers, booleans and null as they are; lists `[a, b]`; objects `{"key" = value, …}` with undefined members
 *   dropped.
 * A string mixing text and tokens, a list token, a map token, an undefined list element or a function is refused
 * rather than written differently from cdktf. A test compares both renderings.
 */
import type { IResolvable, IResolveContext } from 'cdktf';
import { Token, Tokenization } from 'cdktf';

/** The expression `yamlencode(value)` as a string token (what `Fn.yamlencode(value)` returns). */
export function yamlencode(value: unknown): string {
  return Token.asString(new FunctionCall('yamlencode', value));
}

type Context = IResolveContext & { ignoreEscapes?: boolean; warnEscapes?: boolean };

class FunctionCall implements IResolvable {
  readonly creationStack: string[] = [];

  constructor(
    private readonly name: string,
    private readonly arg: unknown,
  ) {}

  resolve(context: Context): string {
    // As cdktf's FunctionCall: braces only outside an expression; escapes ignored inside it (restored after).
    const suppressBraces = context.suppressBraces;
    const { ignoreEscapes, warnEscapes } = context;
    context.suppressBraces = true;
    context.ignoreEscapes = true;
    context.warnEscapes = true;
    const expr = `${this.name}(${hcl(context, this.arg, 'value')})`;
    context.ignoreEscapes = ignoreEscapes;
    context.warnEscapes = warnEscapes;
    return suppressBraces ? expr : `\${${expr}}`;
  }

  toString(): string {
    return Token.asString(this);
  }
}

/** `TFExpression.escapeString`. */
function escapeString(s: string): string {
  return s.replace(/\n/g, '\\n').replace(/\$\{/g, '$$${');
}

function hcl(context: Context, value: unknown, at: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return String(value);
    case 'number':
      return String(Token.isUnresolved(value) ? context.resolve(value) : value);
    case 'string': {
      if (Token.isUnresolved(value)) {
        const parts = Tokenization.reverseString(value);
        if (parts.literals.length > 0 || parts.escapes.length > 0 || parts.tokens.length + parts.intrinsic.length !== 1) {
          throw new Error(`yamlencode: ${at} mixes text and Terraform tokens; pass the token alone`);
        }
        return String(context.resolve(value));
      }
      return value !== '"' && value.startsWith('"') && value.endsWith('"') ? escapeString(value) : `"${escapeString(value)}"`;
    }
    case 'object': {
      if (Tokenization.isResolvable(value)) return String(context.resolve(value));
      if (Array.isArray(value)) {
        if (value.length > 0 && typeof value[0] === 'string' && value[0].startsWith('#{TfToken[')) {
          throw new Error(`yamlencode: ${at} is a list token; pass it outside yamlencode`);
        }
        return `[${value
          .map((v, i) => {
            if (v === undefined) throw new Error(`yamlencode: ${at}[${i}] is undefined`);
            return hcl(context, v, `${at}[${i}]`);
          })
          .join(', ')}]`;
      }
      const members = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      for (const [k] of members) if (k.startsWith('&{TfToken[')) throw new Error(`yamlencode: ${at} is a map token`);
      return `{${members.map(([k, v]) => `"${k}" = ${hcl(context, v, `${at}.${k}`)}`).join(', ')}}`;
    }
    default:
      throw new Error(`yamlencode: ${at} is a ${typeof value}, not plain data`);
  }
}
