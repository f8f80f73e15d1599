/**
 * `deltacrown-<env>-guardrails`: the AWS CloudWatch guardrails as synthesized by the whole app (`npm run synth`),
 * so the PagerDuty references are real cross-stack references to `deltacrown-<env>-pagerduty`.
 */
import { App, TerraformStack } from 'cdktf';
import { PagerdutyProvider } from '@cdktf/provider-pagerduty/lib/provider';
import { ServiceIntegration } from '@cdktf/provider-pagerduty/lib/service-integration';
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../lib/catalog/load';
import { planGuardrails } from '../lib/plan/guardrails';
import { GuardrailsStack, IntegrationKeys } from '../stacks/guardrails-stack';
import { copyCatalog, edit, FIXTURE_ALERTS, tempDir } from './helpers';
import { synthApp, TfJson } from './helpers-synth';
import { resolve } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);
const stacks = synthApp(catalog);
const RUNBOOK = catalog.catalog.project.runbook_base_url;

/** `${aws_sns_topic.<name>.arn}` → the topic resource. */
function topicOf(tf: TfJson, ref: string): { name: string; tags: Record<string, string> } {
  const m = /^\$\{aws_sns_topic\.([^.]+)\.arn\}$/.exec(ref);
  if (!m) throw new Error(`not a topic reference: ${ref}`);
  const t = tf.resource.aws_sns_topic[m[1]];
  if (!t) throw new Error(`no topic ${m[1]}`);
  return t;
}

const alarmsOf = (tf: TfJson): any[] => Object.values(tf.resource.aws_cloudwatch_metric_alarm);
const subscriptionsOf = (tf: TfJson): any[] => Object.values(tf.resource.aws_sns_topic_subscription ?? {});

