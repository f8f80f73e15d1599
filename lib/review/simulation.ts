/**
 * What a change does to detection and paging: the head's scenario library simulated through the base's rules and
 * routing and through the head's (lib/simulate), compared scenario by scenario. Both runs use the head's scenarios
 * and background, so only the change under review differs; promtool runs whose rules and series are the same are
 * shared (a routing-only change runs each scenario once).
 *
 * Per scenario and environment, the outcome is its most severe page (severity, time after the onset, who is paged),
 * else its first Slack message, else its first alert. A change is classified:
 * - `page lost`: an incident pages at a lower severity or not at all ("no longer pages critical");
 * - `detection slower`: an incident pages at the same severity, later (else its Slack message, else its first alert);
 * - `starts paging`: a quiet scenario pages (or pages higher);
 * - `page gained` / `detection faster`: the opposite of the first two, for an incident;
 * - `changed`: anything else (another alert or receiver; a quiet scenario that pages less, or notifies later).
 * Flagged ⚠️: an incident scenario that pages later, at a lower severity or not at all, or a quiet scenario that
 * starts to page.
 */
import type { Catalog } from '../catalog/model';
import { severityRank } from '../catalog/model';
import type { FiringByTime } from '../simulate/promtool';
import type { Outcome } from '../simulate/outcome';
import { simulate } from '../simulate/simulate';
import { notifiedText } from '../simulate/notify';
import { afterOnset as at } from '../simulate/outcome';

export const SIMULATION_CLASSES = ['page lost', 'detection slower', 'starts paging', 'page gained', 'detection faster', 'changed'] as const;
export type SimulationClass = (typeof SIMULATION_CLASSES)[number];

export interface ScenarioSummary {
  /** `critical page at 6m10s (PagerDuty deltacrown-worker · DeltaCrown critical → primary on-call)`. */
  text: string;
  /** Severity rank of the most severe page (lower is more severe); Infinity without a page. */
  pageRank: number;
  /** Seconds after the onset of the outcome's headline event (page, else Slack message, else first alert). */
  at?: number;
  /** Expectations that fail, in words. */
  failing: string[];
}

export interface ScenarioDelta {
  scenario: string;
  environment: string;
  kind: Outcome['kind'];
  class: SimulationClass;
  flagged: boolean;
  /** `no longer pages critical`, `pages 2m later`. */
  what: string;
  old: ScenarioSummary;
  new: ScenarioSummary;
}

export interface SimulationReview {
  /** Scenario runs compared (scenario × environment). */
  runs: number;
  /** promtool processes run for both sides. */
  processes: number;
  deltas: ScenarioDelta[];
  /** Why nothing was simulated, when it was not. */
  skipped?: string;
}

export interface SimulationReviewOptions {
  scenarios?: string[];
  environments?: string[];
  concurrency?: number;
}

export function summarize(o: Outcome): ScenarioSummary {
  const failing = o.expectations.filter((e) => !e.ok).map((e) => e.text);
  if (o.topPage) {
    return { text: `${o.topPage.severity} page at ${at(o.topPage.at)} (${notifiedText(o.topPage.notified)})`, pageRank: severityRank(o.topPage.severity), at: o.topPage.at, failing };
  }
  if (o.firstNotice) {
    const sev = o.firstNotice.alerts[0]?.severity ?? '';
    return { text: `no page; ${sev} to ${notifiedText(o.firstNotice.notified)} at ${at(o.firstNotice.at)}`, pageRank: Infinity, at: o.firstNotice.at, failing };
  }
  if (o.firstAlert) return { text: `no notification; ${o.firstAlert.alertname} fires at ${at(o.firstAlert.at)}`, pageRank: Infinity, at: o.firstAlert.at, failing };
  return { text: 'quiet', pageRank: Infinity, failing };
}

