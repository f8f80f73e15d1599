import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { AlarmPlan } from '../lib/plan/guardrails';
import type { GuardrailTopics } from './guardrail-topics';
import { escapeTerraform } from './terraform-strings';

/**
 * CloudWatch metric alarms from rendered plans, under `scope` with the plan's id (a stable Terraform address).
 * Every alarm sends ALARM and OK notifications to its severity's topic (`alarm_actions` and `ok_actions`), so an
 * incident opened by the alarm resolves when the alarm does. Percentile alarms evaluate periods with few
 * samples instead of ignoring them (RDS latency has one datapoint a minute).
 */
export function guardrailAlarms(scope: Construct, alarms: readonly AlarmPlan[], topics: GuardrailTopics): CloudwatchMetricAlarm[] {
  return alarms.map((a) => {
    const topic = topics.arn(a.topic);
    return new CloudwatchMetricAlarm(scope, a.id, {
      alarmName: a.alarmName,
      alarmDescription: escapeTerraform(a.description),
      namespace: a.namespace,
      metricName: a.metricName,
      dimensions: { ...a.dimensions },
      ...(a.extendedStatistic ? { extendedStatistic: a.extendedStatistic, evaluateLowSampleCountPercentiles: 'evaluate' } : { statistic: a.statistic }),
      period: a.period,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm,
      comparisonOperator: a.comparisonOperator,
      threshold: a.threshold,
      treatMissingData: a.treatMissingData,
      actionsEnabled: true,
      alarmActions: [topic],
      okActions: [topic],
      tags: { service: a.service, severity: a.severity },
    });
  });
}
