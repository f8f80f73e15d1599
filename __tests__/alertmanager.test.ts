/**
 * The Alertmanager configuration: rendered from the catalog, exported as alertmanager.yml (checked by the real
 * amtool 0.25, routing table included), and deployed as a Kubernetes secret whose keys are Terraform references.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import type { Catalog } from '../lib/catalog/model';
import { renderExport, writeFiles } from '../lib/export';
import { HEARTBEAT_URL_PLACEHOLDER } from '../lib/export-alertmanager';
import { AlertmanagerConfig, renderAlertmanagerConfig } from '../lib/render/alertmanager';
import { alertmanagerExportOptions } from '../bin/alertmanager-args';
import { parseArgs } from '../bin/cli';
import { FIXTURE_ALERTS, copyCatalog, edit, ROOT, runCommand, tempDir } from './helpers';
import { amtool, functionArgument, mapRefs, parseHcl, synthAll } from './helpers-oncall';
import { resolve } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);
const ENVS = catalog.catalog.environments.map((e) => e.name);
const SERVICES = catalog.catalog.services.map((s) => s.name);
const SEVERITIES = ['critical', 'high', 'warning'] as const;

/** Exports the catalog into a temp dir; returns the path of each environment's alertmanager.yml. */
function exportConfigs(c: Catalog = catalog, opts: Parameters<typeof renderExport>[1] = {}): Record<string, string> {
  const out = tempDir('deltacrown-export-');
  writeFiles(renderExport(c, opts), out);
  return Object.fromEntries(c.catalog.environments.map((e) => [e.name, path.join(out, e.name, 'alertmanager', 'alertmanager.yml')]));
}

function checkConfig(file: string): void {
  const r = amtool(['check-config', file]);
  expect({ file, status: r.status, output: r.stdout + r.stderr }).toMatchObject({ status: 0 });
}

/** The receiver the runbook wants for labels, derived directly from catalog.yml and oncall.yml. */
function intended(env: string, labels: Record<string, string>): string {
  const o = catalog.oncall!;
  if (labels.alertname === o.alertmanager.heartbeat.alertname) return 'heartbeat';
  const sev = labels.severity;
  if (sev === 'none' || sev === 'info') return 'null';
  const target = catalog.catalog.severities[sev as (typeof SEVERITIES)[number]];
  const pages = catalog.catalog.environments.find((e) => e.name === env)!.pages;
  // A delivery failure travels by the other integration: PagerDuty's to Slack, Slack's to PagerDuty where it pages.
  if (labels.integration === 'pagerduty') return `slack-${o.slack.alerts.slice(1)}`;
  if (!target || !(target.pages && pages)) return `slack-${o.slack.alerts.slice(1)}`;
  const service = SERVICES.includes(labels.service) ? labels.service : o.alertmanager.default_service;
  return `pagerduty-${service}-${sev}`;
}

