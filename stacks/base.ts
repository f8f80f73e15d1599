import { Construct } from 'constructs';
import { LocalBackend, TerraformElement, TerraformStack } from 'cdktf';
import { prepareStack, toTerraform } from '../constructs/synthesis';
import { applyStateBackend, stateBackendFromEnv } from './backend';
import { countResources } from './summary';

/** What every DeltaCrown stack knows: the environment it belongs to. */
export interface DeltaCrownStackProps {
  readonly environment: string;
}

/**
 * Base of every stack: named `deltacrown-<environment>-<concern>`. Resource addresses depend only on construct
 * ids, never on the environment or the backend, so a stack moves between backends without replacing anything.
 * The state backend comes from the deploy environment (stacks/backend.ts: S3 with locking when
 * `DELTACROWN_STATE_BUCKET` is set, local otherwise). It is synthesized as cdktf synthesizes a stack, resolving each
 * element once instead of three times (constructs/synthesis.ts): the same bytes, in a fraction of the time.
 */
export abstract class DeltaCrownStack extends TerraformStack {
  readonly environment: string;
  /** Each element's resolution while the app prepared its stacks, used once when the stack is written. */
  private prepared?: Map<TerraformElement, unknown>;
  /** Resources and data sources in the stack as last written (`npm run synth`'s summary counts them). */
  synthesizedResources?: number;

  constructor(scope: Construct, concern: string, props: DeltaCrownStackProps) {
    super(scope, stackName(props.environment, concern));
    this.environment = props.environment;
    const backend = stateBackendFromEnv();
    applyStateBackend(this, backend);
    // Without a state bucket: a local backend at a path relative to the stack's directory, so that the synthesized
    // JSON (and every terraform_remote_state that reads it) is the same bytes from any checkout path. cdktf's own
    // default would be the absolute path of the synth directory.
    if (!backend) new LocalBackend(this, { path: localStatePath(this.node.id) });
    // use_lockfile (S3) needs Terraform >= 1.10; older versions would fail `init` with "Unsupported argument".
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
  }

  override prepareStack(): void {
    this.prepared = prepareStack(this);
  }

  override toTerraform(): any {
    const prepared = this.prepared;
    this.prepared = undefined;
    const tf = toTerraform(this, prepared);
    this.synthesizedResources = countResources(tf);
    return tf;
  }
}

/** The Terraform versions every stack accepts (the S3 backend's `use_lockfile` appeared in 1.10). */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10';

/**
 * Local state of a stack, relative to the directory Terraform runs in (`cdktf.out/stacks/<stack>`): the file
 * `terraform.<stack>.tfstate` in the project directory, three levels up, as with cdktf's default.
 */
export function localStatePath(stack: string): string {
  return `../../../terraform.${stack}.tfstate`;
}

/** `deltacrown-production-alerting`. */
export function stackName(environment: string, concern: string): string {
  return `deltacrown-${environment}-${concern}`;
}
