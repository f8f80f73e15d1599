import { Construct } from 'constructs';
import { SlackConnection } from '@cdktf/provider-pagerduty/lib/slack-connection';
import type { PagerDutyPlan } from '../lib/plan/pagerduty';

/**
 * Connects a PagerDuty service to the Slack incidents channel (responder notifications). Its construct id,
 * `slack-incidents`, is part of the Terraform address under `scope`: keep it.
 */
export function connectSlack(scope: Construct, serviceId: string, conn: NonNullable<PagerDutyPlan['slackConnection']>): SlackConnection {
  return new SlackConnection(scope, 'slack-incidents', {
    sourceId: serviceId,
    sourceType: 'service_reference',
    workspaceId: conn.workspaceId,
    channelId: conn.channelId,
    notificationType: 'responder',
    config: [{ events: conn.events }],
  });
}
