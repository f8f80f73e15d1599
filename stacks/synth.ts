/**
 * `npm run synth`: every stack of the plan written to the output directory, with what was written counted as it
 * is written (no file is read back for the summary line).
 */
import type { App } from 'cdktf';
import type { CatalogPlan } from '../lib/plan/types';
import { buildApp } from './app';
import { DeltaCrownStack } from './base';

/** What was written: the output directory, stack names (sorted), their resources and data sources in all. */
export interface SynthResult {
  readonly outdir: string;
  readonly stacks: string[];
  readonly resources: number;
}

function stacksOf(app: App): DeltaCrownStack[] {
  return app.node.children.filter((c): c is DeltaCrownStack => c instanceof DeltaCrownStack);
}

/** Builds and writes every stack of `plan` into `outdir` (default: cdktf's, `cdktf.out` or `CDKTF_OUTDIR`). */
export function synthesize(plan: CatalogPlan, opts: { outdir?: string } = {}): SynthResult {
  const app = buildApp(plan, { outdir: opts.outdir });
  app.synth();
  const stacks = stacksOf(app);
  return {
    outdir: app.outdir,
    stacks: stacks.map((s) => s.node.id).sort(),
    resources: stacks.reduce((n, s) => n + (s.synthesizedResources ?? 0), 0),
  };
}
