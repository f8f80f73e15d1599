/** `deltacrown-<env>-pagerduty`: the runbook's on-call in PagerDuty, every number from the catalog. */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { loadCatalog } from '../lib/catalog/load';
import type { Catalog } from '../lib/catalog/model';
import { resolveOnCall } from '../lib/catalog/resolve-oncall';
import { buildApp } from '../stacks/app';
import { PagerDutyStack } from '../stacks/pagerduty-stack';
import { FIXTURE_ALERTS, copyCatalog, edit, tempDir } from './helpers';
import { synthAll } from './helpers-oncall';
import { walk } from './helpers';
import { resolveCatalog } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);

function pagerdutyStack(c: Catalog, env: string): PagerDutyStack {
  const app = buildApp(resolveCatalog(c), { outdir: tempDir('deltacrown-pd-') });
  return app.node.findChild(`deltacrown-${env}-pagerduty`) as PagerDutyStack;
}

function synthPagerDuty(c: Catalog, env: string): Record<string, any> {
  return JSON.parse(Testing.synth(pagerdutyStack(c, env)));
}

/** Resources of one type, in construct-id order. */
function resources(tf: Record<string, any>, type: string): Record<string, any>[] {
  return Object.values(tf.resource?.[type] ?? {});
}

/** The construct id a Terraform name was made from: `oncall_schedule-primary_79E03C36` → `schedule-primary`. */
function idOf(name: string): string {
  return name.replace(/_[0-9A-F]{8}$/, '').split('_').pop()!;
}

/** The resource of `type` whose construct id is `id`. */
function byPath(tf: Record<string, any>, type: string, id: string): Record<string, any> {
  const entry = Object.entries(tf.resource?.[type] ?? {}).find(([name]) => idOf(name) === id);
  if (!entry) throw new Error(`no ${type} with construct id ${id}`);
  return entry[1] as Record<string, any>;
}

/** `${pagerduty_schedule.<name>.id}` → the construct id of that resource (`schedule-primary`), checking it exists. */
function pathOfRef(tf: Record<string, any>, ref: string): string {
  const m = /^\$\{(data\.)?([a-z_]+)\.([^.]+)\.id\}$/.exec(ref);
  if (!m) throw new Error(`not an id reference: ${ref}`);
  const block = m[1] ? tf.data : tf.resource;
  if (!block?.[m[2]]?.[m[3]]) throw new Error(`dangling reference ${ref}`);
  return idOf(m[3]);
}

const minutes = (d: string) => {
  const m = /^(\d+)(m|h)$/.exec(d)!;
  return Number(m[1]) * (m[2] === 'h' ? 60 : 1);
};

