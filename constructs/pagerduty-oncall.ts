import { Construct } from 'constructs';
import { DataPagerdutyUser } from '@cdktf/provider-pagerduty/lib/data-pagerduty-user';
import { EscalationPolicy } from '@cdktf/provider-pagerduty/lib/escalation-policy';
import { Schedule } from '@cdktf/provider-pagerduty/lib/schedule';
import { Team } from '@cdktf/provider-pagerduty/lib/team';
import { TeamMembership } from '@cdktf/provider-pagerduty/lib/team-membership';
import type { Severity } from '../lib/plan/types';
import type { PagerDutyPlan, ScheduleKey } from '../lib/plan/pagerduty';

export interface PagerDutyOnCallProps {
  /** Rendered plan (lib/plan/pagerduty.ts). */
  readonly plan: PagerDutyPlan;
}

/**
 * The people side of PagerDuty: the team and its memberships, the users (looked up by e-mail, never created), the
 * Primary and Secondary schedules and one escalation policy per paging severity. With `plan.preventDestroy`,
 * schedules and escalation policies carry Terraform `prevent_destroy`: destroying a schedule loses its rotation
 * history and overrides.
 *
 * Construct ids are Terraform addresses: `schedule-primary`, `escalation-critical`, `user-<e-mail>` …; keep them.
 */
export class PagerDutyOnCall extends Construct {
  readonly team: Team;
  readonly schedules: Record<ScheduleKey, Schedule>;
  readonly escalationPolicies: Partial<Record<Severity, EscalationPolicy>>;
  private readonly users = new Map<string, DataPagerdutyUser>();

  constructor(scope: Construct, id: string, props: PagerDutyOnCallProps) {
    super(scope, id);
    const { plan } = props;
    const lifecycle = plan.preventDestroy ? { preventDestroy: true } : undefined;

    this.team = new Team(this, 'team', { name: plan.team.name, description: plan.team.description });
    for (const p of plan.people) {
      const user = new DataPagerdutyUser(this, `user-${addressOf(p.email)}`, { email: p.email });
      this.users.set(p.email, user);
      new TeamMembership(this, `membership-${addressOf(p.email)}`, { teamId: this.team.id, userId: user.id, role: p.role });
    }

    const schedules = {} as Record<ScheduleKey, Schedule>;
    for (const s of plan.schedules) {
      schedules[s.key] = new Schedule(this, `schedule-${s.key}`, {
        name: s.name,
        description: s.description,
        timeZone: s.timeZone,
        teams: [this.team.id],
        layer: [
          {
            name: s.layer.name,
            start: s.layer.start,
            rotationVirtualStart: s.layer.rotationVirtualStart,
            rotationTurnLengthSeconds: s.layer.rotationTurnLengthSeconds,
            users: s.layer.users.map((e) => this.userId(e)),
          },
        ],
        lifecycle,
      });
    }
    this.schedules = schedules;

    this.escalationPolicies = {};
    for (const p of plan.escalationPolicies) {
      this.escalationPolicies[p.severity] = new EscalationPolicy(this, `escalation-${p.severity}`, {
        name: p.name,
        description: p.description,
        numLoops: p.numLoops,
        teams: [this.team.id],
        rule: p.rules.map((r) => ({
          escalationDelayInMinutes: r.delayMinutes,
          target: [
            r.target.type === 'schedule_reference'
              ? { type: 'schedule_reference', id: this.schedules[r.target.schedule].id }
              : { type: 'user_reference', id: this.userId(r.target.email) },
          ],
        })),
        lifecycle,
      });
    }
  }

  /** The id (Terraform reference) of an escalation policy. */
  escalationPolicyId(severity: Severity): string {
    const p = this.escalationPolicies[severity];
    if (!p) throw new Error(`no escalation policy for severity ${severity}`);
    return p.id;
  }

  private userId(email: string): string {
    const u = this.users.get(email);
    if (!u) throw new Error(`${email} is not among the people of the plan`);
    return u.id;
  }
}

/** A Terraform-address-safe form of an e-mail: `oncall.engineer1@deltacrown.com` → `oncall-engineer1-at-deltacrown-com`. */
export function addressOf(email: string): string {
  return email.toLowerCase().replace('@', '-at-').replace(/[^a-z0-9-]/g, '-');
}
