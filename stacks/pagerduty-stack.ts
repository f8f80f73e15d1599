import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AlertGroupingSetting } from '@cdktf/provider-pagerduty/lib/alert-grouping-setting';
import { BusinessService } from '@cdktf/provider-pagerduty/lib/business-service';
import { PagerdutyProvider } from '@cdktf/provider-pagerduty/lib/provider';
import { ServiceDependency } from '@cdktf/provider-pagerduty/lib/service-dependency';
import type { Catalog } from '../lib/catalog/model';
import { IntegrationKind, PagerDutyPlan, renderPagerDuty } from '../lib/render/pagerduty';
import { PagerDutyOnCall } from '../constructs/pagerduty-oncall';
import { PagerDutyService } from '../constructs/pagerduty-service';
import { DeltaCrownStack } from './base';

export interface PagerDutyStackProps {
  readonly catalog: Catalog;
  readonly environment: string;
}

/**
 * `deltacrown-<environment>-pagerduty`: the runbook's on-call in PagerDuty, from alerts/oncall.yml — team, Primary
 * and Secondary schedules, one escalation policy per paging severity, the technical services with their Events API
 * v2 and CloudWatch integrations, alert grouping, and the business service depending on them.
 *
 * The provider reads its token from `PAGERDUTY_TOKEN` (and `PAGERDUTY_USER_TOKEN` for the optional Slack
 * connection). Integration keys leave the stack only as sensitive outputs and Terraform references
 * (`integrationKey`), which other stacks read from this stack's state at apply time.
 */
export class PagerDutyStack extends DeltaCrownStack {
  readonly plan: PagerDutyPlan;
  readonly oncall: PagerDutyOnCall;
  readonly services: ReadonlyMap<string, PagerDutyService>;

  constructor(scope: Construct, props: PagerDutyStackProps) {
    super(scope, 'pagerduty', props);
    this.plan = renderPagerDuty(props.catalog, props.environment);
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
      for (const kind of ['events', 'cloudwatch'] as const) {
        new TerraformOutput(this, `integration-key-${name}-${kind}`, {
          value: s.integrationKey(kind),
          sensitive: true,
          description: `${kind === 'events' ? 'Events API v2' : 'Amazon CloudWatch'} integration key of ${name} (secret).`,
        });
      }
    }
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