describe.each(['production', 'staging'])('deltacrown-%s-pagerduty', (env) => {
  const tf = synthPagerDuty(catalog, env);
  const oncall = catalog.oncall!;
  const production = env === 'production';

  it('configures the provider from PAGERDUTY_TOKEN, never from a literal token', () => {
    expect(tf.provider.pagerduty).toEqual([{}]);
  });

  it('looks every person up by e-mail (data sources) and creates no user', () => {
    expect(tf.resource.pagerduty_user).toBeUndefined();
    const emails = Object.values(tf.data.pagerduty_user).map((u: any) => u.email).sort();
    expect(emails).toEqual([...new Set([...oncall.roster, oncall.team_lead, oncall.engineering_manager])].sort());
    const roles = resources(tf, 'pagerduty_team_membership').map((m) => m.role);
    expect(roles.filter((r) => r === 'manager')).toHaveLength(2);
    expect(roles.filter((r) => r === 'responder')).toHaveLength(oncall.roster.length);
  });

  it('has weekly Primary and Secondary layers handing off Monday 00:00 UTC, the Secondary one turn behind', () => {
    const primary = byPath(tf, 'pagerduty_schedule', 'schedule-primary');
    const secondary = byPath(tf, 'pagerduty_schedule', 'schedule-secondary');
    for (const s of [primary, secondary]) {
      expect(s.time_zone).toBe('Etc/UTC');
      expect(s.layer).toHaveLength(1);
      expect(s.layer[0].rotation_turn_length_seconds).toBe(7 * 24 * 3600);
      expect(s.layer[0].start).toBe(oncall.rotation.start);
      expect(s.layer[0].rotation_virtual_start).toBe(oncall.rotation.rotation_virtual_start);
      const d = new Date(s.layer[0].rotation_virtual_start);
      expect([d.getUTCDay(), d.getUTCHours(), d.getUTCMinutes()]).toEqual([1, 0, 0]);
    }
    const emailOf = (ref: string) => {
      const name = /^\$\{data\.pagerduty_user\.([^.]+)\.id\}$/.exec(ref)![1];
      return tf.data.pagerduty_user[name] as { email: string };
    };
    const p = primary.layer[0].users.map((u: string) => emailOf(u).email);
    const s = secondary.layer[0].users.map((u: string) => emailOf(u).email);
    expect(p).toEqual(oncall.roster);
    // Turn k: primary p[k], secondary s[k] = p[k-1] (last week's primary).
    for (let k = 0; k < p.length; k++) expect(s[k]).toBe(p[(k - 1 + p.length) % p.length]);
  });

  it('encodes the runbook chains with the delays of the catalog targets', () => {
    const critical = byPath(tf, 'pagerduty_escalation_policy', 'escalation-critical');
    const high = byPath(tf, 'pagerduty_escalation_policy', 'escalation-high');
    const targets = catalog.catalog.severities;
    // Critical: primary, secondary after the MTTA (5 min), then team lead, then engineering manager.
    expect(critical.rule.map((r: any) => r.escalation_delay_in_minutes)).toEqual(
      oncall.severities.critical.escalation!.map((l) => minutes(targets.critical[l.escalate_after])),
    );
    expect(critical.rule[0].escalation_delay_in_minutes).toBe(minutes(targets.critical.mtta));
    expect(critical.rule[0].escalation_delay_in_minutes).toBe(5);
    expect(critical.rule.map((r: any) => pathOfRef(tf, r.target[0].id).split('/').pop())).toEqual([
      'schedule-primary',
      'schedule-secondary',
      'user-sre-team-lead-at-deltacrown-com',
      'user-manager-at-deltacrown-com',
    ]);
    expect(critical.num_loops).toBe(oncall.severities.critical.num_loops);
    // High: primary, secondary after the MTTA (15 min), then the team lead (the runbook's MTTA breach).
    expect(high.rule[0].escalation_delay_in_minutes).toBe(minutes(targets.high.mtta));
    expect(high.rule[0].escalation_delay_in_minutes).toBe(15);
    expect(high.rule.map((r: any) => pathOfRef(tf, r.target[0].id).split('/').pop())).toEqual([
      'schedule-primary',
      'schedule-secondary',
      'user-sre-team-lead-at-deltacrown-com',
    ]);
    // Warning does not page: no policy.
    expect(resources(tf, 'pagerduty_escalation_policy')).toHaveLength(2);
  });

  /** The technical services (Alertmanager's, Events API v2) and the CloudWatch services (guardrail alarms). */
  const technical = () => resources(tf, 'pagerduty_service').filter((s) => !/ CloudWatch /.test(s.name));
  const cloudWatch = () => resources(tf, 'pagerduty_service').filter((s) => / CloudWatch /.test(s.name));

  it('gives services the urgency, acknowledgement and auto-resolve timeouts of the catalog', () => {
    const services = technical();
    expect(services.map((s) => s.name)).toEqual(catalog.catalog.services.map((s) => `${s.name}${oncall.environments[env].name_suffix}`));
    for (const s of services) {
      // Acknowledged but unresolved incidents come back after the critical MTTR target.
      expect(s.acknowledgement_timeout).toBe(String(minutes(catalog.catalog.severities.critical.mttr) * 60));
      expect(s.acknowledgement_timeout).toBe('900');
      expect(s.auto_resolve_timeout).toBe(String(minutes(oncall.pagerduty.auto_resolve_timeout) * 60));
      expect(s.alert_creation).toBe('create_alerts_and_incidents');
      // Staging never phones anyone: constant low urgency (low urgency does not escalate).
      expect(s.incident_urgency_rule).toEqual({ type: 'constant', urgency: production ? 'severity_based' : 'low' });
      expect(pathOfRef(tf, s.escalation_policy).endsWith('escalation-critical')).toBe(true);
    }
  });

  it('has per service and paging severity a CloudWatch service: that severity’s policy, constant urgency, never auto-resolved', () => {
    const sfx = oncall.environments[env].name_suffix;
    const expected = catalog.catalog.services.flatMap((svc) =>
      (['critical', 'high'] as const).map((sev) => ({
        name: `${svc.name} CloudWatch ${sev}${sfx}`,
        policy: `escalation-${sev}`,
        // Production: both paging severities are high urgency; staging: nothing phones anyone.
        urgency: { type: 'constant', urgency: production ? oncall.severities[sev].urgency : 'low' },
        // CloudWatch notifies only on a change of state: a timeout would close the incident of an alarm still in ALARM.
        auto_resolve_timeout: 'null',
      })),
    );
    const actual = cloudWatch().map((s) => ({
      name: s.name,
      policy: pathOfRef(tf, s.escalation_policy).split('/').pop(),
      urgency: s.incident_urgency_rule,
      auto_resolve_timeout: s.auto_resolve_timeout,
    }));
    expect(actual).toEqual(expected);
    for (const s of cloudWatch()) expect(s.lifecycle).toEqual(production ? { prevent_destroy: true } : undefined);
  });

  it('sends high alerts (PagerDuty severity error) through the high policy, the rest through the critical one', () => {
    for (const o of resources(tf, 'pagerduty_event_orchestration_service')) {
      expect(o.enable_event_orchestration_for_service).toBe(true);
      expect(o.set).toHaveLength(1);
      expect(o.set[0].rule).toHaveLength(1);
      expect(o.set[0].rule[0].condition).toEqual([{ expression: `event.severity matches '${oncall.severities.high.pagerduty_severity}'` }]);
      expect(pathOfRef(tf, o.set[0].rule[0].actions.escalation_policy).endsWith('escalation-high')).toBe(true);
      expect(o.catch_all).toEqual({ actions: {} });
    }
  });

  it('has an Events API v2 integration per service and a CloudWatch integration per CloudWatch service, keys only as sensitive outputs', () => {
    const integrations = resources(tf, 'pagerduty_service_integration');
    expect(integrations.map((i) => i.type).sort()).toEqual(
      catalog.catalog.services.flatMap(() => ['aws_cloudwatch_inbound_integration', 'aws_cloudwatch_inbound_integration', 'events_api_v2_inbound_integration']).sort(),
    );
    for (const i of integrations) expect(i.integration_key).toBeUndefined();
    const outputs = Object.entries(tf.output as Record<string, any>).filter(([k]) => k.startsWith('integration-key-'));
    expect(outputs.map(([k]) => k).sort()).toEqual(
      catalog.catalog.services
        .flatMap((s) => [`integration-key-${s.name}-cloudwatch-critical`, `integration-key-${s.name}-cloudwatch-high`, `integration-key-${s.name}-events`])
        .sort(),
    );
    for (const [, o] of outputs) {
      expect(o.sensitive).toBe(true);
      expect(o.value).toMatch(/^\$\{pagerduty_service_integration\.[^.]+\.integration_key\}$/);
    }
  });

  it('groups alerts by content and models DeltaCrown as a business service depending on both services', () => {
    const [g] = resources(tf, 'pagerduty_alert_grouping_setting');
    expect(g.type).toBe('content_based');
    // Severity too: a new critical is a new incident, never folded into an acknowledged high one of its family.
    expect(g.config).toEqual({ aggregate: 'all', fields: ['component', 'group', 'severity'], time_window: minutes(oncall.pagerduty.alert_grouping.time_window) * 60 });
    expect(g.services).toHaveLength(catalog.catalog.services.length);
    const [b] = resources(tf, 'pagerduty_business_service');
    expect(b.name).toBe(`DeltaCrown${oncall.environments[env].name_suffix}`);
    const deps = resources(tf, 'pagerduty_service_dependency');
    // Each technical service and its two CloudWatch services.
    expect(deps).toHaveLength(catalog.catalog.services.length * 3);
    for (const d of deps) {
      expect(d.dependency[0].dependent_service[0].type).toBe('business_service');
      expect(d.dependency[0].supporting_service[0].type).toBe('service');
    }
  });

  it(`${production ? 'protects' : 'does not protect'} schedules, escalation policies and services with prevent_destroy`, () => {
    for (const type of ['pagerduty_schedule', 'pagerduty_escalation_policy', 'pagerduty_service']) {
      for (const r of resources(tf, type)) expect(r.lifecycle?.prevent_destroy ?? false).toBe(production);
    }
  });

  it('has no Slack connection unless the catalog gives workspace and channel ids', () => {
    expect(tf.resource.pagerduty_slack_connection).toBeUndefined();
  });
});

