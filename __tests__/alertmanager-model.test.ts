/**
 * Alertmanager as the simulation and the backtest model it (lib/alertmanager-model.ts): the routing of the exported
 * configuration against the real `amtool config routes test` (Alertmanager 0.25) for every severity (and unknown
 * ones), service (and none, and an unknown one), failing integration and the heartbeat, in both environments of the
 * fixture catalog; inhibition and the notifications of an aggregation group (group_wait,
 * group_interval, resolve, the PagerDuty incident a page opens) as dispatch.go, inhibit.go and notify.go have them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { Alertmanager, AlertmanagerConfig, AmAlert, simulateNotifications } from '../lib/alertmanager-model';
import { FIXTURE_ALERTS, requireBinary, tempDir } from './helpers';

const catalog = loadCatalog(FIXTURE_ALERTS);
const files = renderExport(catalog);
const dir = tempDir('deltacrown-am-routes-');
writeFiles(files, dir);
const environments = catalog.catalog.environments.map((e) => e.name);
const configFile = (env: string) => path.join(dir, env, 'alertmanager', 'alertmanager.yml');
const am = (env: string) => new Alertmanager(parse(fs.readFileSync(configFile(env), 'utf8')) as AlertmanagerConfig);

/** Label sets that exercise every branch of the routing tree. */
function labelSets(env: string): Record<string, string>[] {
  const services = [...catalog.catalog.services.map((s) => s.name), 'deltacrown-web', undefined];
  const heartbeat = catalog.oncall!.alertmanager.heartbeat.alertname;
  const out: Record<string, string>[] = [
    { alertname: heartbeat, severity: 'none', environment: env },
    { alertname: heartbeat, severity: 'critical', service: 'deltacrown-api' },
  ];
  for (const severity of ['critical', 'high', 'warning', 'info', 'none', 'unknown', undefined]) {
    for (const service of services) {
      for (const integration of [undefined, 'pagerduty', 'slack']) {
        out.push({ alertname: 'X', environment: env, ...(severity ? { severity } : {}), ...(service ? { service } : {}), ...(integration ? { integration } : {}) });
      }
    }
  }
  for (const integration of ['pagerduty', 'slack']) {
    out.push({ alertname: 'DeltaCrownAlertmanagerNotificationFailures', severity: 'critical', integration, environment: env, service: 'deltacrown-api' });
  }
  return out;
}

