/**
 * What Terraform would do, per stack, for the pull-request review: which synthesized stacks changed between two synth
 * outputs, and a Markdown summary of `terraform show -json` plans — add / change / destroy per stack, and every
 * replacement (or destroy) of a resource the stack protects with `prevent_destroy` called out (Terraform refuses to
 * apply it; a PagerDuty schedule replaced loses its rotation). Pure functions of parsed JSON: no I/O, no cdktf.
 */

/** The parts of `terraform show -json <planfile>` read here. */
export interface PlanJson {
  resource_changes?: { address: string; mode?: string; type: string; name: string; change: { actions: string[] } }[];
}

/** A synthesized stack's cdk.tf.json (only `resource` is read). */
export type StackJson = { resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>> } & Record<string, unknown>;

export interface StackPlan {
  stack: string;
  plan: PlanJson;
  synthesized: StackJson;
}

export interface StackSummary {
  stack: string;
  add: number;
  change: number;
  destroy: number;
  /** Addresses of resources that are destroyed and created again. */
  replace: string[];
  /** Addresses with `prevent_destroy` that the plan replaces or destroys. */
  protectedReplaced: string[];
}

/** Counts the way `terraform plan` prints them: a replacement counts once as add and once as destroy. */
export function summarizePlan(p: StackPlan): StackSummary {
  const s: StackSummary = { stack: p.stack, add: 0, change: 0, destroy: 0, replace: [], protectedReplaced: [] };
  for (const rc of p.plan.resource_changes ?? []) {
    if (rc.mode === 'data') continue;
    const a = rc.change.actions;
    if (a.includes('create')) s.add++;
    if (a.includes('delete')) s.destroy++;
    if (a.length === 1 && a[0] === 'update') s.change++;
    if (a.includes('create') && a.includes('delete')) s.replace.push(rc.address);
    if (a.includes('delete') && p.synthesized.resource?.[rc.type]?.[rc.name]?.lifecycle?.prevent_destroy) s.protectedReplaced.push(rc.address);
  }
  return s;
}

/** The Markdown section appended to the review comment. */
export function renderPlanSummary(plans: StackPlan[], notPlanned: string[] = []): string {
  const out = ['### Terraform plan', ''];
  if (!plans.length) out.push('No synthesized stack changed: nothing to plan.');
  else {
    out.push('| stack | add | change | destroy | replaced |', '|---|---|---|---|---|');
    const summaries = plans.map(summarizePlan);
    for (const s of summaries) out.push(`| \`${s.stack}\` | ${s.add} | ${s.change} | ${s.destroy} | ${s.replace.length ? s.replace.map((r) => `\`${r}\``).join(', ') : '—'} |`);
    const prot = summaries.flatMap((s) => s.protectedReplaced.map((a) => `${s.stack}: \`${a}\``));
    if (prot.length) {
      out.push('', `**⚠ ${prot.length} resource${prot.length === 1 ? '' : 's'} with \`prevent_destroy\` would be destroyed or replaced** (the apply fails; a replaced schedule loses its rotation):`, '');
      for (const p of prot) out.push(`- ${p}`);
    }
  }
  if (notPlanned.length) out.push('', `Not planned (unchanged): ${notPlanned.map((s) => `\`${s}\``).join(', ')}.`);
  return `${out.join('\n')}\n`;
}

/**
 * Stacks whose synthesized JSON differs between two synth outputs (`stack name → cdk.tf.json`), ignoring cdktf's
 * `//` metadata: the stacks a change touches, added stacks included. Sorted.
 */
export function changedStacks(base: ReadonlyMap<string, unknown>, head: ReadonlyMap<string, unknown>): string[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '//').map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return [...head.keys()].filter((s) => JSON.stringify(strip(base.get(s))) !== JSON.stringify(strip(head.get(s)))).sort();
}
