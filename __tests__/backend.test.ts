/**
 * stacks/backend.ts: every stack keeps its state in S3 (encrypted, locked) when the deploy environment names a
 * state bucket, locally otherwise — and the choice changes no resource address. The whole app is synthesized
 * into temp directories, as `npm run synth` writes it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { buildApp } from '../stacks/app';
import { DEFAULT_KEY_PREFIX, stateBackendFromEnv, stateKey } from '../stacks/backend';
import { REQUIRED_TERRAFORM_VERSION } from '../stacks/base';
import { FIXTURE, FIXTURE_ALERTS, readTree, tempDir } from './helpers';
import { synthApp, tfAddresses, TfJson } from './helpers-synth';
import { resolveCatalog } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);

describe('stateBackendFromEnv', () => {
  it('is the local backend (undefined) without a state bucket', () => {
    expect(stateBackendFromEnv({})).toBeUndefined();
    expect(stateBackendFromEnv({ DELTACROWN_STATE_BUCKET: '  ' })).toBeUndefined();
  });

  it('reads bucket, region, key prefix and lock table', () => {
    expect(
      stateBackendFromEnv({
        DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate',
        DELTACROWN_STATE_REGION: 'eu-west-1',
        DELTACROWN_STATE_KEY_PREFIX: '/alerting/prod/',
        DELTACROWN_STATE_LOCK_TABLE: 'terraform-locks',
      }),
    ).toEqual({ bucket: 'deltacrown-tfstate', region: 'eu-west-1', keyPrefix: 'alerting/prod', lockTable: 'terraform-locks' });
  });

  it('defaults the key prefix and needs no lock table', () => {
    const c = stateBackendFromEnv({ DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate', DELTACROWN_STATE_REGION: 'eu-west-1' })!;
    expect(c).toEqual({ bucket: 'deltacrown-tfstate', region: 'eu-west-1', keyPrefix: DEFAULT_KEY_PREFIX });
    expect(stateKey(c, 'deltacrown-production-guardrails')).toBe('deltacrown-alerting/deltacrown-production-guardrails.tfstate');
  });

  it.each([
    [{ DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate' }, /DELTACROWN_STATE_REGION is required with DELTACROWN_STATE_BUCKET/],
    [{ DELTACROWN_STATE_REGION: 'eu-west-1' }, /DELTACROWN_STATE_REGION set without DELTACROWN_STATE_BUCKET/],
    [{ DELTACROWN_STATE_BUCKET: 'Bad_Bucket', DELTACROWN_STATE_REGION: 'eu-west-1' }, /DELTACROWN_STATE_BUCKET: expected an S3 bucket name, got 'Bad_Bucket'/],
    [{ DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate', DELTACROWN_STATE_REGION: 'europe' }, /DELTACROWN_STATE_REGION: expected an AWS region such as eu-west-1, got 'europe'/],
    [{ DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate', DELTACROWN_STATE_REGION: 'eu-west-1', DELTACROWN_STATE_KEY_PREFIX: 'a b' }, /DELTACROWN_STATE_KEY_PREFIX: expected a key prefix/],
    [{ DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate', DELTACROWN_STATE_REGION: 'eu-west-1', DELTACROWN_STATE_LOCK_TABLE: 'x' }, /DELTACROWN_STATE_LOCK_TABLE: expected a DynamoDB table name/],
  ])('refuses a half or malformed configuration rather than falling back to local state: %j', (env, message) => {
    expect(() => stateBackendFromEnv(env)).toThrow(message);
  });
});

describe('the whole app', () => {
  const s3Env = {
    DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate',
    DELTACROWN_STATE_REGION: 'eu-west-1',
    DELTACROWN_STATE_KEY_PREFIX: 'alerting',
    DELTACROWN_STATE_LOCK_TABLE: 'terraform-locks',
  };
  const before = Object.fromEntries(Object.keys(s3Env).map((n) => [n, process.env[n]]));
  const local = synthApp(catalog);
  const s3 = synthApp(catalog, s3Env);
  const s3NoTable = synthApp(catalog, { DELTACROWN_STATE_BUCKET: 'deltacrown-tfstate', DELTACROWN_STATE_REGION: 'eu-west-1' });

  it('synthesizes the same stacks, among them both guardrails stacks', () => {
    expect([...s3.keys()]).toEqual([...local.keys()]);
    expect([...local.keys()]).toEqual(expect.arrayContaining(['deltacrown-production-guardrails', 'deltacrown-staging-guardrails']));
  });

  it('without the variables: every stack has the local backend, at a path relative to its directory (the project directory)', () => {
    for (const [name, tf] of local) {
      expect(Object.keys(tf.terraform.backend)).toEqual(['local']);
      // cdktf.out/stacks/<stack> → ../../../ is the project directory, where cdktf's default puts it too.
      expect(tf.terraform.backend.local.path).toBe(`../../../terraform.${name}.tfstate`);
    }
  });

  it('every stack requires Terraform >= 1.10 (the S3 backend’s use_lockfile), with either backend', () => {
    expect(REQUIRED_TERRAFORM_VERSION).toBe('>= 1.10');
    for (const stacks of [local, s3, s3NoTable]) for (const tf of stacks.values()) expect(tf.terraform.required_version).toBe('>= 1.10');
  });

  it('with them: every stack has an encrypted S3 backend with locking, one key per stack', () => {
    for (const [name, tf] of s3) {
      expect(tf.terraform.backend).toEqual({
        s3: { bucket: 'deltacrown-tfstate', key: `alerting/${name}.tfstate`, region: 'eu-west-1', encrypt: true, use_lockfile: true, dynamodb_table: 'terraform-locks' },
      });
      expect(tf['//'].metadata.backend).toBe('s3');
    }
    for (const [name, tf] of s3NoTable) {
      expect(tf.terraform.backend).toEqual({ s3: { bucket: 'deltacrown-tfstate', key: `deltacrown-alerting/${name}.tfstate`, region: 'eu-west-1', encrypt: true, use_lockfile: true } });
    }
  });

  it('the resource addresses are identical with either backend', () => {
    for (const [name, tf] of local) {
      expect({ name, addresses: tfAddresses(s3.get(name)!) }).toEqual({ name, addresses: tfAddresses(tf) });
      expect(tfAddresses(tf).length).toBeGreaterThan(0);
    }
  });

  it('cross-stack references read the other stack’s state from the same backend', () => {
    const remotes = (stacks: Map<string, TfJson>) =>
      [...stacks].flatMap(([name, tf]) => Object.entries(tf.data?.terraform_remote_state ?? {}).map(([id, r]) => ({ name, id, r: r as any })));
    const s3Remotes = remotes(s3);
    // The production guardrails read the PagerDuty stack's CloudWatch integration key.
    expect(s3Remotes.map((x) => `${x.name} → ${x.id}`)).toContain('deltacrown-production-guardrails → cross-stack-reference-input-deltacrown-production-pagerduty');
    for (const { id, r } of s3Remotes) {
      const from = id.replace('cross-stack-reference-input-', '');
      expect(r.backend).toBe('s3');
      expect(r.config).toMatchObject({ bucket: 'deltacrown-tfstate', key: `alerting/${from}.tfstate`, region: 'eu-west-1' });
    }
    const localRemotes = remotes(local);
    expect(localRemotes.length).toBeGreaterThan(0);
    for (const { id, r } of localRemotes) {
      const from = id.replace('cross-stack-reference-input-', '');
      expect(r.backend).toBe('local');
      // Relative like the backend itself: every stack directory is at the same depth, so the path names the same file.
      expect(r.config).toEqual({ path: local.get(from)!.terraform.backend.local.path });
    }
  });

  it('leaves the process environment as it found it', () => {
    for (const name of Object.keys(s3Env)) expect(process.env[name]).toBe(before[name]);
  });
});

describe('synth from two checkout paths', () => {
  /** `npm run synth` as a checkout at `dir` runs it: catalog `alerts/`, output `cdktf.out/`, both relative to the cwd. */
  const synthIn = (dir: string): Map<string, string> => {
    fs.cpSync(FIXTURE, dir, { recursive: true });
    const cwd = process.cwd();
    const saved = process.env.DELTACROWN_STATE_BUCKET;
    delete process.env.DELTACROWN_STATE_BUCKET;
    try {
      process.chdir(dir);
      buildApp(resolveCatalog(loadCatalog('alerts')), { outdir: 'cdktf.out' }).synth();
    } finally {
      process.chdir(cwd);
      if (saved !== undefined) process.env.DELTACROWN_STATE_BUCKET = saved;
    }
    return readTree(path.join(dir, 'cdktf.out'));
  };
  const a = synthIn(path.join(tempDir('deltacrown-checkout-a-'), 'deep', 'er'));
  const b = synthIn(tempDir('deltacrown-checkout-b-'));

  it('writes the same files with the same bytes', () => {
    expect([...a.keys()].filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThanOrEqual(8);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, text] of a) expect({ file, same: b.get(file) === text }).toEqual({ file, same: true });
  });

  it('mentions neither checkout path nor the temp directory', () => {
    for (const [file, text] of a) expect({ file, absolute: /"\/(tmp|home|work|Users)\//.test(text) }).toEqual({ file, absolute: false });
  });
});
