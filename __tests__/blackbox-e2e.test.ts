/**
 * End to end: the real `prometheus-blackbox-exporter` (Debian, 0.23) runs the exported synthetic checks
 * (npm run export: <env>/synthetics/blackbox.yml + targets.yml, base URL pointed at a local stub) against a
 * local stub of DeltaCrown serving the four endpoints — healthy, then with one endpoint answering 503, one a
 * wrong body, and one too slowly — and `probe_success` of each check says which. A check that sends a body (the
 * upload smoke test: POST, headers, body) runs against a stub that answers only when it receives exactly that.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { parse } from 'yaml';
import { loadCatalog } from '../lib/catalog/load';
import { renderExport, writeFiles } from '../lib/export';
import { seconds } from '../lib/duration';
import { requireBinary, FIXTURE_ALERTS, tempDir } from './helpers';
import { POST_CHECK, catalogWithPostCheck } from './helpers-synthetics';

const catalog = loadCatalog(FIXTURE_ALERTS);
const ENV = 'production';

/** How the stub answers each path: status, body, delay (ms). */
type Answer = { status: number; body: string; delayMs?: number };
const HEALTHY: Record<string, Answer> = {
  '/health': { status: 200, body: '{"status": "ok", "version": "1.0.0"}' },
  '/api/transactions': { status: 200, body: '{"transactions": []}' },
  '/api/shop/items': { status: 200, body: '{"items": [{"id": 1, "name": "Crown"}]}' },
  '/api/moderation/enforcement/ping': { status: 200, body: '{"status":"ok"}' },
};

let answers: Record<string, Answer> = { ...HEALTHY };
const requests: { method: string; path: string; remote: string }[] = [];
let stub: http.Server;
let stubPort: number;
let exporter: Exporter | undefined;
let targets: { targets: string[]; labels: { job: string; __param_module: string } }[];
let configFile: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** A running blackbox exporter on loopback, and what it logged. */
interface Exporter {
  child: ChildProcess;
  port: number;
  log: () => string;
}

/** Starts the real blackbox exporter with `configFile` and waits until it answers /-/healthy. */
async function startExporter(configFile: string, ms = 15000): Promise<Exporter> {
  const bin = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
  const port = await freePort();
  let log = '';
  const child = spawn(bin, [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await get(`http://127.0.0.1:${port}/-/healthy`)).status === 200) return { child, port, log: () => log };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`blackbox exporter exited (${child.exitCode}):\n${log}`);
    if (Date.now() > until) throw new Error(`blackbox exporter not ready after ${ms} ms:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops an exporter this file started (SIGTERM, then SIGKILL after 3 s). */
async function stopExporter(e: Exporter | undefined): Promise<void> {
  if (!e || e.child.exitCode !== null) return;
  const exited = new Promise((r) => e.child.once('exit', r));
  e.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (e.child.exitCode === null) e.child.kill('SIGKILL');
}

/** Probes one check through an exporter (default: the file's); returns its metrics (name → value). */
async function probe(module: string, target: string, via: Exporter | undefined = exporter): Promise<Record<string, number>> {
  const res = await get(`http://127.0.0.1:${via!.port}/probe?module=${encodeURIComponent(module)}&target=${encodeURIComponent(target)}`);
  expect(res.status).toBe(200);
  const metrics: Record<string, number> = {};
  for (const line of res.body.split('\n')) {
    const m = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (m && !(m[1] in metrics)) metrics[m[1]] = Number(m[2]);
  }
  return metrics;
}

/** probe_success of every check, by path. */
async function probeAll(): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  await Promise.all(
    targets.map(async (t) => {
      out[new URL(t.targets[0]).pathname] = await probe(t.labels.__param_module, t.targets[0]);
    }),
  );
  return out;
}

const success = (r: Record<string, Record<string, number>>) => Object.fromEntries(Object.entries(r).map(([p, m]) => [p, m.probe_success]));

