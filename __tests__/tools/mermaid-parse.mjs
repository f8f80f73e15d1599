// Parses Mermaid diagrams with the real Mermaid parser (mermaid's own `parse`) in node, under jsdom (mermaid's
// sanitizer needs a DOM). Reads a JSON array of diagram texts on stdin; prints a JSON array of
// { ok, type } / { ok: false, error } in the same order. Run by __tests__/oncall-doc.test.ts.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const k of ['window', 'document', 'DOMParser', 'Element', 'HTMLElement', 'Node', 'navigator']) {
  if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: k === 'window' ? dom.window : dom.window[k], configurable: true, writable: true });
}
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const r = await mermaid.parse(text);
    out.push({ ok: true, type: r.diagramType });
  } catch (e) {
    out.push({ ok: false, error: String(e?.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(out));
