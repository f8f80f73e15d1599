import { Construct } from 'constructs';
import { S3BucketMetric } from '@cdktf/provider-aws/lib/s3-bucket-metric';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { S3Plan } from '../lib/plan/guardrails';
import type { GuardrailTopics } from './guardrail-topics';
import { guardrailAlarms } from './guardrail-alarms';

export interface S3GuardrailsProps {
  readonly plan: S3Plan;
  readonly topics: GuardrailTopics;
}

/**
 * Guardrails of the S3 media bucket: request metrics for the whole bucket (an `aws_s3_bucket_metric` without
 * filter; CloudWatch publishes `5xxErrors` only with one) and the alarms on them (dimensions BucketName and
 * FilterId). Request metrics are billed per configuration; they have no per-operation split.
 */
export class S3Guardrails extends Construct {
  readonly requestMetrics: S3BucketMetric;
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: S3GuardrailsProps) {
    super(scope, id);
    this.requestMetrics = new S3BucketMetric(this, 'request-metrics', { bucket: props.plan.bucket, name: props.plan.filterId });
    this.alarms = guardrailAlarms(this, props.plan.alarms, props.topics);
  }
}
