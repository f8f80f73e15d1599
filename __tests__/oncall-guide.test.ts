/**
 * The 3 am parts of docs/oncall.md: the routing diagram parses with the real Mermaid parser; every `amtool silence
 * add` command is accepted by a real Alertmanager on loopback and silences exactly its family (never the Watchdog),
 * and the expire command lifts it; PagerDuty links per service and schedule; conditions in words, not PromQL.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { loadCatalog } from '../lib/catalog/load';
import { formatIssue } from '../lib/catalog/errors';
import { allAlerts, resolveEnvironment } from '../lib/catalog/resolve';
import { resolveOnCall } from '../lib/catalog/resolve-oncall';
import { renderOnCallDoc } from '../lib/render/oncall-doc';
import { renderRunbookRegions } from '../lib/render/runbook';
import { FIXTURE_ALERTS, ROOT, copyCatalog, edit, requireBinary, tempDir } from './helpers';
import { freePort, get, startProcess, stopAll } from './e2e/harness';
import { resolve, resolveCatalog } from '../lib/plan/resolve';

const catalog = loadCatalog(FIXTURE_ALERTS);
const doc = renderOnCallDoc(resolveCatalog(catalog));

/** Runs Mermaid's own parser (mermaid 11 under jsdom, in a node child process) on each diagram. */
function mermaidParse(diagrams: string[]): { ok: boolean; type?: string; error?: string }[] {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'tools', 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8', cwd: ROOT, timeout: 60000 });
  if (r.status !== 0) throw new Error(`mermaid-parse failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const mermaidBlocks = (md: string) => [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);

/** The lines of the bash block under `### <env>` of the Silencing section. */
function silenceBlock(md: string, env: string): string[] {
  const section = md.split('\n## Silencing\n')[1].split('\n## ')[0];
  const block = section.split(`### ${env}\n`)[1].match(/```bash\n([\s\S]*?)```/)![1];
  return block.trim().split('\n');
}

describe('docs/oncall.md for the engineer paged at 3 am', () => {
  it('holds a routing diagram that the real Mermaid parser accepts (and a broken one it rejects)', () => {
    const diagrams = mermaidBlocks(doc);
    expect(diagrams).toHaveLength(1);
    const committed = mermaidBlocks(fs.readFileSync(path.join(ROOT, 'docs', 'oncall.md'), 'utf8'));
    const results = mermaidParse([...diagrams, ...committed, 'flowchart LR\n  a --> |broken']);
    expect(results.slice(0, -1)).toEqual([...diagrams, ...committed].map(() => ({ ok: true, type: 'flowchart-v2' })));
    expect(results[results.length - 1].ok).toBe(false);
  });

  it('draws alert → route → receiver → PagerDuty service → every escalation level with its delay', () => {
    const [d] = mermaidBlocks(doc);
    const r = resolveOnCall(catalog);
    for (const s of r.severities.filter((x) => x.escalation.length)) {
      expect(d).toContain(`severity=#quot;${s.severity}#quot;`);
      for (const svc of catalog.catalog.services) expect(d).toContain(`receiver pagerduty-${svc.name}-${s.severity}`);
      s.escalation.slice(0, -1).forEach((e) => expect(d).toContain(`-->|"not acknowledged in ${e.delay}"|`));
    }
    expect(d).toContain('receiver slack-infra-alerts');
    expect(d).toContain('receiver heartbeat');
  });

  it('links every PagerDuty service, CloudWatch service, schedule and escalation policy on the catalog’s account', () => {
    for (const env of ['production', 'staging']) {
      const pd = resolve(catalog, env).pagerduty!;
      for (const name of [...pd.services.map((s) => s.name), ...pd.cloudWatchServices.map((s) => s.name)]) {
        expect(doc).toContain(`[${name}](https://deltacrown.pagerduty.com/service-directory?query=${encodeURIComponent(name)})`);
      }
      for (const s of pd.schedules) expect(doc).toContain(`[${s.name}](https://deltacrown.pagerduty.com/schedules?query=${encodeURIComponent(s.name)})`);
      for (const p of pd.escalationPolicies) expect(doc).toContain(`(https://deltacrown.pagerduty.com/escalation_policies?query=${encodeURIComponent(p.name)})`);
    }
    const dir = copyCatalog();
    edit(dir, 'oncall.yml', /\n  subdomain: deltacrown\n/, '\n');
    expect(renderOnCallDoc(resolveCatalog(loadCatalog(dir)))).toContain('No PagerDuty subdomain in `alerts/oncall.yml`');
  });

  it('a bad subdomain or Alertmanager URL is a located catalog error', () => {
    const dir = copyCatalog();
    const text = edit(dir, 'oncall.yml', 'subdomain: deltacrown', 'subdomain: https://deltacrown.pagerduty.com');
    edit(dir, 'oncall.yml', 'url: "https://alertmanager.deltacrown.internal"', 'url: "alertmanager"');
    let issues: any[] = [];
    try {
      loadCatalog(dir);
    } catch (e: any) {
      issues = e.issues;
    }
    const line = text.split('\n').findIndex((l) => l.includes('subdomain: https://')) + 1;
    expect(issues.map(formatIssue)).toEqual([
      `${dir}/oncall.yml:${line}:14: pagerduty.subdomain: expected the account subdomain, such as acme for https://acme.pagerduty.com, got "https://deltacrown.pagerduty.com"`,
      expect.stringMatching(/\/oncall\.yml:\d+:\d+: environments\.production\.alertmanager\.url: expected an http\(s\) URL such as https:\/\/alertmanager\.example\.com, got "alertmanager"$/),
    ]);
  });

  it('states conditions in words: no PromQL in the alerts table', () => {
    const table = doc.split('\n## Alerts\n')[1].split('\n## ')[0];
    const rows = table.split('\n').filter((l) => /^\| (DeltaCrown|Watchdog)/.test(l));
    expect(rows.length).toBe(allAlerts(resolveEnvironment(catalog, 'production')).length);
    for (const row of rows) expect({ row, promql: /label_replace|count by|probe_success\{|vector\(/.test(row) }).toEqual({ row, promql: false });
    expect(doc).toContain('check `deltacrown-health` or `deltacrown-transactions` fails from ≥ 2 probe locations');
  });

  it('the runbook’s dashboard list includes the synthetic checks dashboard', () => {
    const list = renderRunbookRegions(resolveCatalog(catalog)).get('dashboards')!;
    for (const d of catalog.dashboards!.dashboards) expect(list).toContain(`[${d.title}](`);
    expect(list).toContain('Synthetic checks');
  });

  describe('silence commands against a real Alertmanager', () => {
    let url = '';
    beforeAll(async () => {
      const am = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
      const dir = tempDir('deltacrown-silence-');
      fs.writeFileSync(path.join(dir, 'am.yml'), 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      await startProcess('alertmanager', am, [`--config.file=${path.join(dir, 'am.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], `${url}/-/ready`);
    }, 30000);
    afterAll(stopAll);

    it('every amtool silence add of production is accepted, silences its family and never the Watchdog; expire lifts them', async () => {
      requireBinary('amtool', 'prometheus-alertmanager');
      const real = resolveOnCall(catalog).environments.find((e) => e.name === 'production')!.alertmanager.url!;
      const lines = silenceBlock(doc, 'production').map((l) => l.split(real).join(url));
      const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, USER: 'oncall-test' } });

      // Every alert of production as Alertmanager would receive it.
      const alerts = allAlerts(resolveEnvironment(catalog, 'production'));
      const payload = alerts.map((a) => ({ labels: { alertname: a.name, ...a.labels, service: a.labels.service ?? a.services[0] } }));
      const post = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
      expect({ status: post.status, body: await post.text() }).toEqual({ status: 200, body: '' });

      const adds = lines.filter((l) => l.startsWith('amtool silence add'));
      expect(adds).toHaveLength(new Set(alerts.map((a) => a.family)).size);
      const ids: string[] = [];
      for (const cmd of adds) {
        const r = sh(cmd);
        expect({ cmd, status: r.status, stderr: r.stderr }).toEqual({ cmd, status: 0, stderr: '' });
        expect(r.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
        ids.push(r.stdout.trim());
      }
      const state = JSON.parse((await get(`${url}/api/v2/alerts`)).body) as { labels: Record<string, string>; status: { state: string; silencedBy: string[] } }[];
      expect(state).toHaveLength(alerts.length);
      for (const s of state) {
        const expected = s.labels.alertname === 'Watchdog' ? 'active' : 'suppressed';
        expect({ alert: s.labels.alertname, state: s.status.state, silences: s.status.silencedBy.length }).toEqual({ alert: s.labels.alertname, state: expected, silences: expected === 'active' ? 0 : 1 });
      }

      const query = lines.find((l) => l.startsWith('amtool silence query'))!;
      expect(sh(`${query} -q`).stdout.trim().split('\n').sort()).toEqual([...ids].sort());
      const expire = lines.find((l) => l.startsWith('amtool silence expire'))!;
      for (const id of ids) expect(sh(expire.replace('SILENCE-ID', id)).status).toBe(0);
      expect(sh(`${query} -q`).stdout.trim()).toBe('');
    }, 60000);
  });
});