describe('a catalog change', () => {
  it('to an MTTA target changes the synthesized escalation delay', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', '    mtta: 5m\n    mttr: 15m', '    mtta: 3m\n    mttr: 15m');
    edit(dir, 'catalog.yml', '    mtta: 15m\n    mttr: 30m', '    mtta: 10m\n    mttr: 30m');
    const tf = synthPagerDuty(loadCatalog(dir), 'production');
    expect(byPath(tf, 'pagerduty_escalation_policy', 'escalation-critical').rule.map((r: any) => r.escalation_delay_in_minutes)).toEqual([3, 3, 15, 15]);
    expect(byPath(tf, 'pagerduty_escalation_policy', 'escalation-high').rule[0].escalation_delay_in_minutes).toBe(10);
  });

  it('to an MTTR target changes the acknowledgement timeout and the later escalation delays', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', '    mtta: 5m\n    mttr: 15m', '    mtta: 5m\n    mttr: 20m');
    const tf = synthPagerDuty(loadCatalog(dir), 'production');
    expect(byPath(tf, 'pagerduty_escalation_policy', 'escalation-critical').rule.map((r: any) => r.escalation_delay_in_minutes)).toEqual([5, 5, 20, 20]);
    for (const s of resources(tf, 'pagerduty_service')) expect(s.acknowledgement_timeout).toBe('1200');
  });

  it('adding Slack ids connects every service to the incidents channel', () => {
    const dir = copyCatalog();
    edit(dir, 'oncall.yml', '    # slack_connection: { workspace_id: T0000000000, channel_id: C0000000000 }', '    slack_connection: { workspace_id: T02A123LV1A, channel_id: C02CABCDAC9 }');
    const tf = synthPagerDuty(loadCatalog(dir), 'production');
    const conns = resources(tf, 'pagerduty_slack_connection');
    expect(conns).toHaveLength(catalog.catalog.services.length * 3);
    for (const c of conns) {
      expect(c).toMatchObject({ workspace_id: 'T02A123LV1A', channel_id: 'C02CABCDAC9', source_type: 'service_reference', notification_type: 'responder' });
      expect(c.config[0].events).toContain('incident.triggered');
    }
  });
});

