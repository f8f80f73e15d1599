/** The one line `npm run synth` prints: what was written, where. */
import * as fs from 'fs';
import * as path from 'path';

/**
 * `synthesized 8 stacks (255 resources and data sources) into cdktf.out/stacks: deltacrown-production-alerting, …`
 * from what the synth counted while writing (stacks/synth.ts); `shown` is how the directory is named to people.
 */
export function summaryLine({ stacks, resources }: { stacks: readonly string[]; resources: number }, shown: string): string {
  return `synthesized ${stacks.length} stacks (${resources} resources and data sources) into ${path.join(shown, 'stacks')}: ${stacks.join(', ')}`;
}

/**
 * The stacks (sorted names) under `outdir` and their resources and data sources in all, read back from `cdk.tf.json`
 * (the benchmark's count of what a synth wrote).
 */
export function synthesized(outdir: string): { stacks: string[]; resources: number } {
  const dir = path.join(outdir, 'stacks');
  const stacks = fs.readdirSync(dir).sort();
  let resources = 0;
  for (const s of stacks) resources += countResources(JSON.parse(fs.readFileSync(path.join(dir, s, 'cdk.tf.json'), 'utf8')));
  return { stacks, resources };
}

/** Resources and data sources of a stack's Terraform JSON. */
export function countResources(tf: { resource?: object; data?: object }): number {
  let n = 0;
  for (const block of [tf.resource ?? {}, tf.data ?? {}]) for (const byName of Object.values(block)) n += Object.keys(byName as object).length;
  return n;
}
