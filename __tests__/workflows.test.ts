/** The GitHub Actions workflows: they parse, run what the README says, and deploy exactly the synthesized stacks. */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { loadCatalog } from '../lib/catalog/load';
import { buildApp } from '../stacks/app';
import { FIXTURE_ALERTS, ROOT, tempDir } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const load = (name: string) => parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8'));
const pr = load('pr.yml');
const deploy = load('deploy.yml');
const runs = (job: any): string[] => job.steps.filter((s: any) => s.run).map((s: any) => s.run as string);
const uses = (job: any): string[] => job.steps.filter((s: any) => s.uses).map((s: any) => s.uses as string);

const catalog = loadCatalog(FIXTURE_ALERTS);
const app = buildApp(resolveCatalog(catalog));
const stacks = app.node.children.filter((c): c is TerraformStack => 'environment' in c) as (TerraformStack & { environment: string })[];

describe.each([
  ['pr.yml', pr],
  ['deploy.yml', deploy],
])('%s', (_name, wf) => {
  it('has a name, triggers and jobs, each with steps and a timeout', () => {
    expect(typeof wf.name).toBe('string');
    expect(wf.on).toBeDefined();
    for (const job of Object.values<any>(wf.jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest');
      expect(job['timeout-minutes']).toBeGreaterThan(0);
      expect(job.steps.length).toBeGreaterThan(0);
      for (const s of job.steps) expect(Boolean(s.run) !== Boolean(s.uses)).toBe(true);
    }
  });

  it('pins every action to a major version', () => {
    for (const job of Object.values<any>(wf.jobs)) for (const u of uses(job)) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });

  it('only refers to jobs that exist in needs', () => {
    const names = Object.keys(wf.jobs);
    for (const job of Object.values<any>(wf.jobs)) for (const n of [job.needs ?? []].flat()) expect(names).toContain(n);
  });

  it('holds no secret literal: tokens come from secrets or vars', () => {
    const text = JSON.stringify(wf);
    expect(text).not.toMatch(/hooks\.slack\.com|events\.pagerduty\.com|AKIA[0-9A-Z]{16}|glsa_/);
    for (const job of Object.values<any>(wf.jobs)) {
      for (const s of job.steps) for (const [k, v] of Object.entries<string>(s.env ?? {})) if (/TOKEN|AUTH|URL|KEY|CONFIG/.test(k)) expect(v).toMatch(/^\$\{\{ (secrets|vars)\.[A-Z_]+ \}\}$/);
    }
  });
});

describe('pr.yml', () => {
  it('runs on pull requests to main, installs the Debian tools, runs the README’s test command and synth', () => {
    expect(pr.on.pull_request.branches).toEqual(['main']);
    const steps = runs(pr.jobs.test).join('\n');
    expect(steps).toMatch(/apt-get install .*prometheus prometheus-alertmanager prometheus-blackbox-exporter/);
    expect(steps).toContain('npm ci');
    expect(steps).toContain('npm test');
    expect(steps).toContain('npm run synth');
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('npm test');
  });

  it('keeps the cdktf CLI off the network: CHECKPOINT_DISABLE in both workflows and in .ci/run', () => {
    expect(pr.env.CHECKPOINT_DISABLE).toBe('1');
    expect(load('deploy.yml').env.CHECKPOINT_DISABLE).toBe('1');
    expect(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^export CHECKPOINT_DISABLE=1$/m);
  });

  it('reviews against the PR base with full history, the scenario simulation included, and posts (or updates) one comment', () => {
    const job = pr.jobs.review;
    expect(job.steps.find((s: any) => s.uses?.startsWith('actions/checkout')).with['fetch-depth']).toBe(0);
    expect(runs(job).join('\n')).toContain('npm run -s review -- --base "origin/${{ github.base_ref }}" > review.md');
    // The review simulates the scenario library with the real promtool: installed before the review runs.
    const install = runs(job).findIndex((r) => /apt-get install .*\bprometheus\b/.test(r));
    const review = runs(job).findIndex((r) => r.includes('npm run -s review'));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(review);
    const script = job.steps.find((s: any) => s.uses?.startsWith('actions/github-script')).with.script as string;
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
    expect(script).toMatch(/<!-- deltacrown-alerting-review -->/);
    expect(pr.permissions['pull-requests']).toBe('write');
  });
});

describe('pr.yml: terraform validate and plan', () => {
  const envs = catalog.catalog.environments.map((e) => e.name).sort();

  it('validates every stack npm run synth writes: init -backend=false, then validate, for each directory under cdktf.out/stacks', () => {
    const job = pr.jobs.validate;
    expect(uses(job)).toContain('hashicorp/setup-terraform@v3');
    const steps = runs(job);
    const synth = steps.findIndex((r) => r.includes('npm run synth'));
    const loop = steps.findIndex((r) => r.includes('terraform -chdir="$dir" validate'));
    expect(synth).toBeGreaterThanOrEqual(0);
    expect(loop).toBeGreaterThan(synth);
    expect(steps[loop]).toContain('for dir in cdktf.out/stacks/*/; do');
    expect(steps[loop]).toContain('terraform -chdir="$dir" init -backend=false');
    // The loop covers whatever the app synthesizes: every stack is one directory cdktf.out/stacks/<stack id>.
    const app2 = buildApp(resolveCatalog(catalog), { outdir: tempDir('deltacrown-wf-') });
    app2.synth();
    const written = fs.readdirSync(path.join(app2.outdir, 'stacks')).sort();
    expect(written).toEqual(stacks.map((s) => s.node.id).sort());
    expect(written.length).toBeGreaterThanOrEqual(8);
  });

  it('plans only for same-repository PRs, per environment with read-only credentials and no state lock', () => {
    const job = pr.jobs.plan;
    expect(job.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    expect(job.needs).toBe('validate');
    expect([...job.strategy.matrix.environment].sort()).toEqual(envs);
    expect(job.environment).toBe('${{ matrix.environment }}-readonly');
    const aws = job.steps.find((s: any) => s.uses?.startsWith('aws-actions/configure-aws-credentials'));
    expect(aws.with['role-to-assume']).toBe('${{ vars.AWS_PLAN_ROLE_ARN }}');
    const plan = job.steps.find((s: any) => s.run?.includes('terraform -chdir="$dir" plan'));
    expect(plan.run).toContain('-lock=false');
    expect(plan.run).not.toMatch(/\bapply\b/);
    for (const [k, v] of Object.entries<string>(plan.env)) if (/TOKEN|AUTH/.test(k)) expect({ k, v }).toEqual({ k, v: expect.stringMatching(/READONLY/) });
    expect(plan.run).toContain('bin/plan-summary summary');
  });

  it('plans every stack the app synthesizes when it changes: each belongs to one planned environment', () => {
    const step = pr.jobs.plan.steps.find((s: any) => s.run?.includes('bin/plan-summary changed'));
    expect(step.run).toContain('grep "^deltacrown-${{ matrix.environment }}-"');
    for (const s of stacks) expect({ stack: s.node.id, planned: envs.some((e) => s.node.id.startsWith(`deltacrown-${e}-`)) }).toEqual({ stack: s.node.id, planned: true });
  });

  it('adds the plan summary to the review comment, also when the plan did not run', () => {
    const job = pr.jobs.review;
    expect(job.needs).toBe('plan');
    expect(job.if).toBe('always()');
    const add = runs(job).find((r) => r.includes('plan-summary-'))!;
    expect(add).toContain('>> review.md');
    const post = job.steps.findIndex((s: any) => s.uses?.startsWith('actions/github-script'));
    const append = job.steps.findIndex((s: any) => s.run?.includes('plan-summary-'));
    expect(append).toBeLessThan(post);
  });
});

describe('deploy.yml', () => {
  it('deploys on main, one deploy at a time, never cancelling one half-way', () => {
    expect(deploy.on.push.branches).toEqual(['main']);
    expect(deploy.concurrency).toEqual({ group: 'deploy-alerting', 'cancel-in-progress': false });
  });

  it('tests, then deploys staging, then production', () => {
    expect(deploy.jobs.staging.needs).toBe('test');
    expect(deploy.jobs.production.needs).toBe('staging');
    expect(runs(deploy.jobs.test).join('\n')).toContain('npm test');
  });

  it('assumes an AWS role through OIDC, with no stored AWS keys', () => {
    expect(deploy.permissions['id-token']).toBe('write');
    for (const env of ['staging', 'production']) {
      const aws = deploy.jobs[env].steps.find((s: any) => s.uses?.startsWith('aws-actions/configure-aws-credentials'));
      expect(aws.with['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
      expect(JSON.stringify(aws.with)).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
    }
  });

  it('passes the state-bucket variables from the environment', () => {
    for (const v of ['DELTACROWN_STATE_BUCKET', 'DELTACROWN_STATE_REGION', 'DELTACROWN_STATE_KEY_PREFIX', 'DELTACROWN_STATE_LOCK_TABLE']) {
      expect(deploy.env[v]).toBe(`\${{ vars.${v} }}`);
    }
  });

  it.each(['staging', 'production'])('%s: deploys exactly the stacks the app synthesizes for it, non-interactively', (env) => {
    const job = deploy.jobs[env];
    expect(job.environment).toBe(env);
    const step = job.steps.find((s: any) => s.run?.includes('cdktf deploy'));
    expect(step.run).toContain('--auto-approve');
    const deployed = step.run.split(/\s+/).filter((w: string) => w.startsWith('deltacrown-')).sort();
    expect(deployed).toEqual(stacks.filter((s) => s.environment === env).map((s) => s.node.id).sort());
  });

  it.each(['staging', 'production'])('%s: provides every required Terraform variable and provider token', (env) => {
    const step = deploy.jobs[env].steps.find((s: any) => s.run?.includes('cdktf deploy'));
    for (const s of stacks.filter((x) => x.environment === env)) {
      const tf = JSON.parse(Testing.synth(s));
      for (const [name, v] of Object.entries<any>(tf.variable ?? {})) {
        if (!('default' in v)) expect({ stack: s.node.id, variable: `TF_VAR_${name}`, set: `TF_VAR_${name}` in step.env }).toMatchObject({ set: true });
      }
    }
    expect(step.env.PAGERDUTY_TOKEN).toBe('${{ secrets.PAGERDUTY_TOKEN }}');
  });
});