describe.each(['production', 'staging'])('deltacrown-%s-guardrails', (env) => {
  const tf = stacks.get(`deltacrown-${env}-guardrails`)!;

  it('is written by npm run synth', () => {
    expect(tf).toBeDefined();
  });

  it('configures the AWS provider from the catalog, credentials from the environment, default tags', () => {
    expect(tf.provider.aws).toEqual([
      {
        region: catalog.guardrails!.environments[env].region,
        default_tags: [{ tags: { service: 'deltacrown-api', environment: env, 'managed-by': 'cdktf', 'part-of': 'deltacrown-alerting' } }],
      },
    ]);
  });

  it('sets statement_timeout = 10000 (ms) and the justified timeouts in the PostgreSQL parameter group', () => {
    const groups = Object.values(tf.resource.aws_db_parameter_group) as any[];
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name_prefix: `deltacrown-${env}-postgres16-`, family: 'postgres16', lifecycle: { create_before_destroy: true } });
    expect(groups[0].parameter).toEqual([
      { name: 'statement_timeout', value: '10000', apply_method: 'immediate' },
      { name: 'idle_in_transaction_session_timeout', value: '60000', apply_method: 'immediate' },
      { name: 'log_min_duration_statement', value: '1000', apply_method: 'immediate' },
    ]);
  });

  it('sets maxmemory-policy = allkeys-lru in the ElastiCache parameter group', () => {
    const groups = Object.values(tf.resource.aws_elasticache_parameter_group) as any[];
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ family: 'redis7', parameter: [{ name: 'maxmemory-policy', value: 'allkeys-lru' }] });
    expect(groups[0].name).toMatch(new RegExp(`^deltacrown-${env}-redis7-[0-9a-f]{8}$`));
  });

  it('never gives a replaced parameter group the name of the group it replaces (create_before_destroy)', () => {
    // name, family and description force a replacement in the AWS provider (internal/service/rds/parameter_group.go,
    // internal/service/elasticache/parameter_group.go: ForceNew); the new group is created while the old one exists.
    const rds = Object.values(tf.resource.aws_db_parameter_group) as any[];
    const cache = Object.values(tf.resource.aws_elasticache_parameter_group) as any[];
    for (const g of [...rds, ...cache]) expect(g.lifecycle).toEqual({ create_before_destroy: true });
    for (const g of rds) expect({ name: g.name, prefix: typeof g.name_prefix }).toEqual({ name: undefined, prefix: 'string' });
    // ElastiCache has no name_prefix: the name follows family and description, so what replaces the group renames it.
    const dir = copyCatalog();
    edit(dir, 'guardrails.yml', /family: redis7/g, 'family: redis6.x');
    const bumped = planGuardrails(loadCatalog(dir), env).elasticache!.parameterGroup;
    const now = planGuardrails(catalog, env).elasticache!.parameterGroup;
    expect(now.naming).toEqual({ name: cache[0].name });
    expect(bumped.naming).not.toEqual(now.naming);
    // … while a change of a parameter (in place) keeps it.
    const dir2 = copyCatalog();
    edit(dir2, 'guardrails.yml', /value: allkeys-lru/, 'value: volatile-lru');
    expect(planGuardrails(loadCatalog(dir2), env).elasticache!.parameterGroup.naming).toEqual(now.naming);
  });

  it('enables request metrics for the whole media bucket', () => {
    const bucket = catalog.guardrails!.environments[env].s3!.media_bucket;
    expect(Object.values(tf.resource.aws_s3_bucket_metric)).toEqual([{ '//': expect.anything(), bucket, name: 'EntireBucket' }]);
  });

  it('sends every alarm’s ALARM and OK notifications to the topic of its severity', () => {
    for (const a of alarmsOf(tf)) {
      expect(a.alarm_actions).toHaveLength(1);
      expect(a.ok_actions).toEqual(a.alarm_actions);
      const topic = topicOf(tf, a.alarm_actions[0]);
      expect(topic.name).toBe(`deltacrown-api-${env}-guardrails-${a.tags.severity}`);
      expect(a.actions_enabled).toBe(true);
    }
  });

  it('links every alarm description to its runbook section, within CloudWatch’s 1024 characters', () => {
    for (const a of alarmsOf(tf)) {
      const kind = a.namespace === 'AWS/RDS' ? 'rds' : a.namespace === 'AWS/ElastiCache' ? 'elasticache' : 's3';
      expect(a.alarm_description).toContain(`Runbook: ${RUNBOOK}#${kind}-guardrails`);
      expect(a.alarm_description.length).toBeLessThanOrEqual(1024);
      expect(a.alarm_description).not.toContain('$threshold');
    }
  });

  it('tags every taggable resource with its service', () => {
    for (const type of ['aws_cloudwatch_metric_alarm', 'aws_sns_topic', 'aws_db_parameter_group', 'aws_elasticache_parameter_group']) {
      for (const r of Object.values(tf.resource[type]) as any[]) expect(r.tags.service).toBe('deltacrown-api');
    }
  });
});

