/**
 * The simulation's reading of the exported Alertmanager configuration: its routing tree against the real
 * `amtool config routes test` (Alertmanager 0.25) on label sets of every severity, service, environment, heartbeat
 * and failing integration; its inhibition against Alertmanager's rules (inhibit/inhibit.go: target matched, a firing
 * source with equal labels, no source that matches the target too when the target matches the source); who each
 * receiver reaches, against the PagerDuty plan. Fixture catalog.
 */
import * as path from 'path';
import { spawnSync } from 'child_process';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { isInhibited, parseAlertmanager, routeAlert } from '../lib/simulate/alertmanager';
import { describeReceivers, notifiedText } from '../lib/simulate/notify';
import { seconds } from '../lib/duration';
import { FIXTURE_ALERTS, requireBinary, tempDir } from './helpers';

const catalog = loadCatalog(FIXTURE_ALERTS);
const ENVS = catalog.catalog.environments.map((e) => e.name);
const files = renderExport(catalog);
const out = tempDir('deltacrown-routes-');
writeFiles(files, out);

/** Label sets: every severity (and unknown ones), every service (and none, and an unknown one), the heartbeat, failing integrations. */
function labelSets(env: string): Record<string, string>[] {
  const sets: Record<string, string>[] = [];
  for (const severity of ['critical', 'high', 'warning', 'none', 'info', 'urgent', undefined]) {
    for (const service of [...catalog.catalog.services.map((s) => s.name), 'deltacrown-web', undefined]) {
      for (const integration of [undefined, 'pagerduty', 'slack']) {
        const l: Record<string, string> = { alertname: 'DeltaCrownSomething', environment: env };
        if (severity) l.severity = severity;
        if (service) l.service = service;
        if (integration) l.integration = integration;
        sets.push(l);
      }
    }
  }
  sets.push({ alertname: catalog.oncall!.alertmanager.heartbeat.alertname, severity: 'none', environment: env });
  sets.push({ alertname: catalog.oncall!.alertmanager.heartbeat.alertname, severity: 'critical', service: 'deltacrown-api' });
  return sets;
}

describe.each(ENVS)('%s: routing as amtool resolves it', (env) => {
  const file = path.join(out, env, 'alertmanager', 'alertmanager.yml');
  const am = parseAlertmanager(files.get(`${env}/alertmanager/alertmanager.yml`)!);
  const sets = labelSets(env);

  it(`gives the receivers amtool gives, for ${sets.length} label sets`, () => {
    requireBinary('amtool', 'prometheus-alertmanager');
    const mismatches: string[] = [];
    for (const labels of sets) {
      const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
      const r = spawnSync('amtool', args, { encoding: 'utf8' });
      expect({ labels, status: r.status, stderr: r.stderr.replace(/Warning: .*\n/, '') }).toEqual({ labels, status: 0, stderr: '' });
      const real = r.stdout.trim();
      const ours = routeAlert(am.route, labels).map((x) => x.receiver).join(',');
      if (real !== ours) mismatches.push(`${JSON.stringify(labels)}: amtool ${real}, simulation ${ours}`);
    }
    expect(mismatches).toEqual([]);
  }, 120000);

  it('inherits group_wait and group_interval down the tree, as Alertmanager does', () => {
    const critical = routeAlert(am.route, { severity: 'critical', service: 'deltacrown-api', alertname: 'X' })[0];
    const timings = catalog.oncall!.severities.critical.alertmanager;
    expect([critical.groupWait, critical.groupInterval]).toEqual([seconds(timings.group_wait), seconds(timings.group_interval)]);
  });
});

describe('inhibition, as Alertmanager mutes', () => {
  const am = parseAlertmanager(files.get('production/alertmanager/alertmanager.yml')!);
  const alert = (severity: string, extra: Record<string, string> = {}) => ({ alertname: `A-${severity}`, severity, environment: 'production', service: 'deltacrown-api', family: 'http-5xx-ratio', ...extra });

  it('a critical alert mutes the high and warning alerts of its environment, service and family, not of another family', () => {
    const critical = alert('critical');
    const high = alert('high');
    const warning = alert('warning');
    const otherFamily = alert('warning', { family: 'http-latency' });
    const otherService = alert('high', { service: 'deltacrown-worker' });
    const firing = [critical, high, warning, otherFamily, otherService];
    expect(firing.map((a) => isInhibited(am.inhibitRules, a, firing))).toEqual([false, true, true, false, false]);
    expect(isInhibited(am.inhibitRules, high, [high, warning])).toBe(false);
    expect(isInhibited(am.inhibitRules, warning, [high, warning])).toBe(true);
  });

  it('a fast burn mutes the slow burn of its SLO, either burn the slow-leak ticket; an alert never mutes itself', () => {
    const burn = (b: string, severity: string) => ({ alertname: `Burn-${b}`, severity, environment: 'production', service: 'deltacrown-api', family: 'slo-burn-rate', slo: 'api-availability', burn: b });
    const fast = burn('fast', 'critical');
    const slow = burn('slow', 'high');
    const ticket = burn('ticket', 'warning');
    expect(isInhibited(am.inhibitRules, slow, [fast, slow])).toBe(true);
    expect(isInhibited(am.inhibitRules, ticket, [slow, ticket])).toBe(true);
    expect(isInhibited(am.inhibitRules, slow, [slow])).toBe(false);
  });
});

describe('who a receiver reaches', () => {
  it('PagerDuty: the service of its routing key, the policy its PagerDuty severity escalates through, that policy’s first level; Slack: the channel', () => {
    for (const env of ENVS) {
      const am = parseAlertmanager(files.get(`${env}/alertmanager/alertmanager.yml`)!);
      const who = describeReceivers(catalog, env, am);
      const text = (labels: Record<string, string>) => notifiedText(who.get(routeAlert(am.route, labels)[0].receiver));
      if (env === 'production') {
        expect(text({ severity: 'critical', service: 'deltacrown-worker' })).toBe('PagerDuty deltacrown-worker · DeltaCrown critical → primary on-call');
        expect(text({ severity: 'high', service: 'deltacrown-api' })).toBe('PagerDuty deltacrown-api · DeltaCrown high → primary on-call');
        // An unknown service pages the default service's on-call.
        expect(text({ severity: 'high', service: 'deltacrown-web' })).toBe('PagerDuty deltacrown-api · DeltaCrown high → primary on-call');
      } else {
        expect(text({ severity: 'critical', service: 'deltacrown-api' })).toBe('Slack #infra-alerts');
      }
      expect(text({ severity: 'warning', service: 'deltacrown-api' })).toBe('Slack #infra-alerts');
      expect(text({ severity: 'none' })).toBe('nobody');
      expect(text({ alertname: 'Watchdog', severity: 'none' })).toBe('heartbeat webhook');
    }
  });
});
