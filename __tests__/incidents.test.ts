/**
 * `npm run incidents`: MTTA / MTTR per severity against the catalog's targets from a PagerDuty raw incidents export,
 * breaches with what the runbook says follows; the fetch path against a local stub of the Analytics API (a 429, two
 * pages, a malformed page); every bad input a clear error, non-zero exit, nothing printed as a report.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { spawn } from 'child_process';
import { AddressInfo } from 'net';
import { nearestRank } from '../lib/incidents';
import { FIXTURE_ALERTS, ROOT, runCommand, tempDir } from './helpers';

const SAMPLE = path.join(__dirname, 'fixtures', 'incidents', 'raw-incidents.json');
const RANGE = ['--from', '2026-11-01T00:00:00Z', '--to', '2026-12-01T00:00:00Z'];
const incidents = (args: string[], env: Record<string, string> = {}) => runCommand('bin/incidents', ['--catalog', FIXTURE_ALERTS, ...args], { env });

/** The command run without blocking this process (the stub server must answer meanwhile). */
function incidentsAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'run.cjs'), 'bin/incidents', '--catalog', FIXTURE_ALERTS, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A stub of POST /analytics/raw/incidents answering `responses` in turn; records every request. */
async function stubApi(responses: { status: number; headers?: Record<string, string>; body: string }[]) {
  const requests: { auth?: string; body: any }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ auth: req.headers.authorization, body: JSON.parse(body || '{}') });
      const r = req.method === 'POST' && req.url === '/analytics/raw/incidents' ? responses.shift() : { status: 404, body: 'not found' };
      res.writeHead(r?.status ?? 500, { 'Content-Type': 'application/json', ...r?.headers });
      res.end(r?.body ?? 'no more responses');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8')).data as any[];

