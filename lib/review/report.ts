/** The review as Markdown (for the PR comment) and as JSON (for machines). */
import type { Change, ChangeClass } from './diff';
import { renderSimulationSection, SimulationReview } from './simulation';

export interface Review {
  base: string;
  /** Set when the base catalog could not be loaded: everything in the head counts as added. */
  baseProblem?: string;
  changes: Change[];
  /** What the change does to the scenario library's detection and paging, when simulated. */
  simulation?: SimulationReview;
}

/** `3 changes: 1 loosened, 2 tightened — 1 flagged`. */
export function summaryLine(r: Review): string {
  if (r.changes.length === 0) return `No change to alerting against \`${r.base}\`.`;
  const counts = new Map<ChangeClass, number>();
  for (const c of r.changes) counts.set(c.class, (counts.get(c.class) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  const flagged = r.changes.filter((c) => c.flagged).length;
  return `**${r.changes.length} change${r.changes.length === 1 ? '' : 's'}** against \`${r.base}\`: ${parts}${flagged ? ` — ⚠️ ${flagged} flagged (paging gets quieter, later or goes away)` : ''}.`;
}

const cell = (s: string | undefined) => (s === undefined ? '' : `\`${s.replace(/\|/g, '\\|').replace(/`/g, "'")}\``);

/** The Markdown report: a heading, the summary line, then one table row per change. */
export function renderMarkdown(r: Review): string {
  const lines = ['## Alerting review', ''];
  if (r.baseProblem) lines.push(`> ⚠️ The catalog at \`${r.base}\` does not load (${r.baseProblem}); every item is shown as added.`, '');
  lines.push(summaryLine(r), '');
  if (r.changes.length) {
    lines.push('| | change | kind | item | field | old | new | environments |', '|---|---|---|---|---|---|---|---|');
    for (const c of r.changes) {
      lines.push(`| ${c.flagged ? '⚠️' : ''} | **${c.class}** | ${c.kind} | ${c.name} | ${c.field ?? ''} | ${cell(c.old)} | ${cell(c.new)} | ${c.environments.join(', ')} |`);
    }
    lines.push('');
  }
  if (r.simulation) lines.push(renderSimulationSection(r.simulation));
  return `${lines.join('\n')}\n`;
}

export function renderJson(r: Review): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
