import { Construct } from 'constructs';
import { EventOrchestrationService } from '@cdktf/provider-pagerduty/lib/event-orchestration-service';
import { Service } from '@cdktf/provider-pagerduty/lib/service';
import { ServiceIntegration } from '@cdktf/provider-pagerduty/lib/service-integration';
import { connectSlack } from './pagerduty-slack';
import type { Severity } from '../lib/plan/types';
import type { IntegrationKind, PagerDutyPlan, ServicePlan } from '../lib/plan/pagerduty';

export interface PagerDutyServiceProps {
  readonly service: ServicePlan;
  /** Escalation policy id (Terraform reference) per severity. */
  readonly escalationPolicyId: (severity: Severity) => string;
  /** Terraform prevent_destroy on the service. */
  readonly preventDestroy: boolean;
  /** Post the service's incidents to a Slack channel. */
  readonly slackConnection?: PagerDutyPlan['slackConnection'];
}

/**
 * One technical service: severity-based (or constant low) urgency, acknowledgement and auto-resolve timeouts,
 * a service orchestration that sends each paging severity through its own escalation policy, and an Events API v2
 * integration (Alertmanager). CloudWatch alarms reach their own services (pagerduty-cloudwatch-service.ts). The
 * integration key is a secret: read it through `integrationKey(kind)` (a Terraform reference), never as a value.
 */
export class PagerDutyService extends Construct {
  readonly service: Service;
  readonly integrations: Partial<Record<IntegrationKind, ServiceIntegration>>;

  constructor(scope: Construct, id: string, props: PagerDutyServiceProps) {
    super(scope, id);
    const s = props.service;
    this.service = new Service(this, 'service', {
      name: s.name,
      description: s.description,
      escalationPolicy: props.escalationPolicyId(s.escalationPolicy),
      alertCreation: 'create_alerts_and_incidents',
      acknowledgementTimeout: s.acknowledgementTimeout,
      autoResolveTimeout: s.autoResolveTimeout,
      incidentUrgencyRule: { type: 'constant', urgency: s.urgency },
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });

    const integrations: Partial<Record<IntegrationKind, ServiceIntegration>> = {};
    for (const i of s.integrations) {
      integrations[i.kind] = new ServiceIntegration(this, `integration-${i.kind}`, { service: this.service.id, name: i.name, type: i.type });
    }
    this.integrations = integrations;

    new EventOrchestrationService(this, 'orchestration', {
      service: this.service.id,
      enableEventOrchestrationForService: true,
      set: [
        {
          id: 'start',
          rule: s.orchestration.map((r) => ({
            label: r.label,
            condition: [{ expression: r.condition }],
            actions: { escalationPolicy: props.escalationPolicyId(r.escalationPolicy) },
          })),
        },
      ],
      catchAll: { actions: {} },
    });

    if (props.slackConnection) connectSlack(this, this.service.id, props.slackConnection);
  }

  /** The integration key of one integration: a Terraform reference token, resolved at apply time. */
  integrationKey(kind: IntegrationKind): string {
    const i = this.integrations[kind];
    if (!i) throw new Error(`service ${this.service.name} has no ${kind} integration`);
    return i.integrationKey;
  }
}