beforeAll(async () => {
  stub = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    requests.push({ method: req.method ?? '', path: url.pathname, remote: req.socket.remoteAddress ?? '' });
    const a = answers[url.pathname] ?? { status: 404, body: 'not found' };
    setTimeout(() => {
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body);
    }, a.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubPort = (stub.address() as net.AddressInfo).port;

  // The export, as `npm run export -- --env production --synthetics-base-url http://localhost:<port>` writes it.
  // `localhost` and an IPv4-only stub: the checks must resolve it to 127.0.0.1 (ip4, no fallback).
  const out = tempDir('deltacrown-blackbox-');
  writeFiles(renderExport(catalog, { environments: [ENV], syntheticsBaseUrl: `http://localhost:${stubPort}` }), out);
  configFile = path.join(out, ENV, 'synthetics', 'blackbox.yml');
  targets = parse(fs.readFileSync(path.join(out, ENV, 'synthetics', 'targets.yml'), 'utf8'));

  exporter = await startExporter(configFile);
}, 30000);

afterAll(async () => {
  await stopExporter(exporter);
  await new Promise<void>((resolve) => (stub ? stub.close(() => resolve()) : resolve()));
});

describe('blackbox_exporter runs the exported synthetic checks', () => {
  it('accepts the exported configuration of every environment (--config.check)', () => {
    const bin = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
    const out = tempDir('deltacrown-blackbox-check-');
    writeFiles(renderExport(catalog), out);
    for (const env of catalog.catalog.environments.map((e) => e.name)) {
      const r = spawnSync(bin, ['--config.check', `--config.file=${path.join(out, env, 'synthetics', 'blackbox.yml')}`], { encoding: 'utf8' });
      expect({ env, status: r.status, output: r.stderr }).toEqual({ env, status: 0, output: expect.stringContaining('Config file is ok') });
    }
  });

  it('probes the four endpoints of the runbook', () => {
    expect(targets.map((t) => new URL(t.targets[0]).pathname)).toEqual(['/health', '/api/transactions', '/api/shop/items', '/api/moderation/enforcement/ping']);
  });

  it('reports every check successful against a healthy DeltaCrown, over IPv4 with GET', async () => {
    answers = { ...HEALTHY };
    requests.length = 0;
    const r = await probeAll();
    expect(success(r)).toEqual({ '/health': 1, '/api/transactions': 1, '/api/shop/items': 1, '/api/moderation/enforcement/ping': 1 });
    for (const m of Object.values(r)) expect(m.probe_ip_protocol).toBe(4);
    expect(requests.map((q) => q.method).sort()).toEqual(['GET', 'GET', 'GET', 'GET']);
    expect(requests.map((q) => q.path).sort()).toEqual(['/api/moderation/enforcement/ping', '/api/shop/items', '/api/transactions', '/health']);
    expect(requests.every((q) => /127\.0\.0\.1$/.test(q.remote))).toBe(true);
  });

  it('fails the check of an endpoint answering 503, and the one whose body does not match, and only those', async () => {
    answers = {
      ...HEALTHY,
      '/api/transactions': { status: 503, body: '{"error": "payments unavailable"}' },
      '/api/shop/items': { status: 200, body: '{"error": "shop unavailable"}' },
    };
    const r = await probeAll();
    expect(success(r)).toEqual({ '/health': 1, '/api/transactions': 0, '/api/shop/items': 0, '/api/moderation/enforcement/ping': 1 });
    expect(r['/api/transactions'].probe_http_status_code).toBe(503);
    expect(r['/api/shop/items'].probe_http_status_code).toBe(200);
    expect(r['/api/shop/items'].probe_failed_due_to_regex).toBe(1);
  });

  it('fails /health when its body says it is not ok', async () => {
    answers = { ...HEALTHY, '/health': { status: 200, body: '{"status": "degraded"}' } };
    expect(success(await probeAll())['/health']).toBe(0);
  });

  it('fails a check answering after its timeout', async () => {
    const health = catalog.synthetics!.checks.find((c) => c.path === '/health')!;
    const timeoutMs = seconds(health.timeout ?? catalog.synthetics!.defaults.timeout) * 1000;
    answers = { ...HEALTHY, '/health': { ...HEALTHY['/health'], delayMs: timeoutMs + 500 } };
    const r = await probe('deltacrown-health', targets.find((t) => t.labels.job === 'deltacrown-health')!.targets[0]);
    expect(r.probe_success).toBe(0);
    expect(r.probe_duration_seconds).toBeGreaterThanOrEqual(timeoutMs / 1000 - 0.5);
  }, 20000);

  it('recovers when DeltaCrown does', async () => {
    answers = { ...HEALTHY };
    expect(success(await probeAll())).toEqual({ '/health': 1, '/api/transactions': 1, '/api/shop/items': 1, '/api/moderation/enforcement/ping': 1 });
  });
});

