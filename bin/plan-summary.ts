/**
 * `node scripts/run.cjs bin/plan-summary changed <base cdktf.out> <head cdktf.out>`: prints the stacks whose synthesized JSON differs
 * (one per line). `node scripts/run.cjs bin/plan-summary summary <head cdktf.out> <plans dir>`: Markdown summary of the plans
 * `<plans dir>/<stack>.json` (`terraform show -json`), for the PR review comment. Used by .github/workflows/pr.yml.
 */
import * as fs from 'fs';
import * as path from 'path';
import { changedStacks, renderPlanSummary, StackPlan } from '../lib/plan-summary';
import { runCli } from './cli';

function readStacks(outdir: string): Map<string, unknown> {
  const dir = path.join(outdir, 'stacks');
  const m = new Map<string, unknown>();
  if (!fs.existsSync(dir)) return m;
  for (const s of fs.readdirSync(dir).sort()) m.set(s, JSON.parse(fs.readFileSync(path.join(dir, s, 'cdk.tf.json'), 'utf8')));
  return m;
}

runCli(() => {
  const [cmd, a, b] = process.argv.slice(2);
  if (cmd === 'changed' && a && b) {
    for (const s of changedStacks(readStacks(a), readStacks(b))) process.stdout.write(`${s}\n`);
  } else if (cmd === 'summary' && a && b) {
    const head = readStacks(a);
    const plans: StackPlan[] = [];
    for (const f of fs.existsSync(b) ? fs.readdirSync(b).filter((x) => x.endsWith('.json')).sort() : []) {
      const stack = f.replace(/\.json$/, '');
      plans.push({ stack, plan: JSON.parse(fs.readFileSync(path.join(b, f), 'utf8')), synthesized: head.get(stack) as StackPlan['synthesized'] });
    }
    process.stdout.write(renderPlanSummary(plans, [...head.keys()].filter((s) => !plans.some((p) => p.stack === s))));
  } else {
    throw new Error('usage: plan-summary changed <base cdktf.out> <head cdktf.out> | summary <head cdktf.out> <plans dir>');
  }
});
