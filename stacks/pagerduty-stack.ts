import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AlertGroupingSetting } from '@cdktf/provider-pagerduty/lib/alert-grouping-setting';
import { BusinessService } from '@cdktf/provider-pagerduty/lib/business-service';
import { PagerdutyProvider } from '@cdktf/provider-pagerduty/lib/provider';
import { ServiceDependency } from '@cdktf/provider-pagerduty/lib/service-dependency';
import type { IntegrationKind, PagerDutyPlan, Severity } from '../lib/plan/types';
import { PagerDutyOnCall } from '../constructs/pagerduty-oncall';
import { PagerDutyService } from '../constructs/pagerduty-service';
import { PagerDutyCloudWatchService } from '../constructs/pagerduty-cloudwatch-service';
import { DeltaCrownStack } from './base';

export interface PagerDutyStackProps {
  readonly environment: string;
  /** The environment's PagerDuty plan (lib/plan/pagerduty.ts). */
  readonly plan: PagerDutyPlan;
}

/**
 * `deltacrown-<environment>-pagerduty`: the runbook's on-call in PagerDuty, from alerts/oncall.yml — team, Primary
 * and Secondary schedules, one escalation policy per paging severity, the technical services with their Events API
 * v2 integrations, per service and paging severity a CloudWatch service (that severity's policy, no auto-resolve)
 * with its Amazon CloudWatch integration, alert grouping, and the business service depending on them.
 *
 * The provider reads its token from `PAGERDUTY_TOKEN` (and `PAGERDUTY_USER_TOKEN` for the optional Slack
 * connection). Integration keys leave the stack only as sensitive outputs and Terraform references
 * (`integrationKey`), which other stacks read from this stack's state at apply time.
 */
export class PagerDutyStack extends DeltaCrownStack {
  readonly plan: PagerDutyPlan;
  readonly oncall: PagerDutyOnCall;
  readonly services: ReadonlyMap<string, PagerDutyService>;
  /** CloudWatch services by `<service>/<severity>`. */
  readonly cloudWatchServices: ReadonlyMap<string, PagerDutyCloudWatchService>;

  constructor(scope: Construct, props: PagerDutyStackProps) {
    super(scope, 'pagerduty', props);
    this.plan = props.plan;
    new PagerdutyProvider(this, 'pagerduty', {});

    this.oncall = new PagerDutyOnCall(this, 'oncall', { plan: this.plan });
    const services = new Map<string, PagerDutyService>();
    for (const s of this.plan.services) {
      services.set(
        s.service,
        new PagerDutyService(this, s.service, {
          service: s,
          escalationPolicyId: (sev) => this.oncall.escalationPolicyId(sev),
          preventDestroy: this.plan.preventDestroy,
          slackConnection: this.plan.slackConnection,
        }),
      );
    }
    this.services = services;
    const cloudWatch = new Map<string, PagerDutyCloudWatchService>();
    for (const p of this.plan.cloudWatchServices) {
      cloudWatch.set(
        `${p.service}/${p.severity}`,
        new PagerDutyCloudWatchService(this, `${p.service}-cloudwatch-${p.severity}`, {
          plan: p,
          escalationPolicyId: this.oncall.escalationPolicyId(p.severity),
          preventDestroy: this.plan.preventDestroy,
          slackConnection: this.plan.slackConnection,
        }),
      );
    }
    this.cloudWatchServices = cloudWatch;

    const g = this.plan.alertGrouping;
    new AlertGroupingSetting(this, 'alert-grouping', {
      name: g.name,
      description: g.description,
      type: g.type,
      services: [...services.values()].map((s) => s.service.id),
      config: { aggregate: g.aggregate, fields: g.fields, timeWindow: g.timeWindowSeconds },
    });

    const business = new BusinessService(this, 'business-service', {
      name: this.plan.businessService.name,
      description: this.plan.businessService.description,
      pointOfContact: this.plan.businessService.pointOfContact,
      team: this.oncall.team.id,
    });
    for (const [name, s] of services) {
      new ServiceDependency(this, `business-service-depends-on-${name}`, {
        dependency: [
          {
            dependentService: [{ id: business.id, type: 'business_service' }],
            supportingService: [{ id: s.service.id, type: 'service' }],
          },
        ],
      });
      new TerraformOutput(this, `integration-key-${name}-events`, {
        value: s.integrationKey('events'),
        sensitive: true,
        description: `Events API v2 integration key of ${name} (secret).`,
      });
    }
    for (const [key, s] of cloudWatch) {
      const [name, severity] = key.split('/');
      new ServiceDependency(this, `business-service-depends-on-${name}-cloudwatch-${severity}`, {
        dependency: [
          {
            dependentService: [{ id: business.id, type: 'business_service' }],
            supportingService: [{ id: s.service.id, type: 'service' }],
          },
        ],
      });
      new TerraformOutput(this, `integration-key-${name}-cloudwatch-${severity}`, {
        value: s.integrationKey,
        sensitive: true,
        description: `Amazon CloudWatch integration key of ${name}'s ${severity} guardrail alarms (secret).`,
      });
    }
  }

  /**
   * The Amazon CloudWatch integration key of a service's CloudWatch service for one severity (a Terraform
   * reference): where that severity's SNS topic posts.
   */
  cloudWatchIntegrationKey(service: string, severity: Severity): string {
    const s = this.cloudWatchServices.get(`${service}/${severity}`);
    if (!s) throw new Error(`no CloudWatch service for ${service} and severity ${severity}; expected one of ${[...this.cloudWatchServices.keys()].join(', ')}`);
    return s.integrationKey;
  }

  /**
   * The integration key of a service's integration, as a Terraform reference token (the integration's
   * `integration_key` attribute). Used from another stack, cdktf turns it into a remote-state reference to a
   * sensitive output of this stack: the key itself never appears in synthesized JSON.
   */
  integrationKey(service: string, kind: IntegrationKind): string {
    const s = this.services.get(service);
    if (!s) throw new Error(`unknown service ${service}; expected one of ${[...this.services.keys()].join(', ')}`);
    return s.integrationKey(kind);
  }
}
