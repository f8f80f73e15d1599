import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { applyStateBackend, stateBackendFromEnv } from './backend';

/** What every DeltaCrown stack knows: the environment it belongs to. */
export interface DeltaCrownStackProps {
  readonly environment: string;
}

/**
 * Base of every stack: named `deltacrown-<environment>-<concern>`. Resource addresses depend only on construct
 * ids, never on the environment or the backend, so a stack moves between backends without replacing anything.
 * The state backend comes from the deploy environment (stacks/backend.ts: S3 with locking when
 * `DELTACROWN_STATE_BUCKET` is set, local otherwise).
 */
export abstract class DeltaCrownStack extends TerraformStack {
  readonly environment: string;

  constructor(scope: Construct, concern: string, props: DeltaCrownStackProps) {
    super(scope, stackName(props.environment, concern));
    this.environment = props.environment;
    applyStateBackend(this, stateBackendFromEnv());
  }
}

/** `deltacrown-production-alerting`. */
export function stackName(environment: string, concern: string): string {
  return `deltacrown-${environment}-${concern}`;
}
