import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';

/** What every DeltaCrown stack knows: the environment it belongs to. */
export interface DeltaCrownStackProps {
  readonly environment: string;
}

/**
 * Base of every stack: named `deltacrown-<environment>-<concern>`. Resource addresses depend only on construct
 * ids, never on the environment or the backend, so a stack moves between backends without replacing anything.
 */
export abstract class DeltaCrownStack extends TerraformStack {
  readonly environment: string;

  constructor(scope: Construct, concern: string, props: DeltaCrownStackProps) {
    super(scope, stackName(props.environment, concern));
    this.environment = props.environment;
  }
}

/** `deltacrown-production-alerting`. */
export function stackName(environment: string, concern: string): string {
  return `deltacrown-${environment}-${concern}`;
}
