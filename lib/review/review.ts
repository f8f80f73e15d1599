/** Builds the review of the working-tree catalog against the catalog at a git ref. */
import type { Catalog } from '../catalog/model';
import { resolveCatalog } from '../plan/resolve';
import { diffItems } from './diff';
import { FACETS, FacetContext, ReviewItem } from './facets';
import { loadCatalogAtRef } from './git';
import type { Review } from './report';
import { simulationReview, SimulationReviewOptions } from './simulation';

/** Every reviewable item of a catalog's plan, as of the instant `ctx.at`. */
export function reviewItems(c: Catalog, ctx: FacetContext): ReviewItem[] {
  const plan = resolveCatalog(c);
  return FACETS.flatMap((f) => f(plan, { ...ctx, dir: c.dir }));
}

export interface ReviewOptions {
  /**
   * Simulate the scenario library through the base and the head and report every changed outcome (default: when
   * the head has a scenario library); `false` skips it, options narrow it (scenarios, environments).
   */
  simulate?: boolean | SimulationReviewOptions;
}

/**
 * Reviews `head` (a loaded catalog) against the catalog found at `baseRef` in git, both as of the instant
 * `ctx.at` (who is on call then), and — unless `options.simulate` is false — what the change does to the scenario
 * library's detection and paging. The base is read into a temp directory that is removed afterwards.
 */
export async function reviewAgainst(head: Catalog, baseRef: string, catalogDir: string, ctx: FacetContext, options: ReviewOptions = {}): Promise<Review> {
  const at = loadCatalogAtRef(baseRef, catalogDir);
  const base = 'catalog' in at ? at.catalog : undefined;
  const baseProblem = 'problem' in at ? at.problem : undefined;
  const review: Review = { base: baseRef, baseProblem, changes: diffItems(base ? reviewItems(base, ctx) : [], reviewItems(head, ctx)) };
  const sim = options.simulate ?? true;
  if (sim !== false && head.scenarioFiles.length) {
    review.simulation = base
      ? await simulationReview(base, head, sim === true ? {} : sim)
      : { runs: 0, processes: 0, deltas: [], skipped: `the catalog at \`${baseRef}\` does not load` };
  }
  return review;
}