describe('blackbox_exporter sends the request of a check with a body (the upload smoke test)', () => {
  const post = loadCatalog(catalogWithPostCheck());
  /** What the smoke endpoint received, per request. */
  const received: { method: string; path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  /** How the application's storage behaves: ok, S3 failing, or the object left behind (not deleted). */
  let storage: 'ok' | 's3-down' | 'not-deleted' = 'ok';
  let server: http.Server;
  let port: number;
  let smoke: Exporter | undefined;
  let target: string;

  beforeAll(async () => {
    // The smoke endpoint as the application implements it (synthetics/uptime_checks.yml): a POST with a
    // text/plain body is stored, read back and deleted; anything else is refused.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method ?? '', path: new URL(req.url ?? '/', 'http://stub').pathname, headers: req.headers, body });
        const answer = (status: number, json: object) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        if (req.method !== 'POST') return answer(405, { status: 'error', error: 'method not allowed' });
        if (req.headers['content-type'] !== POST_CHECK.contentType || body !== POST_CHECK.body) return answer(400, { status: 'error', error: 'unexpected body' });
        if (storage === 's3-down') return answer(503, { status: 'error', step: 'put' });
        answer(200, { status: 'ok', stored: true, deleted: storage === 'ok' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    const out = tempDir('deltacrown-blackbox-post-');
    writeFiles(renderExport(post, { environments: [ENV], syntheticsBaseUrl: `http://localhost:${port}` }), out);
    const t = parse(fs.readFileSync(path.join(out, ENV, 'synthetics', 'targets.yml'), 'utf8')) as typeof targets;
    target = t.find((x) => x.labels.job === POST_CHECK.name)!.targets[0];
    smoke = await startExporter(path.join(out, ENV, 'synthetics', 'blackbox.yml'));
  }, 30000);

  afterAll(async () => {
    await stopExporter(smoke);
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** Probes the POST check's module through its exporter. */
  const probeSmoke = () => probe(POST_CHECK.name, target, smoke);

  it('POSTs the catalog body with its Content-Type and headers, and succeeds when the upload is stored and deleted', async () => {
    storage = 'ok';
    received.length = 0;
    const r = await probeSmoke();
    expect({ success: r.probe_success, status: r.probe_http_status_code }).toEqual({ success: 1, status: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', path: POST_CHECK.path, body: POST_CHECK.body });
    expect(received[0].headers).toMatchObject({
      'content-type': POST_CHECK.contentType,
      'x-deltacrown-synthetic': POST_CHECK.marker,
      'content-length': String(Buffer.byteLength(POST_CHECK.body)),
    });
  });

  it('fails while S3 fails the upload (503)', async () => {
    storage = 's3-down';
    const r = await probeSmoke();
    expect({ success: r.probe_success, status: r.probe_http_status_code }).toEqual({ success: 0, status: 503 });
  });

  it('fails when the application answers 200 but left the object behind (body regex)', async () => {
    storage = 'not-deleted';
    const r = await probeSmoke();
    expect({ success: r.probe_success, status: r.probe_http_status_code, regex: r.probe_failed_due_to_regex }).toEqual({ success: 0, status: 200, regex: 1 });
  });

  it('recovers with S3', async () => {
    storage = 'ok';
    expect((await probeSmoke()).probe_success).toBe(1);
  });
});