describe('the rendered configuration', () => {
  const secrets = { routingKey: (s: string) => ({ value: `key-of-${s}` }), slackWebhookUrl: { value: 'http://slack.invalid/' }, heartbeatUrl: 'http://heartbeat.invalid/' };
  const prod = renderAlertmanagerConfig(resolve(catalog, 'production'), { secrets });
  const staging = renderAlertmanagerConfig(resolve(catalog, 'staging'), { secrets });

  it('is a pure function of the catalog (same input, same output; no cdktf in the renderer)', () => {
    expect(renderAlertmanagerConfig(resolve(catalog, 'production'), { secrets })).toEqual(prod);
    const src = fs.readFileSync(path.join(ROOT, 'lib', 'render', 'alertmanager.ts'), 'utf8');
    expect(src).not.toMatch(/from '(cdktf|constructs|@cdktf\/[^']+)'/);
  });

  it('routes the Watchdog first, then none/info to nobody, then each severity with its own timings', () => {
    const routes = prod.route.routes!;
    const hb = catalog.oncall!.alertmanager.heartbeat;
    expect(routes[0]).toEqual({ receiver: 'heartbeat', matchers: ['alertname="Watchdog"'], group_wait: hb.group_wait, group_interval: hb.group_interval, repeat_interval: hb.repeat_interval });
    expect(hb.repeat_interval).toBe('1m');
    expect(routes[1]).toEqual({ receiver: 'null', matchers: ['severity=~"none|info"'] });
    for (const sev of SEVERITIES) {
      const r = routes.find((x) => x.matchers?.[0] === `severity="${sev}"`)!;
      expect({ group_wait: r.group_wait, group_interval: r.group_interval, repeat_interval: r.repeat_interval }).toEqual(catalog.oncall!.severities[sev].alertmanager);
    }
    expect(prod.route.group_by).toEqual(['alertname', 'service', 'environment']);
  });

  it('sends pages with the routing key of the alert’s service and the PagerDuty severity mapped from ours', () => {
    for (const sev of ['critical', 'high'] as const) {
      for (const svc of SERVICES) {
        const rcv = prod.receivers.find((x) => x.name === `pagerduty-${svc}-${sev}`)!;
        expect(rcv.pagerduty_configs).toHaveLength(1);
        expect(rcv.pagerduty_configs![0]).toMatchObject({ routing_key: `key-of-${svc}`, severity: catalog.oncall!.severities[sev].pagerduty_severity, send_resolved: true });
      }
    }
    expect(prod.receivers.find((x) => x.name === 'pagerduty-deltacrown-api-critical')!.pagerduty_configs![0].severity).toBe('critical');
    expect(prod.receivers.find((x) => x.name === 'pagerduty-deltacrown-api-high')!.pagerduty_configs![0].severity).toBe('error');
  });

  it('has no PagerDuty receiver where the environment does not page (staging: Slack only)', () => {
    expect(staging.receivers.map((r) => r.name).sort()).toEqual(['heartbeat', 'null', 'slack-infra-alerts']);
    expect(staging.receivers.find((r) => r.name === 'slack-infra-alerts')!.slack_configs![0]).toMatchObject({ channel: '#infra-alerts', send_resolved: true });
  });

  it('inhibits less severe alerts of the same service and family, and the slow burn under a fast burn', () => {
    expect(prod.inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"high|warning"'], equal: ['environment', 'service', 'family'] },
      { source_matchers: ['severity="high"'], target_matchers: ['severity="warning"'], equal: ['environment', 'service', 'family'] },
      { source_matchers: ['burn="fast"'], target_matchers: ['burn="slow"'], equal: ['environment', 'service', 'slo'] },
      { source_matchers: ['burn=~"fast|slow"'], target_matchers: ['burn="ticket"'], equal: ['environment', 'service', 'slo'] },
    ]);
    // The burn labels exist on the SLO alerts the rules render.
    const rules = parse(fs.readFileSync(exportConfigs().production.replace('alertmanager/alertmanager.yml', 'prometheus/rules.yml'), 'utf8'));
    const burns = rules.groups.flatMap((g: any) => g.rules).filter((r: any) => r.labels?.burn).map((r: any) => r.labels.burn);
    expect(new Set(burns)).toEqual(new Set(['fast', 'slow', 'ticket']));
  });

  it('takes the PagerDuty URL and shortened timings as options', () => {
    const c = renderAlertmanagerConfig(resolve(catalog, 'production'), { secrets, pagerdutyUrl: 'http://127.0.0.1:9/v2/enqueue', timings: { group_wait: '1s', repeat_interval: '10s' } });
    expect(c.global.pagerduty_url).toBe('http://127.0.0.1:9/v2/enqueue');
    const all = [c.route, ...c.route.routes!].filter((r) => r.group_wait);
    expect(all.length).toBeGreaterThan(3);
    for (const r of all) expect([r.group_wait, r.repeat_interval]).toEqual(['1s', '10s']);
  });
});

