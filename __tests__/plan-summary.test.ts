/** lib/plan-summary.ts: the plan section of the PR review — counts per stack, prevent_destroy replacements called out. */
import { changedStacks, renderPlanSummary, summarizePlan } from '../lib/plan-summary';

const synthesized = {
  resource: {
    pagerduty_schedule: { 'oncall_schedule-primary_0A': { lifecycle: { prevent_destroy: true } } },
    pagerduty_team: { oncall_team_1B: {} },
  },
};
const rc = (type: string, name: string, actions: string[], mode = 'managed') => ({ address: `${type}.${name}`, type, name, mode, change: { actions } });

describe('summarizePlan', () => {
  it('counts like terraform plan and calls out a replaced prevent_destroy resource', () => {
    const s = summarizePlan({
      stack: 'deltacrown-production-pagerduty',
      synthesized,
      plan: {
        resource_changes: [
          rc('pagerduty_schedule', 'oncall_schedule-primary_0A', ['delete', 'create']),
          rc('pagerduty_team', 'oncall_team_1B', ['update']),
          rc('pagerduty_service', 'new_2C', ['create']),
          rc('pagerduty_user', 'u', ['read'], 'data'),
          rc('pagerduty_team', 'same', ['no-op']),
        ],
      },
    });
    expect(s).toEqual({
      stack: 'deltacrown-production-pagerduty',
      add: 2,
      change: 1,
      destroy: 1,
      replace: ['pagerduty_schedule.oncall_schedule-primary_0A'],
      protectedReplaced: ['pagerduty_schedule.oncall_schedule-primary_0A'],
    });
  });

  it('renders one row per planned stack and the warning', () => {
    const md = renderPlanSummary(
      [{ stack: 'deltacrown-production-pagerduty', synthesized, plan: { resource_changes: [rc('pagerduty_schedule', 'oncall_schedule-primary_0A', ['create', 'delete'])] } }],
      ['deltacrown-staging-alerting'],
    );
    expect(md).toContain('| `deltacrown-production-pagerduty` | 1 | 0 | 1 | `pagerduty_schedule.oncall_schedule-primary_0A` |');
    expect(md).toMatch(/1 resource with `prevent_destroy` would be destroyed or replaced/);
    expect(md).toContain('Not planned (unchanged): `deltacrown-staging-alerting`.');
    expect(renderPlanSummary([])).toContain('nothing to plan');
  });
});

describe('changedStacks', () => {
  it('ignores cdktf metadata, finds changed and added stacks', () => {
    const base = new Map<string, unknown>([
      ['a', { '//': { v: 1 }, resource: { x: 1 } }],
      ['b', { resource: { x: 1 } }],
    ]);
    const head = new Map<string, unknown>([
      ['a', { '//': { v: 2 }, resource: { x: 1 } }],
      ['b', { resource: { x: 2 } }],
      ['c', { resource: {} }],
    ]);
    expect(changedStacks(base, head)).toEqual(['b', 'c']);
  });
});
