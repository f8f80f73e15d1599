import { Construct } from 'constructs';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { RdsPlan } from '../lib/plan/guardrails';
import type { GuardrailTopics } from './guardrail-topics';
import { guardrailAlarms } from './guardrail-alarms';

export interface RdsGuardrailsProps {
  readonly plan: RdsPlan;
  readonly topics: GuardrailTopics;
}

/**
 * Guardrails of the PostgreSQL RDS instance: a DB parameter group with the runbook's settings
 * (`statement_timeout` …) and the alarms on the instance's AWS/RDS metrics. The instance itself is managed
 * elsewhere: it uses these settings once its `parameter_group_name` is this group (stack output
 * `rds_parameter_group`). The group is named by `name_prefix`: a replacement (new family or description) gets a
 * fresh name and is created before the old one is deleted, so it never collides.
 */
export class RdsGuardrails extends Construct {
  readonly parameterGroup: DbParameterGroup;
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: RdsGuardrailsProps) {
    super(scope, id);
    const pg = props.plan.parameterGroup;
    this.parameterGroup = new DbParameterGroup(this, 'parameter-group', {
      // A replacement (family, description) gets a fresh name: no collision under create_before_destroy.
      namePrefix: 'namePrefix' in pg.naming ? pg.naming.namePrefix : undefined,
      name: 'name' in pg.naming ? pg.naming.name : undefined,
      family: pg.family,
      description: pg.description,
      parameter: pg.parameters.map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod })),
      tags: { service: props.plan.service },
      lifecycle: { createBeforeDestroy: true },
    });
    this.alarms = guardrailAlarms(this, props.plan.alarms, props.topics);
  }
}