describe('npm run incidents', () => {
  it('nearest-rank median and p90', () => {
    expect(nearestRank([600, 120, 240], 0.5)).toBe(240);
    expect(nearestRank([600, 120, 240], 0.9)).toBe(600);
    expect(nearestRank(Array.from({ length: 10 }, (_, i) => i + 1), 0.9)).toBe(9);
    expect(nearestRank([], 0.5)).toBeUndefined();
  });

  it('prints the per-severity table and every breach with what the runbook says follows (sample export)', () => {
    const r = incidents(['--input', SAMPLE, ...RANGE]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // critical: acks 2m, 4m, 10m against 5m; resolves 10m, 15m, 30m against 15m.
    expect(r.stdout).toContain('| critical | 3 | 5m | 4m | 10m | 1 | 0 | 15m | 15m | 30m | 1 | 0 |');
    // high: the CloudWatch high service and the high policy; one never acknowledged and still open.
    expect(r.stdout).toContain('| high | 3 | 15m | 5m | 20m | 1 | 1 | 30m | 20m | 40m | 1 | 1 |');
    expect(r.stdout).toContain('8 incidents; 1 of other environments; 1 whose severity the PagerDuty names do not tell (Q8 billing-legacy)');
    expect(r.stdout).toContain('## Breaches (4)');
    expect(r.stdout).toContain('| Q3 | 2026-11-09T23:30:00Z | critical | deltacrown-api | MTTA 5m | 10m | secondary on-call paged |');
    expect(r.stdout).toContain('| Q3 | 2026-11-09T23:30:00Z | critical | deltacrown-api | MTTR 15m | 30m | executive notification, post-mortem required |');
    expect(r.stdout).toContain('| Q5 | 2026-11-12T02:00:00Z | high | deltacrown-api CloudWatch high | MTTR 30m | 40m | post-mortem required |');
    expect(r.stdout).not.toContain('Q9'); // created before --from
  });

  it('--format json and csv carry the same numbers', () => {
    const json = JSON.parse(incidents(['--input', SAMPLE, ...RANGE, '--format', 'json']).stdout);
    expect(json.severities[0]).toEqual({ severity: 'critical', incidents: 3, mtta: { target: 300, median: 240, p90: 600, late: 1, missing: 0 }, mttr: { target: 900, median: 900, p90: 1800, late: 1, missing: 0 } });
    expect(json.breaches).toHaveLength(4);
    const csv = incidents(['--input', SAMPLE, ...RANGE, '--format', 'csv']).stdout.trim().split('\n');
    expect(csv[1]).toBe('summary,critical,3,300,240,600,1,900,900,1800,1,,,,,,,');
    expect(csv.filter((l) => l.startsWith('breach,'))).toHaveLength(4);
    expect(csv).toContain('breach,critical,,,,,,,,,,Q3,2026-11-09T23:30:00Z,deltacrown-api,MTTR,900,1800,"executive notification, post-mortem required"');
    for (const l of csv) expect(l.replace(/"[^"]*"/g, '').split(',')).toHaveLength(18);
  });

  it('fetches every page from the Analytics API, retrying a 429, with the token from the environment', async () => {
    const [a, b] = [sample.slice(0, 4), sample.slice(4)];
    const api = await stubApi([
      { status: 429, headers: { 'Retry-After': '0' }, body: '{"error":{"message":"Rate Limit Exceeded"}}' },
      { status: 200, body: JSON.stringify({ data: a, more: true, last: 'cursor-1' }) },
      { status: 200, body: JSON.stringify({ data: b, more: false, last: 'cursor-2' }) },
    ]);
    try {
      const r = await incidentsAsync(['--pagerduty-token', '--pagerduty-url', api.url, ...RANGE, '--format', 'json'], { PAGERDUTY_TOKEN: 'stub-token' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).total).toBe(8);
      expect(api.requests.map((q) => q.auth)).toEqual(['Token token=stub-token', 'Token token=stub-token', 'Token token=stub-token']);
      expect(api.requests[0].body.filters).toEqual({ created_at_start: '2026-11-01T00:00:00.000Z', created_at_end: '2026-12-01T00:00:00.000Z' });
      expect(api.requests.map((q) => q.body.starting_after)).toEqual([undefined, undefined, 'cursor-1']);
      expect(r.stdout).not.toContain('stub-token');
    } finally {
      await api.close();
    }
  }, 30000);

  it('a malformed page is an error naming the page, the field and its position; no report', async () => {
    const bad = JSON.stringify({ data: [{ ...sample[0], seconds_to_resolve: 'soon' }], more: false }, null, 1);
    const api = await stubApi([
      { status: 200, body: JSON.stringify({ data: sample.slice(0, 2), more: true, last: 'cursor-1' }) },
      { status: 200, body: bad },
    ]);
    try {
      const r = await incidentsAsync(['--pagerduty-token', '--pagerduty-url', api.url, ...RANGE], { PAGERDUTY_TOKEN: 'stub-token' });
      expect(r.status).not.toBe(0);
      const line = bad.split('\n').findIndex((l) => l.includes('"soon"')) + 1;
      expect(r.stderr).toContain(`PagerDuty page 2 (starting_after cursor-1):${line}:`);
      expect(r.stderr).toMatch(/data\[0\]\.seconds_to_resolve: expected a number of seconds or null/);
      expect(r.stdout).toBe('');
    } finally {
      await api.close();
    }
  }, 30000);

  it('a malformed export file gets a located error', () => {
    const dir = tempDir();
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{\n  "data": [\n    { "id": "Q1", "created_at": "2026-11-02T03:00:00Z",\n  ]\n}\n');
    const syntax = incidents(['--input', broken]);
    expect(syntax.status).not.toBe(0);
    expect(syntax.stderr).toMatch(new RegExp(`${broken.replace(/[/.]/g, '\\$&')}:\\d+:\\d+: invalid JSON`));
    const wrong = path.join(dir, 'wrong.json');
    const text = JSON.stringify({ data: [sample[0], { ...sample[1], created_at: 'yesterday' }] }, null, 2);
    fs.writeFileSync(wrong, text);
    const r = incidents(['--input', wrong]);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"yesterday"')) + 1;
    const column = lines[line - 1].indexOf('"yesterday"') + 1;
    expect(r.stderr).toContain(`${wrong}:${line}:${column}: data[1].created_at: expected an ISO 8601 time with offset`);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['--input', SAMPLE, '--format', 'xml'], {}, /--format: 'xml' is not one of md, json, csv/],
    [['--input', SAMPLE, '--from', '2026-12-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z'], {}, /--from 2026-12-01T00:00:00.000Z is not before --to/],
    [['--input', SAMPLE, '--from', 'last week'], {}, /--from: 'last week' is not an ISO 8601 instant/],
    [['--input', '/nonexistent/export.json'], {}, /--input: no file \/nonexistent\/export\.json/],
    [[], {}, /--input <file> \(a PagerDuty raw incidents export\) or --pagerduty-token is required/],
    [['--pagerduty-token', ...RANGE], { PAGERDUTY_TOKEN: '' }, /the environment variable PAGERDUTY_TOKEN is not set/],
    [['--pagerduty-token=abc', ...RANGE], { PAGERDUTY_TOKEN: 'x' }, /--pagerduty-token takes no value/],
    [['--pagerduty-token'], { PAGERDUTY_TOKEN: 'x' }, /--pagerduty-token needs --from and --to/],
    [['--input', SAMPLE, '--env', 'qa'], {}, /--env: unknown environment 'qa'/],
  ])('%j: a clear error and a non-zero exit', (args, env, message) => {
    const r = incidents(args as string[], env as Record<string, string>);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });
});
