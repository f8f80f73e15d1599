import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { GuardrailsPlan } from '../lib/plan/types';
import { GuardrailTopics, IntegrationKeys } from '../constructs/guardrail-topics';
import { RdsGuardrails } from '../constructs/rds-guardrails';
import { ElastiCacheGuardrails } from '../constructs/elasticache-guardrails';
import { S3Guardrails } from '../constructs/s3-guardrails';
import { DeltaCrownStack } from './base';

export type { IntegrationKeys } from '../constructs/guardrail-topics';

export interface GuardrailsStackProps {
  readonly environment: string;
  /** The environment's guardrails plan (lib/plan/guardrails.ts). */
  readonly plan: GuardrailsPlan;
  /**
   * The PagerDuty CloudWatch integration keys (the PagerDuty stack of the same environment). Required when the
   * environment routes a severity to `pagerduty`.
   */
  readonly pagerduty?: IntegrationKeys;
}

/**
 * `deltacrown-<environment>-guardrails`: the AWS CloudWatch guardrails of alerts/guardrails.yml — SNS topics per
 * severity (critical and high subscribed to the owning service's PagerDuty CloudWatch integration where the
 * environment pages), the RDS PostgreSQL and ElastiCache Redis parameter groups, S3 request metrics, and the
 * alarms on the three.
 *
 * The AWS provider takes its region from the catalog and its credentials from the deploy environment
 * (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, SSO or an instance role); every resource carries
 * the service / environment / managed-by tags.
 */
export class GuardrailsStack extends DeltaCrownStack {
  readonly plan: GuardrailsPlan;
  readonly topics: GuardrailTopics;
  readonly rds?: RdsGuardrails;
  readonly elasticache?: ElastiCacheGuardrails;
  readonly s3?: S3Guardrails;

  constructor(scope: Construct, props: GuardrailsStackProps) {
    super(scope, 'guardrails', props);
    this.plan = props.plan;
    new AwsProvider(this, 'aws', { region: this.plan.region, defaultTags: [{ tags: { ...this.plan.tags } }] });

    this.topics = new GuardrailTopics(this, 'topics', { topics: this.plan.topics, integrations: props.pagerduty });
    if (this.plan.rds) {
      this.rds = new RdsGuardrails(this, 'rds', { plan: this.plan.rds, topics: this.topics });
      new TerraformOutput(this, 'rds_parameter_group', {
        value: this.rds.parameterGroup.name,
        description: `DB parameter group for RDS instance ${this.plan.rds.instanceId} (set it as the instance's parameter_group_name).`,
      });
    }
    if (this.plan.elasticache) {
      this.elasticache = new ElastiCacheGuardrails(this, 'elasticache', { plan: this.plan.elasticache, topics: this.topics });
      new TerraformOutput(this, 'elasticache_parameter_group', {
        value: this.elasticache.parameterGroup.name,
        description: `ElastiCache parameter group for replication group ${this.plan.elasticache.replicationGroup} (set it as its parameter_group_name).`,
      });
    }
    if (this.plan.s3) this.s3 = new S3Guardrails(this, 's3', { plan: this.plan.s3, topics: this.topics });
    new TerraformOutput(this, 'topic_arns', {
      value: Object.fromEntries(this.plan.topics.map((t) => [t.id, this.topics.arn(t.id)])),
      description: 'SNS topic ARN per <service>-<severity>: where the guardrail alarms notify.',
    });
  }
}
