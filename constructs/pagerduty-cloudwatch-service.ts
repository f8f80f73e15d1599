import { Construct } from 'constructs';
import { Service } from '@cdktf/provider-pagerduty/lib/service';
import { ServiceIntegration } from '@cdktf/provider-pagerduty/lib/service-integration';
import { connectSlack } from './pagerduty-slack';
import type { CloudWatchServicePlan, PagerDutyPlan } from '../lib/plan/pagerduty';

export interface PagerDutyCloudWatchServiceProps {
  readonly plan: CloudWatchServicePlan;
  /** Escalation policy id (Terraform reference) of the plan's severity. */
  readonly escalationPolicyId: string;
  readonly preventDestroy: boolean;
  readonly slackConnection?: PagerDutyPlan['slackConnection'];
}

/**
 * The PagerDuty service that CloudWatch alarms of one severity reach (lib/plan/pagerduty.ts
 * `CloudWatchServicePlan`): that severity's escalation policy, a constant urgency, no auto-resolve, and one Amazon
 * CloudWatch integration whose key the severity's SNS topic posts to. No orchestration: nothing re-routes its events.
 */
export class PagerDutyCloudWatchService extends Construct {
  readonly service: Service;
  readonly integration: ServiceIntegration;

  constructor(scope: Construct, id: string, props: PagerDutyCloudWatchServiceProps) {
    super(scope, id);
    const p = props.plan;
    this.service = new Service(this, 'service', {
      name: p.name,
      description: p.description,
      escalationPolicy: props.escalationPolicyId,
      alertCreation: 'create_alerts_and_incidents',
      acknowledgementTimeout: p.acknowledgementTimeout,
      autoResolveTimeout: p.autoResolveTimeout,
      incidentUrgencyRule: { type: 'constant', urgency: p.urgency },
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.integration = new ServiceIntegration(this, 'integration', { service: this.service.id, name: p.integration.name, type: p.integration.type });
    if (props.slackConnection) connectSlack(this, this.service.id, props.slackConnection);
  }

  /** The CloudWatch integration key: a Terraform reference token, resolved at apply time. */
  get integrationKey(): string {
    return this.integration.integrationKey;
  }
}
