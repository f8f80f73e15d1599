import { Construct } from 'constructs';
import { ElasticacheParameterGroup } from '@cdktf/provider-aws/lib/elasticache-parameter-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { ElastiCachePlan } from '../lib/plan/guardrails';
import type { GuardrailTopics } from './guardrail-topics';
import { guardrailAlarms } from './guardrail-alarms';

export interface ElastiCacheGuardrailsProps {
  readonly plan: ElastiCachePlan;
  readonly topics: GuardrailTopics;
}

/**
 * Guardrails of the ElastiCache Redis replication group: a parameter group with `maxmemory-policy allkeys-lru`
 * and one set of alarms per member node (AWS/ElastiCache, dimension CacheClusterId), since a single hot or full
 * node is enough to slow the cache down. The replication group is managed elsewhere: it uses these settings once
 * its `parameter_group_name` is this group (stack output `elasticache_parameter_group`). The name ends in a hash
 * of family and description, the attributes that force a replacement, so the replacement (created before the old
 * group is deleted) never collides with it.
 */
export class ElastiCacheGuardrails extends Construct {
  readonly parameterGroup: ElasticacheParameterGroup;
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ElastiCacheGuardrailsProps) {
    super(scope, id);
    const pg = props.plan.parameterGroup;
    this.parameterGroup = new ElasticacheParameterGroup(this, 'parameter-group', {
      // The name carries a hash of family and description (ElastiCache has no name_prefix): a replacement renames it.
      name: 'name' in pg.naming ? pg.naming.name : pg.baseName,
      family: pg.family,
      description: pg.description,
      parameter: pg.parameters.map((p) => ({ name: p.name, value: p.value })),
      tags: { service: props.plan.service },
      lifecycle: { createBeforeDestroy: true },
    });
    this.alarms = guardrailAlarms(this, props.plan.alarms, props.topics);
  }
}