describe('integrationKey()', () => {
  it('returns a Terraform reference to the integration key, not a value', () => {
    const stack = pagerdutyStack(catalog, 'production');
    expect(stack.integrationKey('deltacrown-api', 'events')).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    for (const sev of ['critical', 'high'] as const) expect(stack.cloudWatchIntegrationKey('deltacrown-api', sev)).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(() => stack.cloudWatchIntegrationKey('deltacrown-api', 'warning')).toThrow(/no CloudWatch service for deltacrown-api and severity warning/);
    expect(() => stack.integrationKey('deltacrown-web', 'events')).toThrow(/unknown service deltacrown-web/);
  });
});

describe('npm run synth', () => {
  // Sentinel secrets in the deploy environment: none may reach the synthesized output.
  const secrets = {
    PAGERDUTY_TOKEN: 'u+SentinelPagerDutyToken0',
    PAGERDUTY_USER_TOKEN: 'u+SentinelPagerDutyUserTok',
    TF_VAR_slack_webhook_url: 'https://hooks.slack.com/services/T000SENTINEL/B000SENTINEL/sentinelsentinel',
    TF_VAR_alertmanager_heartbeat_url: 'https://hc-ping.com/0b5e1d6e-sentinel-heartbeat',
  };
  let outdir: string;
  let stack: (name: string) => Record<string, any>;
  beforeAll(() => {
    const saved = { ...process.env };
    Object.assign(process.env, secrets);
    try {
      ({ outdir, stack } = synthAll(catalog));
    } finally {
      for (const k of Object.keys(secrets)) if (saved[k] === undefined) delete process.env[k];
    }
  });

  it('writes deltacrown-production-pagerduty and deltacrown-staging-pagerduty', () => {
    const names = fs.readdirSync(path.join(outdir, 'stacks'));
    expect(names).toEqual(expect.arrayContaining(['deltacrown-production-pagerduty', 'deltacrown-staging-pagerduty']));
  });

  it('has the production alerting stack read the Events API v2 keys from the PagerDuty stack (cross-stack, sensitive)', () => {
    const alerting = stack('deltacrown-production-alerting');
    const pd = stack('deltacrown-production-pagerduty');
    const remote = alerting.data.terraform_remote_state['cross-stack-reference-input-deltacrown-production-pagerduty'];
    expect(remote).toBeDefined();
    const yaml = (Object.values(alerting.resource.kubernetes_secret_v1)[0] as any).data['alertmanager.yaml'] as string;
    const used = [...yaml.matchAll(/data\.terraform_remote_state\.cross-stack-reference-input-deltacrown-production-pagerduty\.outputs\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]);
    expect(new Set(used).size).toBe(catalog.catalog.services.length);
    for (const name of used) {
      expect(pd.output[name]).toMatchObject({ sensitive: true });
      expect(pd.output[name].value).toMatch(/_integration-events_[0-9A-F]+\.integration_key\}$/);
    }
  });

  it('leaves the staging alerting stack without PagerDuty keys: staging routes to Slack only', () => {
    const alerting = stack('deltacrown-staging-alerting');
    const yaml = (Object.values(alerting.resource.kubernetes_secret_v1)[0] as any).data['alertmanager.yaml'] as string;
    expect(yaml).not.toMatch(/pagerduty_configs/);
    expect(yaml).not.toMatch(/terraform_remote_state/);
  });

  it('writes no token, routing key or webhook URL literal anywhere in cdktf.out', () => {
    expect(scanForSecrets(outdir, Object.values(secrets))).toEqual([]);
  });

  it('(the scan finds a planted literal key, token or webhook URL)', () => {
    const dir = tempDir('deltacrown-scan-');
    fs.cpSync(outdir, dir, { recursive: true });
    const file = path.join(dir, 'stacks', 'deltacrown-production-pagerduty', 'cdk.tf.json');
    const tf = JSON.parse(fs.readFileSync(file, 'utf8'));
    tf.provider.pagerduty = [{ token: 'y_NbAkKc66ryYTWUXYEu' }];
    Object.values(tf.resource.pagerduty_service_integration as Record<string, any>)[0].integration_key = '0123456789abcdef0123456789abcdef';
    fs.writeFileSync(file, JSON.stringify(tf));
    const am = path.join(dir, 'stacks', 'deltacrown-staging-alerting', 'cdk.tf.json');
    fs.writeFileSync(am, fs.readFileSync(am, 'utf8').replace(/"api_url\\" = var\.slack_webhook_url/, '"api_url\\" = \\"https://hooks.example/x\\"'));
    const found = scanForSecrets(dir, []);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/provider\.pagerduty\.0\.token is a literal/),
        expect.stringMatching(/integration_key is a literal/),
        expect.stringMatching(/holds a 32-hex-digit key/),
        expect.stringMatching(/deltacrown-staging-alerting.*api_url is a literal inside the Alertmanager configuration/),
      ]),
    );
  });
});