describe('npm run export', () => {
  const files = exportConfigs();

  it.each(ENVS)('writes %s/alertmanager/alertmanager.yml, accepted by amtool check-config (Alertmanager 0.25)', (env) => {
    checkConfig(files[env]);
  });

  it('keeps secrets out of the file: routing_key_file / api_url_file, and a placeholder heartbeat URL', () => {
    const text = fs.readFileSync(files.production, 'utf8');
    const doc = parse(text) as AlertmanagerConfig;
    for (const r of doc.receivers.filter((x) => x.pagerduty_configs)) {
      const svc = /^pagerduty-(.+)-(critical|high)$/.exec(r.name)![1];
      expect(r.pagerduty_configs![0]).toMatchObject({ routing_key_file: `/etc/alertmanager/secrets/pagerduty-${svc}.key` });
      expect(r.pagerduty_configs![0].routing_key).toBeUndefined();
    }
    expect(doc.receivers.find((r) => r.slack_configs)!.slack_configs![0]).toMatchObject({ api_url_file: '/etc/alertmanager/secrets/slack-webhook-url' });
    expect(doc.receivers.find((r) => r.name === 'heartbeat')!.webhook_configs![0].url).toBe(HEARTBEAT_URL_PLACEHOLDER);
    expect(doc.global.pagerduty_url).toBeUndefined();
    expect(text).toMatch(/^# Generated from the catalog/);
  });

  it('takes literal secrets, a PagerDuty stub URL and short timings from its command line', () => {
    const { options } = parseArgs([
      '--pagerduty-url', 'http://127.0.0.1:9/v2/enqueue',
      '--routing-keys', 'deltacrown-api=key-api,deltacrown-worker=key-worker',
      '--slack-webhook-url', 'http://127.0.0.1:9/slack',
      '--heartbeat-url', 'http://127.0.0.1:9/heartbeat',
      '--group-wait', '1s', '--group-interval', '2s', '--repeat-interval', '1m',
    ]);
    const opts = alertmanagerExportOptions(options);
    const cfg = parse(fs.readFileSync(exportConfigs(catalog, { alertmanager: opts }).production, 'utf8')) as AlertmanagerConfig;
    expect(cfg.global.pagerduty_url).toBe('http://127.0.0.1:9/v2/enqueue');
    expect(cfg.receivers.find((r) => r.name === 'pagerduty-deltacrown-worker-high')!.pagerduty_configs![0]).toMatchObject({ routing_key: 'key-worker' });
    expect(cfg.receivers.find((r) => r.name === 'heartbeat')!.webhook_configs![0].url).toBe('http://127.0.0.1:9/heartbeat');
    expect(cfg.receivers.find((r) => r.slack_configs)!.slack_configs![0].api_url).toBe('http://127.0.0.1:9/slack');
    for (const r of [cfg.route, ...cfg.route.routes!].filter((x) => x.group_wait)) expect([r.group_wait, r.group_interval, r.repeat_interval]).toEqual(['1s', '2s', '1m']);
    expect(() => alertmanagerExportOptions(parseArgs(['--group-wait', 'soon']).options)).toThrow(/--group-wait expects a duration/);
    expect(() => alertmanagerExportOptions(parseArgs(['--routing-keys', 'novalue']).options)).toThrow(/service=key pairs/);
  });

  it('accepts the same options on the real command line (bin/export.ts) and writes a file amtool accepts', () => {
    const out = tempDir('deltacrown-export-cli-');
    const r = runCommand('bin/export', ['--out', out, '--catalog', FIXTURE_ALERTS, '--env', 'production', '--routing-key', 'k', '--pagerduty-url', 'http://127.0.0.1:9/v2/enqueue', '--secrets-dir', '/run/secrets/am']);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    const file = path.join(out, 'production', 'alertmanager', 'alertmanager.yml');
    const cfg = parse(fs.readFileSync(file, 'utf8')) as AlertmanagerConfig;
    expect(cfg.receivers.find((x) => x.name === 'pagerduty-deltacrown-api-critical')!.pagerduty_configs![0]).toMatchObject({ routing_key: 'k' });
    expect(cfg.receivers.find((x) => x.slack_configs)!.slack_configs![0]).toMatchObject({ api_url_file: '/run/secrets/am/slack-webhook-url' });
    checkConfig(file);
  });
});

describe('routing table (amtool config routes test)', () => {
  const files = exportConfigs();
  const rows: { env: string; labels: Record<string, string> }[] = [];
  for (const env of ENVS) {
    for (const severity of SEVERITIES) {
      for (const service of SERVICES) rows.push({ env, labels: { alertname: 'DeltaCrownAnything', severity, service, environment: env, family: 'http-5xx-ratio' } });
      // A service the catalog does not know (a cluster rule, say) still reaches someone.
      rows.push({ env, labels: { alertname: 'KubeSomething', severity, service: 'kube-system', environment: env } });
      rows.push({ env, labels: { alertname: 'NoServiceLabel', severity, environment: env } });
    }
    rows.push({ env, labels: { alertname: 'Watchdog', severity: 'none', service: 'deltacrown-api', environment: env, family: 'alerting-pipeline' } });
    rows.push({ env, labels: { alertname: 'InfoInhibitor', severity: 'none', environment: env } });
    rows.push({ env, labels: { alertname: 'SomeInfo', severity: 'info', service: 'deltacrown-worker', environment: env } });
    rows.push({ env, labels: { alertname: 'UnknownSeverity', severity: 'page-me', service: 'deltacrown-api', environment: env } });
    for (const integration of ['pagerduty', 'slack', 'webhook']) {
      for (const severity of SEVERITIES) {
        rows.push({ env, labels: { alertname: 'DeltaCrownAlertmanagerNotificationFailures', severity, service: 'deltacrown-api', environment: env, family: 'alerting-pipeline', integration } });
      }
    }
  }

  it.each(rows.map((r) => [r.env, Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(' '), r] as const))(
    '%s: %s',
    (env, _name, row) => {
      const receiver = intended(env, row.labels);
      const args = ['config', 'routes', 'test', `--config.file=${files[env]}`, `--verify.receivers=${receiver}`, ...Object.entries(row.labels).map(([k, v]) => `${k}=${v}`)];
      const r = amtool(args);
      expect({ receiver, status: r.status, output: (r.stdout + r.stderr).trim() }).toMatchObject({ status: 0 });
    },
  );

  it('pages production critical and high through PagerDuty and keeps staging on Slack (anchor rows)', () => {
    expect(intended('production', { severity: 'critical', service: 'deltacrown-worker' })).toBe('pagerduty-deltacrown-worker-critical');
    expect(intended('production', { severity: 'high', service: 'deltacrown-api' })).toBe('pagerduty-deltacrown-api-high');
    expect(intended('production', { severity: 'warning', service: 'deltacrown-api' })).toBe('slack-infra-alerts');
    expect(intended('staging', { severity: 'critical', service: 'deltacrown-api' })).toBe('slack-infra-alerts');
    const r = amtool(['config', 'routes', 'test', `--config.file=${files.production}`, '--verify.receivers=slack-infra-alerts', 'severity=critical', 'service=deltacrown-api']);
    expect(r.status).not.toBe(0);
  });

  it('reports a PagerDuty delivery failure to Slack and a Slack delivery failure to PagerDuty (production)', () => {
    const route = (integration: string) => {
      const failure = ['alertname=DeltaCrownAlertmanagerNotificationFailures', 'severity=high', 'service=deltacrown-api', 'environment=production', 'family=alerting-pipeline', `integration=${integration}`];
      const r = amtool(['config', 'routes', 'test', `--config.file=${files.production}`, ...failure]);
      expect(r.status).toBe(0);
      return r.stdout.trim();
    };
    expect(route('pagerduty')).toBe('slack-infra-alerts');
    expect(route('slack')).toBe('pagerduty-deltacrown-api-high');
  });
});

describe('the Slack message', () => {
  it('lists firing and resolved alerts of one notification under their own headings', () => {
    const text = String(renderAlertmanagerConfig(resolve(catalog, 'staging'), { secrets: { routingKey: (s: string) => ({ value: s }), slackWebhookUrl: { file: 'x' }, heartbeatUrl: 'http://hb' } }).receivers.find((r) => r.slack_configs)!.slack_configs![0].text);
    expect(text).toContain('{{ range .Alerts.Firing }}');
    expect(text).toContain('{{ range .Alerts.Resolved }}');
    expect(text).not.toContain('{{ range .Alerts }}');
  });
});

describe('the deployed Alertmanager secret (deltacrown-<env>-alerting)', () => {
  const { stack } = synthAll(catalog);

  /** The configuration inside the secret, references replaced by readable placeholders. */
  function deployed(env: string): { metadata: any; config: unknown } {
    const tf = stack(`deltacrown-${env}-alerting`);
    const secret = Object.values(tf.resource.kubernetes_secret_v1 as Record<string, any>)[0];
    const config = mapRefs(parseHcl(functionArgument(secret.data['alertmanager.yaml'], 'yamlencode')), (ref) => {
      const pd = /^data\.terraform_remote_state\.cross-stack-reference-input-deltacrown-(\w+)-pagerduty\.outputs\.cross-stack-output-pagerduty_service_integration(.+)_integration-(events|cloudwatch)_[0-9A-F]+integration_key$/.exec(ref);
      if (pd) return `pd:${pd[1]}:${pd[2]}:${pd[3]}`;
      const v = /^var\.(\w+)$/.exec(ref);
      if (v) return `var:${v[1]}`;
      throw new Error(`unexpected reference ${ref}`);
    });
    return { metadata: secret.metadata, config };
  }

  it.each(ENVS)('%s: is the rendered configuration, keys from the PagerDuty stack of the same environment', (env) => {
    const { metadata, config } = deployed(env);
    const oe = catalog.oncall!.environments[env];
    expect(metadata).toMatchObject({ name: `${oe.alertmanager.secret_name}${catalog.catalog.environments.find((e) => e.name === env)!.name_suffix}`, namespace: oe.alertmanager.namespace });
    const expected = renderAlertmanagerConfig(resolve(catalog, env), {
      secrets: {
        routingKey: (s: string) => ({ value: `pd:${env}:${s}:events` }),
        slackWebhookUrl: { value: 'var:slack_webhook_url' },
        heartbeatUrl: 'var:alertmanager_heartbeat_url',
      },
    });
    expect(config).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it.each(ENVS)('%s: is accepted by amtool once Terraform has filled in the references', (env) => {
    const { config } = deployed(env);
    const filled = JSON.parse(JSON.stringify(config), (_k, v) =>
      typeof v === 'string' && /^(pd|var):/.test(v) ? (v.startsWith('pd:') ? '0'.repeat(31) + 'k' : 'https://example.invalid/secret') : v,
    );
    const file = path.join(tempDir('deltacrown-secret-'), 'alertmanager.yaml');
    fs.writeFileSync(file, stringify(filled));
    checkConfig(file);
  });

  it('declares the Slack webhook and heartbeat URLs as sensitive variables', () => {
    const tf = stack('deltacrown-production-alerting');
    for (const name of ['slack_webhook_url', 'alertmanager_heartbeat_url']) expect(tf.variable[name]).toMatchObject({ sensitive: true, type: 'string' });
  });
});

describe('a catalog in which staging pages at low urgency', () => {
  it('gives the staging Alertmanager PagerDuty receivers fed by the staging PagerDuty stack', () => {
    const dir = copyCatalog();
    edit(dir, 'catalog.yml', /(  - name: staging\n(?:.*\n)*?)    pages: false/, '$1    pages: true');
    edit(dir, 'oncall.yml', '    prevent_destroy: false', '    prevent_destroy: true');
    const c = loadCatalog(dir);
    // Urgency stays low: PagerDuty records the incident, nobody is phoned.
    expect(c.oncall!.environments.staging.urgency).toBe('low');
    const { stack } = synthAll(c);
    const yaml = (Object.values(stack('deltacrown-staging-alerting').resource.kubernetes_secret_v1)[0] as any).data['alertmanager.yaml'];
    expect(yaml).toMatch(/cross-stack-reference-input-deltacrown-staging-pagerduty/);
    expect(yaml).not.toMatch(/deltacrown-production-pagerduty/);
    for (const s of Object.values(stack('deltacrown-staging-pagerduty').resource.pagerduty_service) as any[]) {
      expect(s.incident_urgency_rule).toEqual({ type: 'constant', urgency: 'low' });
    }
    checkConfig(exportConfigs(c).staging);
  });
});