describe('every alarm of the issue, with its threshold in the metric’s native unit', () => {
  const tf = stacks.get('deltacrown-production-guardrails')!;
  const alarm = (metric: string, dimension: Record<string, string>) => {
    const found = alarmsOf(tf).filter((a) => a.metric_name === metric && Object.entries(dimension).every(([k, v]) => a.dimensions[k] === v));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const rds = { DBInstanceIdentifier: 'deltacrown-prod' };
  const bytes = (gib: number) => gib * 1024 ** 3;

  it.each([
    ['DatabaseConnections', { statistic: 'Maximum', comparison_operator: 'GreaterThanThreshold', threshold: 80 }, 'high'],
    ['CPUUtilization', { statistic: 'Average', comparison_operator: 'GreaterThanThreshold', threshold: 90 }, 'high'],
    ['FreeStorageSpace', { statistic: 'Minimum', comparison_operator: 'LessThanThreshold', threshold: 0.1 * bytes(200) }, 'high'],
    ['ReadLatency', { extended_statistic: 'p90', comparison_operator: 'GreaterThanThreshold', threshold: 0.02, evaluate_low_sample_count_percentiles: 'evaluate' }, 'warning'],
    ['WriteLatency', { extended_statistic: 'p90', comparison_operator: 'GreaterThanThreshold', threshold: 0.02 }, 'warning'],
    ['FreeableMemory', { statistic: 'Average', comparison_operator: 'LessThanThreshold', threshold: Math.round(0.1 * bytes(16)) }, 'warning'],
  ])('RDS %s', (metric, expected, severity) => {
    const a = alarm(metric, rds);
    expect(a).toMatchObject({ namespace: 'AWS/RDS', alarm_name: expect.stringMatching(/^deltacrown-production-rds-/), ...expected, tags: { severity } });
    expect(a.statistic === undefined).toBe('extended_statistic' in expected);
  });

  it.each(['deltacrown-prod-redis-001', 'deltacrown-prod-redis-002'])('ElastiCache node %s: evictions, memory, engine CPU, read latency, connections', (node) => {
    const dim = { CacheClusterId: node };
    expect(alarm('Evictions', dim)).toMatchObject({ statistic: 'Sum', period: 60, threshold: 1000, treat_missing_data: 'notBreaching', tags: { severity: 'warning' } });
    expect(alarm('DatabaseMemoryUsagePercentage', dim)).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 80, tags: { severity: 'warning' } });
    expect(alarm('EngineCPUUtilization', dim)).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 90, tags: { severity: 'high' } });
    expect(alarm('SuccessfulReadRequestLatency', dim)).toMatchObject({ extended_statistic: 'p95', threshold: 100000, tags: { severity: 'high' } });
    expect(alarm('CurrConnections', dim)).toMatchObject({ comparison_operator: 'GreaterThanThreshold', threshold: 500, tags: { severity: 'warning' } });
    for (const a of alarmsOf(tf).filter((x) => x.dimensions.CacheClusterId === node)) expect(a.namespace).toBe('AWS/ElastiCache');
  });

  it('S3 5xxErrors on the media bucket’s request metrics (high)', () => {
    const a = alarm('5xxErrors', { BucketName: 'deltacrown-media-prod', FilterId: 'EntireBucket' });
    expect(a).toMatchObject({ namespace: 'AWS/S3', statistic: 'Sum', period: 60, threshold: 5, evaluation_periods: 5, datapoints_to_alarm: 3, tags: { severity: 'high' } });
  });

  it('has no other alarms: 6 RDS + 5 per ElastiCache node + 1 S3', () => {
    expect(alarmsOf(tf)).toHaveLength(6 + 5 * 2 + 1);
    expect(alarmsOf(stacks.get('deltacrown-staging-guardrails')!)).toHaveLength(6 + 5 * 1 + 1);
  });

  it('staging differs where the catalog says so: connections ceiling 200, its own instance sizes', () => {
    const st = stacks.get('deltacrown-staging-guardrails')!;
    const conn = alarmsOf(st).find((a) => a.metric_name === 'CurrConnections')!;
    expect(conn.threshold).toBe(200);
    expect(alarmsOf(st).find((a) => a.metric_name === 'FreeStorageSpace')!.threshold).toBe(0.1 * bytes(50));
  });
});

