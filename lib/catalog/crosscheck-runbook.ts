/**
 * Every runbook anchor the catalog writes — alert families (`rules/*.yml`), SLOs (`slos.yml`), guardrail alarms
 * (`guardrails.yml`), dashboards (`dashboards.yml`) and incident scenarios (`scenarios/*.yml`) — must be a section of the runbook (`docs/runbook.md`):
 * the anchor becomes a `runbook_url` / alarm description / dashboard link, and a dead one sends the on-call to the
 * top of the runbook in the middle of an incident. Synthetic checks link through their alert family.
 */
import { CatalogIssue } from './errors';
import type { Catalog } from './model';
import type { SourceFile, FieldPath } from './source';
import { closest } from './closest';
import { GUARDRAIL_KINDS } from '../cloudwatch-metrics';

/** The runbook the anchors are checked against. */
export interface Runbook {
  /** How messages name it, e.g. `docs/runbook.md`. */
  readonly name: string;
  /** Anchors of its headings (`markdownAnchors`). */
  readonly anchors: ReadonlySet<string>;
}

/** Where a catalog writes a runbook anchor: the file, the field path and the anchor. */
export function runbookReferences(c: Catalog): { src: SourceFile; at: FieldPath; anchor: string }[] {
  const out: { src: SourceFile; at: FieldPath; anchor: string }[] = [];
  for (const { source, data } of c.ruleFiles) data.families.forEach((f, i) => out.push({ src: source, at: ['families', i, 'runbook'], anchor: f.runbook }));
  const slos = c.sources.slos;
  if (slos) c.slos.slos.forEach((s, i) => out.push({ src: slos, at: ['slos', i, 'runbook'], anchor: s.runbook }));
  const guardrails = c.sources.guardrails;
  if (c.guardrails && guardrails) {
    for (const kind of GUARDRAIL_KINDS) {
      c.guardrails[kind]?.alarms.forEach((a, i) => out.push({ src: guardrails, at: [kind, 'alarms', i, 'runbook'], anchor: a.runbook }));
    }
  }
  const dashboards = c.sources.dashboards;
  if (c.dashboards && dashboards) c.dashboards.dashboards.forEach((d, i) => out.push({ src: dashboards, at: ['dashboards', i, 'runbook'], anchor: d.runbook }));
  for (const { source, data } of c.scenarioFiles) {
    data.scenarios.forEach((s, i) => s.runbook !== undefined && out.push({ src: source, at: ['scenarios', i, 'runbook'], anchor: s.runbook }));
  }
  return out;
}

/** An issue for every runbook anchor of the catalog that is not a section of the runbook. */
export function crossCheckRunbook(c: Catalog, runbook: Runbook): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const known = [...runbook.anchors];
  for (const { src, at, anchor } of runbookReferences(c)) {
    if (runbook.anchors.has(anchor)) continue;
    const hint = closest(anchor, known) ?? known.find((k) => k.startsWith(`${anchor}-`) || anchor.startsWith(`${k}-`));
    issues.push(
      src.issue(
        at,
        `no section '#${anchor}' in ${runbook.name}; expected one of its anchors${hint ? `, such as ${hint}` : ` (the GitHub slug of a heading: '## HTTP 5xx ratio' is http-5xx-ratio)`}`,
      ),
    );
  }
  return issues;
}