describe('routing: the TypeScript resolution equals amtool config routes test', () => {
  const amtool = requireBinary('amtool', 'prometheus-alertmanager');
  for (const env of environments) {
    it(`routes every severity × service × special label of ${env} to amtool's receivers`, () => {
      const config = am(env);
      const mismatches: string[] = [];
      for (const labels of labelSets(env)) {
        const args = ['config', 'routes', 'test', `--config.file=${configFile(env)}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
        const r = spawnSync(amtool, args, { encoding: 'utf8' });
        expect(r.status).toBe(0);
        const theirs = r.stdout.trim().split(',').filter(Boolean);
        const ours = config.routes(labels).map((x) => x.receiver);
        if (theirs.join(',') !== ours.join(',')) mismatches.push(`${JSON.stringify(labels)}: amtool ${theirs.join(',')}, ours ${ours.join(',')}`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('follows `continue`, nested routes, match/match_re and negative matchers as amtool does', () => {
    const config = {
      route: {
        receiver: 'root',
        group_by: ['alertname'],
        routes: [
          { receiver: 'audit', matchers: ['team=~"a|b"'], continue: true },
          { receiver: 'a', match: { team: 'a' }, routes: [{ receiver: 'a-night', matchers: ['shift!="day"', 'severity!~"info|none"'] }] },
          { receiver: 'b', match_re: { team: 'b.*' } },
          { receiver: 'last', matchers: ['team=""'] },
        ],
      },
      receivers: ['root', 'audit', 'a', 'a-night', 'b', 'last'].map((name) => ({ name })),
    };
    const file = path.join(tempDir('deltacrown-am-continue-'), 'am.yml');
    fs.writeFileSync(file, JSON.stringify(config));
    const tree = new Alertmanager(config as AlertmanagerConfig);
    const sets: Record<string, string>[] = [{ team: 'a' }, { team: 'a', shift: 'day' }, { team: 'a', severity: 'info' }, { team: 'b' }, { team: 'bx' }, { team: 'c' }, {}];
    for (const labels of sets) {
      const r = spawnSync(amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' });
      expect([labels, tree.routes(labels).map((x) => x.receiver).join(',')]).toEqual([labels, r.stdout.trim()]);
    }
  });

  it('inherits group_by and takes each level’s timings', () => {
    const [route] = am('production').routes({ alertname: 'X', severity: 'critical', service: 'deltacrown-worker', environment: 'production' });
    const doc = parse(fs.readFileSync(configFile('production'), 'utf8'));
    const critical = doc.route.routes.find((r: { matchers?: string[] }) => r.matchers?.[0] === 'severity="critical"');
    expect(route).toMatchObject({
      receiver: 'pagerduty-deltacrown-worker-critical',
      groupBy: doc.route.group_by,
      groupWaitS: 10,
      groupIntervalS: 60,
      repeatIntervalS: 3600,
    });
    expect(critical.group_wait).toBe('10s');
  });
});

describe('inhibition (inhibit.go Mutes)', () => {
  const prod = am('production');
  const base = { environment: 'production', service: 'deltacrown-api', family: 'http-5xx-ratio' };
  const critical = { ...base, alertname: 'C', severity: 'critical' };
  const high = { ...base, alertname: 'H', severity: 'high' };

  it('mutes a high alert while a critical one of the same environment, service and family fires', () => {
    expect(prod.muted(high, [critical])).toBe(true);
    expect(prod.muted(high, [{ ...critical, service: 'deltacrown-worker' }])).toBe(false);
    expect(prod.muted(high, [])).toBe(false);
    expect(prod.muted(critical, [critical, high])).toBe(false);
  });

  it('does not let an alert that matches both sides mute itself', () => {
    const self = new Alertmanager({ route: { receiver: 'r' }, receivers: [{ name: 'r' }], inhibit_rules: [{ source_matchers: ['a="1"'], target_matchers: ['a="1"'], equal: ['x'] }] });
    expect(self.muted({ a: '1', x: 'y' }, [{ a: '1', x: 'y' }])).toBe(false);
  });

  it('judges statically which rules may inhibit which (labels the expression does not name are empty)', () => {
    const slow = { labels: { alertname: 'S', severity: 'high', burn: 'slow', slo: 'api', environment: 'production', service: 'deltacrown-api' }, expr: 'x > 1' };
    const fast = { labels: { ...slow.labels, alertname: 'F', severity: 'critical', burn: 'fast' }, expr: 'x > 2' };
    const ratio = { labels: { alertname: 'R', severity: 'critical', family: 'http-5xx-ratio', environment: 'production' }, expr: 'sum by (service) (y) > 1' };
    expect(prod.mayInhibit(fast, slow)).toBe(true);
    expect(prod.mayInhibit(slow, fast)).toBe(false);
    expect(prod.mayInhibit(fast, ratio)).toBe(false);
    expect(prod.mayInhibit(ratio, { ...ratio, labels: { ...ratio.labels, severity: 'high' } })).toBe(true);
  });
});

describe('notifications of an aggregation group (dispatch.go, notify.go)', () => {
  const prod = am('production');
  const M = 60000;
  const alert = (labels: Record<string, string>, ...intervals: [number, number?][]): AmAlert => ({ labels, intervals: intervals.map(([s, e]) => ({ start: s * M, end: e === undefined ? undefined : e * M })) });
  const api = { environment: 'production', service: 'deltacrown-api', family: 'f' };

  it('pages once per group after group_wait, resolves it, and pages again for a later firing', () => {
    const n = simulateNotifications(prod, [alert({ ...api, alertname: 'C', severity: 'critical' }, [10, 20], [40, 50])], 60 * M);
    expect(n.map((x) => [x.at / 1000, x.kind, x.page])).toEqual([
      [610, 'trigger', true],
      [1210, 'resolve', false],
      [2410, 'trigger', true],
      [3010, 'resolve', false],
    ]);
    expect(n[0].receiver).toBe('pagerduty-deltacrown-api-critical');
  });

  it('does not page again for a firing that resolves and returns between two flushes of the group', () => {
    // Critical: group_interval 1m. Resolved at 10m20s, firing again at 10m40s: the flush at 10m10s+1m sees it firing.
    const n = simulateNotifications(prod, [alert({ ...api, alertname: 'C', severity: 'critical' }, [10, 10 + 20 / 60], [10 + 40 / 60, 30])], 60 * M);
    expect(n.filter((x) => x.page)).toHaveLength(1);
  });

  it('sends nothing for a high alert muted by a critical one, and pages it only when the critical one resolves first', () => {
    const n = simulateNotifications(
      prod,
      [alert({ ...api, alertname: 'C', severity: 'critical' }, [10, 30]), alert({ ...api, alertname: 'H', severity: 'high' }, [10, 40])],
      60 * M,
    );
    const high = n.filter((x) => x.receiver === 'pagerduty-deltacrown-api-high');
    // The high group flushes at 10m30s (muted), then every 5m: at 30m30s the critical is gone.
    expect(high.map((x) => [x.at / 1000, x.kind, x.page])).toEqual([
      [30 * 60 + 30, 'trigger', true],
      [40 * 60 + 30, 'resolve', false],
    ]);
  });

  it('groups the alerts of one group key into one page (group_by alertname, service, environment)', () => {
    const n = simulateNotifications(
      prod,
      [alert({ ...api, alertname: 'C', severity: 'critical', instance: 'a' }, [10, 20]), alert({ ...api, alertname: 'C', severity: 'critical', instance: 'b' }, [10.5, 20])],
      60 * M,
    );
    expect(n.filter((x) => x.page)).toHaveLength(1);
    expect(n.map((x) => x.firing.length)).toEqual([1, 2, 0]);
  });

  it('sends warnings to Slack without paging', () => {
    const n = simulateNotifications(prod, [alert({ ...api, alertname: 'W', severity: 'warning' }, [10, 20])], 60 * M);
    expect(n.map((x) => [x.receiver, x.kind, x.page])).toEqual([
      ['slack-infra-alerts', 'trigger', false],
      ['slack-infra-alerts', 'resolve', false],
    ]);
  });
});