describe('notifications', () => {
  const prod = stacks.get('deltacrown-production-guardrails')!;
  const pd = stacks.get('deltacrown-production-pagerduty');
  // The catalog has no critical guardrail today: a fixture makes the first alarm critical, so both paging severities
  // are followed through the synthesized JSON.
  const withCritical = (() => {
    const dir = copyCatalog();
    edit(dir, 'guardrails.yml', /severity: high/, 'severity: critical');
    return synthApp(loadCatalog(dir));
  })();

  /**
   * What a CloudWatch ALARM notification of an alarm leads to in PagerDuty, read only from the synthesized JSON:
   * alarm_actions → SNS topic → its HTTPS subscription → the PagerDuty stack's output (remote state) → the Amazon
   * CloudWatch integration → its service → escalation policy, urgency, auto-resolve.
   */
  function pagerDutyPathOf(alarm: any, prod: TfJson, pd: TfJson | undefined): { service: string; policy: string; urgency: string; autoResolve: string } | undefined {
    const [topicRef] = alarm.alarm_actions;
    const topicId = /^\$\{aws_sns_topic\.([^.]+)\.arn\}$/.exec(topicRef)![1];
    const sub = subscriptionsOf(prod).find((x) => x.protocol === 'https' && x.topic_arn === `\${aws_sns_topic.${topicId}.arn}`);
    if (!sub) return undefined;
    expect(sub.endpoint_auto_confirms).toBe(true);
    const m = /^https:\/\/events\.pagerduty\.com\/integration\/\$\{data\.terraform_remote_state\.([^.]+)\.outputs\.([^}]+)\}\/enqueue$/.exec(sub.endpoint)!;
    expect(m[1]).toBe('cross-stack-reference-input-deltacrown-production-pagerduty');
    expect(prod.data.terraform_remote_state[m[1]]).toBeDefined();
    const output = pd!.output[m[2]];
    expect(output.sensitive).toBe(true);
    const integration = pd!.resource.pagerduty_service_integration[/^\$\{pagerduty_service_integration\.([^.]+)\.integration_key\}$/.exec(output.value)![1]];
    expect(integration.type).toBe('aws_cloudwatch_inbound_integration');
    const service = pd!.resource.pagerduty_service[/^\$\{pagerduty_service\.([^.]+)\.id\}$/.exec(integration.service)![1]];
    const policyId = /^\$\{pagerduty_escalation_policy\.([^.]+)\.id\}$/.exec(service.escalation_policy)![1];
    // No orchestration may re-route the CloudWatch service's events to another policy.
    const orchestrations = Object.values<any>(pd!.resource.pagerduty_event_orchestration_service ?? {});
    expect(orchestrations.filter((o) => o.service === integration.service)).toEqual([]);
    return {
      service: service.name,
      policy: pd!.resource.pagerduty_escalation_policy[policyId].name,
      urgency: `${service.incident_urgency_rule.type} ${service.incident_urgency_rule.urgency}`,
      autoResolve: service.auto_resolve_timeout,
    };
  }

  it.each(['critical', 'high'])('an ALARM of a %s guardrail reaches that severity’s escalation policy with high urgency, never auto-resolved', (severity) => {
    const [g, p] = [withCritical.get('deltacrown-production-guardrails')!, withCritical.get('deltacrown-production-pagerduty')!];
    const alarms = alarmsOf(g).filter((a) => a.tags.severity === severity);
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect({ alarm: a.alarm_name, path: pagerDutyPathOf(a, g, p) }).toEqual({
        alarm: a.alarm_name,
        path: { service: `deltacrown-api CloudWatch ${severity}`, policy: `DeltaCrown ${severity}`, urgency: 'constant high', autoResolve: 'null' },
      });
      // OK goes to the same topic: CloudWatch's OK resolves the incident that no timeout closes.
      expect(a.ok_actions).toEqual(a.alarm_actions);
    }
  });

  it('a warning guardrail reaches no PagerDuty service', () => {
    for (const a of alarmsOf(prod).filter((x) => x.tags.severity === 'warning')) expect(pagerDutyPathOf(a, prod, pd)).toBeUndefined();
  });

  it('no CloudWatch-fed PagerDuty service auto-resolves; the Events API v2 services (Alertmanager resolves) may', () => {
    const integrations = Object.values<any>(pd!.resource.pagerduty_service_integration);
    for (const [id, svc] of Object.entries<any>(pd!.resource.pagerduty_service)) {
      const kinds = integrations.filter((i) => i.service === `\${pagerduty_service.${id}.id}`).map((i) => i.type);
      expect(kinds).toHaveLength(1);
      if (kinds[0] === 'aws_cloudwatch_inbound_integration') expect({ service: svc.name, auto_resolve_timeout: svc.auto_resolve_timeout }).toEqual({ service: svc.name, auto_resolve_timeout: 'null' });
    }
  });

  it('sends production warnings to the non-paging mailbox only', () => {
    const warning = subscriptionsOf(prod).filter((s) => topicOf(prod, s.topic_arn).name.endsWith('-warning'));
    expect(warning.map((s) => [s.protocol, s.endpoint])).toEqual([['email', 'infra-alerts@deltacrown.example.com']]);
  });

  it('pages nobody from staging: e-mail for critical and high, nothing for warning, no PagerDuty reference', () => {
    const st = stacks.get('deltacrown-staging-guardrails')!;
    expect(subscriptionsOf(st).map((s) => [topicOf(st, s.topic_arn).name, s.protocol, s.endpoint]).sort()).toEqual([
      ['deltacrown-api-staging-guardrails-critical', 'email', 'staging-alerts@deltacrown.example.com'],
      ['deltacrown-api-staging-guardrails-high', 'email', 'staging-alerts@deltacrown.example.com'],
    ]);
    expect(st.data).toBeUndefined();
    expect(JSON.stringify(st)).not.toContain('pagerduty');
  });

  it('never writes an integration key: every PagerDuty endpoint is a Terraform reference', () => {
    for (const [, tf] of stacks) {
      for (const s of subscriptionsOf(tf).filter((x) => x.protocol === 'https')) expect(s.endpoint).toMatch(/\/integration\/\$\{[^}]+\}\/enqueue$/);
    }
  });
});

