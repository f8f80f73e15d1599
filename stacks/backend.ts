/**
 * Where every stack keeps its Terraform state, chosen by the deploy environment:
 *
 * | variable                      | meaning                                                                   |
 * |-------------------------------|---------------------------------------------------------------------------|
 * | `DELTACROWN_STATE_BUCKET`     | S3 bucket of the state; set → S3 backend, unset → local backend           |
 * | `DELTACROWN_STATE_REGION`     | region of that bucket (required with the bucket)                          |
 * | `DELTACROWN_STATE_KEY_PREFIX` | key prefix; the state of a stack is `<prefix>/<stack name>.tfstate` (default `deltacrown-alerting`) |
 * | `DELTACROWN_STATE_LOCK_TABLE` | optional DynamoDB table for locking, in addition to the S3 lock file      |
 *
 * The S3 backend encrypts the state and locks it with S3's native lock file (`use_lockfile`, Terraform ≥ 1.10),
 * plus the DynamoDB table when one is given (both during a migration off DynamoDB locking). Without a bucket,
 * cdktf's default local backend applies (`terraform.<stack name>.tfstate` in the project directory), which is
 * what `npm run synth` writes on a workstation.
 *
 * The backend is no resource: switching it changes no resource address. Cross-stack references follow the
 * backend: cdktf reads another stack's outputs through a `terraform_remote_state` of the same backend.
 */
import { S3Backend, TerraformStack } from 'cdktf';

/** Settings of the S3 state backend. */
export interface StateBackendConfig {
  readonly bucket: string;
  readonly region: string;
  /** Key prefix without leading or trailing slash. */
  readonly keyPrefix: string;
  /** DynamoDB table for state locking, in addition to the S3 lock file. */
  readonly lockTable?: string;
}

/** The environment variables read by `stateBackendFromEnv`, documented in README "Deploy". */
export const STATE_VARIABLES = {
  bucket: 'DELTACROWN_STATE_BUCKET',
  region: 'DELTACROWN_STATE_REGION',
  keyPrefix: 'DELTACROWN_STATE_KEY_PREFIX',
  lockTable: 'DELTACROWN_STATE_LOCK_TABLE',
} as const;

/** Key prefix when `DELTACROWN_STATE_KEY_PREFIX` is not set. */
export const DEFAULT_KEY_PREFIX = 'deltacrown-alerting';

/**
 * The S3 backend settings from environment variables, or undefined (local backend) when no state bucket is set.
 * Throws on a bucket without region or on malformed values, so a deploy never silently falls back to local state.
 */
export function stateBackendFromEnv(env: NodeJS.ProcessEnv = process.env): StateBackendConfig | undefined {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const bucket = get(STATE_VARIABLES.bucket);
  const others = [STATE_VARIABLES.region, STATE_VARIABLES.keyPrefix, STATE_VARIABLES.lockTable].filter((n) => get(n) !== undefined);
  if (!bucket) {
    if (others.length) throw new Error(`${others.join(', ')} set without ${STATE_VARIABLES.bucket}: set the state bucket too, or unset them for local state`);
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`${STATE_VARIABLES.bucket}: expected an S3 bucket name, got '${bucket}'`);
  const region = get(STATE_VARIABLES.region);
  if (!region) throw new Error(`${STATE_VARIABLES.region} is required with ${STATE_VARIABLES.bucket} (the region of the state bucket)`);
  if (!/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/.test(region)) throw new Error(`${STATE_VARIABLES.region}: expected an AWS region such as eu-west-1, got '${region}'`);
  const keyPrefix = (get(STATE_VARIABLES.keyPrefix) ?? DEFAULT_KEY_PREFIX).replace(/^\/+|\/+$/g, '');
  if (!keyPrefix || /[^A-Za-z0-9!_.*'()/-]/.test(keyPrefix)) {
    throw new Error(`${STATE_VARIABLES.keyPrefix}: expected a key prefix of letters, digits and / - _ . characters, got '${get(STATE_VARIABLES.keyPrefix)}'`);
  }
  const lockTable = get(STATE_VARIABLES.lockTable);
  if (lockTable !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(lockTable)) throw new Error(`${STATE_VARIABLES.lockTable}: expected a DynamoDB table name, got '${lockTable}'`);
  return { bucket, region, keyPrefix, ...(lockTable ? { lockTable } : {}) };
}

/** State key of a stack: `<prefix>/<stack name>.tfstate`. */
export function stateKey(config: StateBackendConfig, stackName: string): string {
  return `${config.keyPrefix}/${stackName}.tfstate`;
}

/**
 * Configures the state backend of a stack: the S3 backend with encryption and locking when `config` is given,
 * otherwise nothing (cdktf adds its default local backend at synth).
 */
export function applyStateBackend(stack: TerraformStack, config: StateBackendConfig | undefined): void {
  if (!config) return;
  new S3Backend(stack, {
    bucket: config.bucket,
    key: stateKey(config, stack.node.id),
    region: config.region,
    encrypt: true,
    ...(config.lockTable ? { dynamodbTable: config.lockTable } : {}),
  });
  // S3-native locking (Terraform ≥ 1.10); cdktf 0.21's S3BackendConfig predates the option.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