/**
 * Every place under `dir` where a secret could have leaked: the given sentinel values, Slack webhook or PagerDuty
 * integration URLs, literal values of secret-bearing attributes, 32-hex-digit keys, and literal secrets inside the
 * Alertmanager configuration expression (where they must be references).
 */
function scanForSecrets(dir: string, sentinels: string[]): string[] {
  const offenders: string[] = [];
  for (const file of walk(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(dir, file);
    for (const value of sentinels) if (text.includes(value)) offenders.push(`${rel}: a secret of the deploy environment`);
    if (/hooks\.slack\.com/.test(text)) offenders.push(`${rel}: a Slack webhook URL`);
    if (/events\.pagerduty\.com\/integration\/[A-Za-z0-9]/.test(text)) offenders.push(`${rel}: a PagerDuty integration URL with its key`);
    if (!file.endsWith('.json')) continue;
    walkJson(JSON.parse(text), [], (p, v) => {
      const key = String(p[p.length - 1]);
      if (/^(token|user_token|integration_key|routing_key|service_key|api_url|webhook_url)$/.test(key) && typeof v === 'string' && !/^\$\{/.test(v)) {
        offenders.push(`${rel}: ${p.join('.')} is a literal`);
      }
      if (typeof v === 'string' && !/hash/i.test(key) && /\b[a-f0-9]{32}\b/.test(v)) offenders.push(`${rel}: ${p.join('.')} holds a 32-hex-digit key`);
    });
    // Inside the Alertmanager secret (a yamlencode expression), secrets are references, never strings.
    for (const m of text.matchAll(/\\"(routing_key|api_url|url)\\" = ([^,}]+)/g)) {
      if (m[2].startsWith('\\"')) offenders.push(`${rel}: ${m[1]} is a literal inside the Alertmanager configuration`);
    }
  }
  return offenders;
}

function walkJson(v: unknown, p: (string | number)[], visit: (p: (string | number)[], v: unknown) => void): void {
  visit(p, v);
  if (Array.isArray(v)) v.forEach((x, i) => walkJson(x, [...p, i], visit));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walkJson(x, [...p, k], visit);
}

describe('the on-call model and the stack agree', () => {
  it('on the chain of every paging severity', () => {
    const r = resolveOnCall(catalog);
    const tf = synthPagerDuty(catalog, 'production');
    for (const s of r.severities.filter((x) => x.escalation.length)) {
      const p = byPath(tf, 'pagerduty_escalation_policy', `escalation-${s.severity}`);
      expect(p.rule.map((x: any) => x.escalation_delay_in_minutes)).toEqual(s.escalation.map((e) => e.delayMinutes));
    }
  });
});
