import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { TopicPlan } from '../lib/plan/guardrails';
import type { Severity } from '../lib/plan/types';

/**
 * Where the PagerDuty integration keys come from: the PagerDuty stack (stacks/pagerduty-stack.ts). The key is
 * a Terraform reference token; used from another stack, cdktf turns it into a remote-state reference to a
 * sensitive output, so the key never appears in synthesized JSON.
 */
export interface IntegrationKeys {
  /** The Amazon CloudWatch integration key of the service that `service`'s alarms of `severity` reach. */
  cloudWatchIntegrationKey(service: string, severity: Severity): string;
}

/**
 * The HTTPS endpoint of a PagerDuty Amazon CloudWatch integration, which SNS posts alarm notifications to.
 * `key` is a Terraform reference, never a literal key.
 */
export function pagerDutyCloudWatchEndpoint(key: string): string {
  return `https://events.pagerduty.com/integration/${key}/enqueue`;
}

export interface GuardrailTopicsProps {
  /** Rendered topics (lib/plan/guardrails.ts). */
  readonly topics: readonly TopicPlan[];
  /** Needed when a topic delivers to PagerDuty. */
  readonly integrations?: IntegrationKeys;
}

/**
 * One SNS topic per owning service and severity, each with the subscription its environment names: the CloudWatch
 * integration of the owning service's PagerDuty CloudWatch service *of that severity* over HTTPS (auto-confirmed by PagerDuty), an e-mail address
 * (confirmed once by its recipient), or none. Alarms send both ALARM and OK to their topic, so PagerDuty
 * incidents resolve by themselves.
 */
export class GuardrailTopics extends Construct {
  readonly topics: ReadonlyMap<string, SnsTopic>;
  readonly subscriptions: readonly SnsTopicSubscription[];

  constructor(scope: Construct, id: string, props: GuardrailTopicsProps) {
    super(scope, id);
    const topics = new Map<string, SnsTopic>();
    const subscriptions: SnsTopicSubscription[] = [];
    for (const t of props.topics) {
      const topic = new SnsTopic(this, t.id, {
        name: t.name,
        displayName: `DeltaCrown ${t.severity} guardrails`,
        tags: { service: t.service, severity: t.severity },
      });
      topics.set(t.id, topic);
      const d = t.destination;
      if (d.kind === 'pagerduty') {
        if (!props.integrations) {
          throw new Error(`topic ${t.name} delivers to PagerDuty: the guardrails stack needs the PagerDuty stack's integration keys`);
        }
        subscriptions.push(
          new SnsTopicSubscription(this, `${t.id}-pagerduty`, {
            topicArn: topic.arn,
            protocol: 'https',
            endpoint: pagerDutyCloudWatchEndpoint(props.integrations.cloudWatchIntegrationKey(d.service, t.severity)),
            endpointAutoConfirms: true,
          }),
        );
      } else if (d.kind === 'email') {
        subscriptions.push(new SnsTopicSubscription(this, `${t.id}-email`, { topicArn: topic.arn, protocol: 'email', endpoint: d.address }));
      }
    }
    this.topics = topics;
    this.subscriptions = subscriptions;
  }

  /** ARN (Terraform reference) of a topic, by its plan id `<service>-<severity>`. */
  arn(topicId: string): string {
    const t = this.topics.get(topicId);
    if (!t) throw new Error(`no guardrails topic ${topicId}; expected one of ${[...this.topics.keys()].join(', ')}`);
    return t.arn;
  }
}
