/**
 * The simulation's reading of the exported Alertmanager configuration, through the one Alertmanager model
 * (lib/alertmanager-model.ts, whose routing __tests__/alertmanager-model.test.ts compares with the real `amtool`):
 * inherited timings; inhibition as Alertmanager's rules have it (inhibit/inhibit.go: target matched, a firing source
 * with equal labels, no source that matches the target too when the target matches the source); who each receiver
 * reaches, against the PagerDuty plan. Fixture catalog.
 */
import { loadCatalog } from '../lib/catalog/load';
import { renderExport } from '../lib/export';
import { readAlertmanager } from '../lib/alertmanager-model';
import { describeReceivers, notifiedText } from '../lib/simulate/notify';
import { seconds } from '../lib/duration';
import { FIXTURE_ALERTS } from './helpers';

const catalog = loadCatalog(FIXTURE_ALERTS);
const ENVS = catalog.catalog.environments.map((e) => e.name);
const files = renderExport(catalog);

describe.each(ENVS)('%s: timings', (env) => {
  const am = readAlertmanager(files.get(`${env}/alertmanager/alertmanager.yml`)!);

  it('inherits group_wait and group_interval down the tree, as Alertmanager does', () => {
    const critical = am.routes({ severity: 'critical', service: 'deltacrown-api', alertname: 'X' })[0];
    const timings = catalog.oncall!.severities.critical.alertmanager;
    expect([critical.groupWaitS, critical.groupIntervalS]).toEqual([seconds(timings.group_wait), seconds(timings.group_interval)]);
  });
});

describe('inhibition, as Alertmanager mutes', () => {
  const am = readAlertmanager(files.get('production/alertmanager/alertmanager.yml')!);
  const alert = (severity: string, extra: Record<string, string> = {}) => ({ alertname: `A-${severity}`, severity, environment: 'production', service: 'deltacrown-api', family: 'http-5xx-ratio', ...extra });

  it('a critical alert mutes the high and warning alerts of its environment, service and family, not of another family', () => {
    const critical = alert('critical');
    const high = alert('high');
    const warning = alert('warning');
    const otherFamily = alert('warning', { family: 'http-latency' });
    const otherService = alert('high', { service: 'deltacrown-worker' });
    const firing = [critical, high, warning, otherFamily, otherService];
    expect(firing.map((a) => am.muted(a, firing))).toEqual([false, true, true, false, false]);
    expect(am.muted(high, [high, warning])).toBe(false);
    expect(am.muted(warning, [high, warning])).toBe(true);
  });

  it('a fast burn mutes the slow burn of its SLO, either burn the slow-leak ticket; an alert never mutes itself', () => {
    const burn = (b: string, severity: string) => ({ alertname: `Burn-${b}`, severity, environment: 'production', service: 'deltacrown-api', family: 'slo-burn-rate', slo: 'api-availability', burn: b });
    const fast = burn('fast', 'critical');
    const slow = burn('slow', 'high');
    const ticket = burn('ticket', 'warning');
    expect(am.muted(slow, [fast, slow])).toBe(true);
    expect(am.muted(ticket, [slow, ticket])).toBe(true);
    expect(am.muted(slow, [slow])).toBe(false);
  });
});

describe('who a receiver reaches', () => {
  it('PagerDuty: the service of its routing key, the policy its PagerDuty severity escalates through, that policy’s first level; Slack: the channel', () => {
    for (const env of ENVS) {
      const am = readAlertmanager(files.get(`${env}/alertmanager/alertmanager.yml`)!);
      const who = describeReceivers(catalog, env, am);
      const text = (labels: Record<string, string>) => notifiedText(who.get(am.routes(labels)[0].receiver));
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
