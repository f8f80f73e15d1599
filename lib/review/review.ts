/** Builds the review of the working-tree catalog against the catalog at a git ref. */
import { loadCatalog } from '../catalog/load';
import { CatalogError } from '../catalog/errors';
import type { Catalog } from '../catalog/model';
import { diffItems } from './diff';
import { FACETS, ReviewItem } from './facets';
import { catalogAtRef } from './git';
import type { Review } from './report';

/** Every reviewable item of a catalog. */
export function reviewItems(c: Catalog): ReviewItem[] {
  return FACETS.flatMap((f) => f(c));
}

/** Reviews `head` (a loaded catalog) against the catalog found at `baseRef` in git. */
export function reviewAgainst(head: Catalog, baseRef: string, catalogDir: string): Review {
  const dir = catalogAtRef(baseRef, catalogDir);
  let base: ReviewItem[] = [];
  let baseProblem: string | undefined;
  if (!dir) baseProblem = `no ${catalogDir}/ directory there`;
  else {
    try {
      // Only the catalog is read at the ref, not docs/: the base's runbook anchors are not the review's subject.
      base = reviewItems(loadCatalog(dir, { runbook: false }));
    } catch (e) {
      if (!(e instanceof CatalogError)) throw e;
      baseProblem = `${e.issues.length} catalog error${e.issues.length === 1 ? '' : 's'}, first: ${e.issues[0].message}`;
    }
  }
  return { base: baseRef, baseProblem, changes: diffItems(base, reviewItems(head)) };
}