/** Integration keys from a stand-in stack: one integration per (service, kind), so the reference names both. */
class FakeKeys extends TerraformStack implements IntegrationKeys {
  readonly asked: string[] = [];
  private readonly integrations = new Map<string, ServiceIntegration>();
  constructor(scope: App) {
    super(scope, 'keys');
    new PagerdutyProvider(this, 'pagerduty', {});
  }
  cloudWatchIntegrationKey(service: string, severity: string): string {
    const id = `${service}--${severity}`;
    this.asked.push(id);
    if (!this.integrations.has(id)) this.integrations.set(id, new ServiceIntegration(this, id, { service: `svc-${service}`, type: 'aws_cloudwatch_inbound_integration' }));
    return this.integrations.get(id)!.integrationKey;
  }
}

describe('paging topics per owning service', () => {
  it('subscribes each paging topic to the CloudWatch integration of the service that owns the resource', () => {
    const dir = copyCatalog();
    // The cache belongs to the workers: its alarms notify deltacrown-worker's topics.
    edit(dir, 'guardrails.yml', /^elasticache:\n {2}parameters:/m, 'elasticache:\n  service: deltacrown-worker\n  parameters:');
    const c = loadCatalog(dir);
    const app = new App({ outdir: tempDir('deltacrown-guardrails-') });
    const keys = new FakeKeys(app);
    const stack = new GuardrailsStack(app, { environment: 'production', plan: resolve(c, 'production').guardrails!, pagerduty: keys });
    app.synth();
    const tf = JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
    expect([...new Set(keys.asked)].sort()).toEqual(['deltacrown-api--critical', 'deltacrown-api--high', 'deltacrown-worker--critical', 'deltacrown-worker--high']);
    const plan = planGuardrails(c, 'production');
    for (const t of plan.topics) {
      const subs = subscriptionsOf(tf).filter((s) => topicOf(tf, s.topic_arn).name === t.name);
      if (t.destination.kind !== 'pagerduty') {
        expect(subs.every((s) => s.protocol !== 'https')).toBe(true);
        continue;
      }
      expect(subs).toHaveLength(1);
      expect(subs[0].endpoint).toContain(`pagerduty_service_integration${t.service}--${t.severity}integration_key`);
    }
    for (const a of alarmsOf(tf)) {
      const owner = a.namespace === 'AWS/ElastiCache' ? 'deltacrown-worker' : 'deltacrown-api';
      expect(topicOf(tf, a.alarm_actions[0]).name).toBe(`${owner}-production-guardrails-${a.tags.severity}`);
      expect(a.tags.service).toBe(owner);
    }
  });

  it('refuses to build a paging environment without the PagerDuty integration keys', () => {
    const app = new App({ outdir: tempDir('deltacrown-guardrails-') });
    expect(() => new GuardrailsStack(app, { environment: 'production', plan: resolve(catalog, 'production').guardrails! })).toThrow(
      /topic deltacrown-api-production-guardrails-critical delivers to PagerDuty: the guardrails stack needs the PagerDuty stack's integration keys/,
    );
  });
});
