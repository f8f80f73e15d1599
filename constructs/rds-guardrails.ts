import { Construct } from 'constructs';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { RdsPlan } from '../lib/render/guardrails';
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
 * `rds_parameter_group`). A new family gets a new group name, created before the old one is deleted.
 */
export class RdsGuardrails extends Construct {
  readonly parameterGroup: DbParameterGroup;
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: RdsGuardrailsProps) {
    super(scope, id);
    const pg = props.plan.parameterGroup;
    this.parameterGroup = new DbParameterGroup(this, 'parameter-group', {
      name: pg.name,
      family: pg.family,
      description: pg.description,
      parameter: pg.parameters.map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod })),
      tags: { service: props.plan.service },
      lifecycle: { createBeforeDestroy: true },
    });
    this.alarms = guardrailAlarms(this, props.plan.alarms, props.topics);
  }
}