/** The change between two outcomes of one scenario, or undefined when nothing a reviewer cares about changed. */
export function compareOutcomes(base: Outcome, head: Outcome): ScenarioDelta | undefined {
  const o = summarize(base);
  const n = summarize(head);
  const incident = head.kind === 'incident';
  let cls: SimulationClass;
  let what: string;
  if (n.pageRank > o.pageRank) {
    cls = incident ? 'page lost' : 'changed';
    what = n.pageRank === Infinity ? 'no longer pages' : `no longer pages ${base.topPage!.severity} (now ${head.topPage!.severity})`;
  } else if (n.pageRank < o.pageRank) {
    cls = incident ? 'page gained' : 'starts paging';
    what = `now pages ${head.topPage!.severity}${base.topPage ? ` (was ${base.topPage.severity})` : ''}`;
  } else if (o.at !== undefined && n.at !== undefined && n.at !== o.at) {
    cls = !incident ? 'changed' : n.at > o.at ? 'detection slower' : 'detection faster';
    const d = Math.abs(n.at - o.at);
    what = `${o.pageRank === Infinity ? 'notifies' : `pages ${base.topPage!.severity}`} ${at(d)} ${n.at > o.at ? 'later' : 'sooner'}`;
  } else if (o.text !== n.text || (o.at === undefined) !== (n.at === undefined)) {
    cls = 'changed';
    what = 'another alert or receiver';
  } else return undefined;
  // The classes a reviewer must look at: an incident heard later, lower or not at all; a quiet scenario that pages.
  const flagged = cls === 'page lost' || cls === 'detection slower' || cls === 'starts paging';
  return { scenario: head.scenario, environment: head.environment, kind: head.kind, class: cls, flagged, what, old: o, new: n };
}

/** Simulates `head`'s scenario library through `base` and `head`, and compares every scenario's outcome. */
export async function simulationReview(base: Catalog, head: Catalog, opts: SimulationReviewOptions = {}): Promise<SimulationReview> {
  if (head.scenarioFiles.length === 0) return { runs: 0, processes: 0, deltas: [], skipped: 'the head catalog has no scenario library (scenarios/*.yml)' };
  const cache = new Map<string, Promise<FiringByTime>>();
  const common = { scenarios: opts.scenarios, environments: opts.environments, concurrency: opts.concurrency, cache };
  // One after the other: the head's run reuses every promtool run of the base's that it would repeat.
  const before = await simulate(base, { ...common, library: head });
  const after = await simulate(head, common);
  const key = (o: Outcome) => `${o.scenario}\0${o.environment}`;
  const old = new Map(before.outcomes.map((o) => [key(o), o]));
  const deltas: ScenarioDelta[] = [];
  for (const n of after.outcomes) {
    const o = old.get(key(n));
    const d = o && compareOutcomes(o, n);
    if (d) deltas.push(d);
  }
  const order = (d: ScenarioDelta) => SIMULATION_CLASSES.indexOf(d.class);
  deltas.sort((a, b) => Number(b.flagged) - Number(a.flagged) || order(a) - order(b) || a.scenario.localeCompare(b.scenario) || a.environment.localeCompare(b.environment));
  return { runs: after.outcomes.length, processes: before.processes + after.processes, deltas };
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The review's section: one row per scenario whose outcome changed. */
export function renderSimulationSection(s: SimulationReview): string {
  const lines = ['### Incident scenarios, simulated', ''];
  if (s.skipped) {
    lines.push(`Not simulated: ${s.skipped}.`, '');
    return `${lines.join('\n')}\n`;
  }
  const flagged = s.deltas.filter((d) => d.flagged).length;
  lines.push(
    s.deltas.length
      ? `The scenario library through the base's and this change's rules and routing (${s.runs} scenario runs): **${s.deltas.length} outcome${s.deltas.length === 1 ? '' : 's'} changed**${flagged ? ` — ⚠️ ${flagged} flagged (an incident pages later, lower or not at all, or a quiet scenario starts paging)` : ''}.`
      : `The scenario library through the base's and this change's rules and routing (${s.runs} scenario runs): no outcome changed.`,
    '',
  );
  if (s.deltas.length) {
    lines.push('| | scenario | environment | change | old | new |', '|---|---|---|---|---|---|');
    for (const d of s.deltas) {
      const failing = d.new.failing.filter((f) => !d.old.failing.includes(f));
      const now = `${d.new.text}${failing.length ? ` — ✗ ${failing.join('; ')}` : ''}`;
      lines.push(`| ${d.flagged ? '⚠️' : ''} | ${d.scenario} | ${d.environment} | **${d.what}** | ${cell(d.old.text)} | ${cell(now)} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
