/**
 * Alert conditions as an on-call engineer reads them (`HTTP 5xx ratio > 5% over 5m`, `burn rate > 14.4× over 1h
 * and 5m`, `pod <pod> of <service> is in phase Failed`) instead of PromQL. Shared by the on-call reference and the
 * runbook's generated regions, so both say the same. Pure text.
 */
import type { ResolvedAlert } from '../plan/types';

/** Rate windows used by an alert (`5m`, `1h` …), from its expression and, for burn alerts, its recording rules. */
export function alertWindows(a: ResolvedAlert): string[] {
  const ws = new Set<string>();
  for (const m of (a.signalExpr ?? a.expr).matchAll(/\[([0-9]+[smhdwy])\]/g)) ws.add(m[1]);
  for (const m of a.expr.matchAll(/ratio_rate([0-9]+[smhdwy])/g)) ws.add(m[1]);
  return [...ws];
}

/** An annotation template with its placeholders spelt for people: `{{ $labels.pod }}` → `<pod>`, `{{ $value }}` → `N`. */
function untemplate(t: string): string {
  return t
    .replace(/\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, '<$1>')
    .replace(/\{\{\s*\$value[^}]*\}\}/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The condition without the signal's name: `> 5%`, `burn rate > 14.4× over 1h and 5m`, or, for an alert written as
 * a PromQL condition, what it checks in words (its description, or for synthetic checks the checks and the number of
 * failing probe locations).
 */
export function conditionText(a: ResolvedAlert): string {
  if (a.kind === 'burn') return `burn rate > ${a.expr.match(/> \(([0-9.]+) \*/)?.[1] ?? '?'}× over ${alertWindows(a).join(' and ')}`;
  if (a.thresholdText) return `${a.comparison === 'below' ? '<' : '>'} ${a.thresholdText}`;
  const probes = /probe_success\{job=~"([^"]+)"\}[\s\S]*>=\s*([0-9]+)/.exec(a.expr);
  if (probes) return `check ${probes[1].split('|').map((j) => `\`${j}\``).join(' or ')} fails from ≥ ${probes[2]} probe locations`;
  const eq = /^\s*([a-z_:]+)\s*==\s*([0-9.]+)\s*$/.exec(a.expr);
  if (eq) return `\`${eq[1]}\` is ${eq[2]}`;
  if (/^\s*vector\(1\)\s*$/.test(a.expr)) return 'always firing';
  return untemplate(a.annotations.description).replace(/\.$/, '');
}

/** The condition with what it measures and over which window: `HTTP 5xx ratio > 5% over 5m`. */
export function humanCondition(a: ResolvedAlert): string {
  const ws = alertWindows(a);
  if (a.kind === 'burn') return `error budget ${conditionText(a)}`;
  if (!a.thresholdText) return conditionText(a);
  // The summary names what is measured (`PostgreSQL active connections above 80`); the service prefix is the label's.
  const what = untemplate(a.annotations.summary).replace(/^<service>:\s*/, '');
  const over = ws.length ? ` over ${ws.join(', ')}` : '';
  return what.includes(a.thresholdText) ? `${what}${over}` : `${what} (${conditionText(a)}${over})`;
}
