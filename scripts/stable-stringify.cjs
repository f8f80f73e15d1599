'use strict';
/**
 * `json-stable-stringify` (1.3.0, what cdktf 0.21 writes `cdk.tf.json` and `manifest.json` with), the same output
 * in a fraction of the time: keys sorted, `space` indentation, an empty list or object written with its closing
 * bracket on its own line (`[\n  ]`), members whose value is undefined (or a function) left out, list items that
 * are undefined written as `null`, `toJSON` honoured, a cycle through an object a TypeError. The original builds
 * every indentation string anew and calls through bound helpers for each node; at a few thousand rules that was
 * a second of every synth. scripts/preload.cjs puts it in place of the original for `npm run synth`; a test compares
 * the two on every synthesized file and on edge cases (__tests__/fast-paths.test.ts). Only the options cdktf
 * passes are supported: `space` (a number or a string); anything else is refused.
 */

function stableStringify(obj, opts) {
  if (opts !== undefined && (typeof opts !== 'object' || Object.keys(opts).some((k) => k !== 'space'))) {
    throw new TypeError('stable-stringify: only the `space` option is supported');
  }
  let space = (opts && opts.space) || '';
  if (typeof space === 'number') space = ' '.repeat(space);
  const indents = [];
  const indentOf = (level) => indents[level] ?? (indents[level] = space ? `\n${space.repeat(level)}` : '');
  const colon = space ? ': ' : ':';
  const seen = new Set();

  function write(node, level) {
    if (node && typeof node.toJSON === 'function') node = node.toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== 'object' || node === null) return JSON.stringify(node);
    const indent = indentOf(level);
    const inner = indentOf(level + 1);
    if (Array.isArray(node)) {
      let out = '[';
      for (let i = 0; i < node.length; i++) {
        out += `${i ? ',' : ''}${inner}${write(node[i], level + 1) || 'null'}`;
      }
      return `${out}${indent}]`;
    }
    if (seen.has(node)) throw new TypeError('Converting circular structure to JSON');
    seen.add(node);
    const keys = Object.keys(node).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const value = write(node[key], level + 1);
      if (!value) continue;
      out += `${first ? '' : ','}${inner}${JSON.stringify(key)}${colon}${value}`;
      first = false;
    }
    seen.delete(node);
    return `${out}${indent}}`;
  }

  return write(obj, 0);
}

module.exports = stableStringify;
