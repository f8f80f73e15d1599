/**
 * End-to-end harness: real processes (prometheus, alertmanager, blackbox exporter) on free loopback ports,
 * Node HTTP stubs for what cannot run here (the DeltaCrown services' metrics, PagerDuty, Slack, the heartbeat),
 * and polling with deadlines. Every process is stopped by `stopAll()`, also when a test fails.
 */
import * as http from 'http';
import * as net from 'net';
import { ChildProcess, spawn } from 'child_process';

/** A free TCP port on 127.0.0.1 (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` every `everyMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** GET a URL on loopback; resolves with status and body. */
export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<RunningProcess>();

/** Starts a binary and waits until `readyUrl` answers 200. */
export async function startProcess(name: string, cmd: string, args: string[], readyUrl: string, timeoutMs = 20000): Promise<RunningProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const p: RunningProcess = {
    name,
    child,
    output: () => out,
    stop: async () => {
      running.delete(p);
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(t);
    },
  };
  running.add(p);
  try {
    await waitFor(`${name} at ${readyUrl}`, async () => {
      if (exited) throw new Error(`${name} exited: ${out}`);
      return (await get(readyUrl)).status === 200;
    }, timeoutMs);
  } catch (e) {
    await p.stop();
    throw new Error(`${String(e)}\n--- ${name} output ---\n${out}`);
  }
  return p;
}

/** Stops every process started by `startProcess` that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** A request a stub received. */
export interface Received {
  at: number;
  method: string;
  path: string;
  body: string;
  json?: any;
}

/**
 * An HTTP server on loopback that records what it receives and answers with a configurable status: `status` for
 * every request, or what `statusFor` returns for a request (undefined: `status`), to fail one kind of event only.
 */
export class ReceiverStub {
  readonly received: Received[] = [];
  status = 202;
  statusFor?: (r: Received) => number | undefined;
  private server?: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const r: Received = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', body, json };
        this.received.push(r);
        const status = this.statusFor?.(r) ?? this.status;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status < 300 ? '{"status":"success","message":"Event processed"}' : '{"status":"invalid event","message":"Event object is invalid"}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

type Labels = Record<string, string>;
const key = (name: string, labels: Labels) => `${name}{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;

/**
 * The DeltaCrown services and exporters as a scrape target: counters grow at rates per second a scenario
 * sets (the value is integrated at every scrape), gauges hold what the scenario sets.
 */
export class MetricsStub {
  private counters = new Map<string, { value: number; rate: number; last: number }>();
  private gauges = new Map<string, number>();
  private server?: http.Server;
  port = 0;

  /** Sets a counter's growth rate (per second) from now on; creates it at 0. */
  rate(name: string, labels: Labels, perSecond: number): void {
    const k = key(name, labels);
    const c = this.counters.get(k);
    if (c) {
      this.advance(c);
      c.rate = perSecond;
    } else this.counters.set(k, { value: 0, rate: perSecond, last: Date.now() });
  }

  gauge(name: string, labels: Labels, value: number): void {
    this.gauges.set(key(name, labels), value);
  }

  private advance(c: { value: number; rate: number; last: number }): void {
    const now = Date.now();
    c.value += (c.rate * (now - c.last)) / 1000;
    c.last = now;
  }

  exposition(): string {
    const lines: string[] = [];
    for (const [k, c] of this.counters) {
      this.advance(c);
      lines.push(`${k} ${c.value}`);
    }
    for (const [k, v] of this.gauges) lines.push(`${k} ${v}`);
    return `${lines.join('\n')}\n`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(this.exposition());
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}
