/**
 * A small client of the Prometheus HTTP API (`/api/v1/…`) for the backtest: range queries split to stay within
 * Prometheus's 11 000 points per series, a bounded number of requests in flight, credentials from the environment,
 * and errors that say what went wrong (server unreachable, credentials refused, query rejected, not Prometheus).
 */
import * as http from 'http';
import * as https from 'https';
import type { Labels } from './alert-state';
import { labelsKey } from '../label-matchers';

/** Prometheus refuses a range query of more than 11 000 points per series (`exceeded maximum resolution`). */
const PROMETHEUS_MAX_POINTS = 11000;

/** What the backtest reports to people as a failure of its input (server, range, options), not as a crash. */
export class BacktestError extends Error {}

export interface PrometheusAuth {
  bearerToken?: string;
  username?: string;
  password?: string;
}

/**
 * Credentials from the environment (never from the command line, where `ps` and shell history would show them):
 * `PROMETHEUS_BEARER_TOKEN`, or `PROMETHEUS_USERNAME` and `PROMETHEUS_PASSWORD` (basic auth).
 */
export function authFromEnv(env: Record<string, string | undefined>): PrometheusAuth {
  const token = env.PROMETHEUS_BEARER_TOKEN || undefined;
  const username = env.PROMETHEUS_USERNAME || undefined;
  const password = env.PROMETHEUS_PASSWORD;
  if (token && (username || password)) throw new BacktestError('set either PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD, not both');
  if (password && !username) throw new BacktestError('PROMETHEUS_PASSWORD is set without PROMETHEUS_USERNAME');
  if (token) return { bearerToken: token };
  if (username) return { username, password: password ?? '' };
  return {};
}

export interface ClientOptions {
  auth?: PrometheusAuth;
  /** Requests in flight at most (default 4). */
  concurrency?: number;
  /** Per request (ms, default 120 000). */
  timeoutMs?: number;
  /** Points per series and range query at most (default and upper bound: 11 000). */
  maxPoints?: number;
}

/** One series of a range query: its labels and its samples (timestamps in ms; a value may be NaN). */
export interface RangeSeries {
  labels: Labels;
  points: [number, number][];
}

interface ApiResponse {
  status: 'success' | 'error';
  data?: any;
  errorType?: string;
  error?: string;
}

const REACH_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
};

export class PrometheusClient {
  readonly url: string;
  private readonly auth: PrometheusAuth;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  readonly maxPoints: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Requests made (for the report). */
  requests = 0;

  constructor(url: string, opts: ClientOptions = {}) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new BacktestError(`--prometheus: '${url}' is not a URL; expected e.g. http://prometheus:9090`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BacktestError(`--prometheus: '${url}' is not an http(s) URL`);
    if (u.username || u.password) throw new BacktestError('--prometheus: put no credentials in the URL; set PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD or PROMETHEUS_BEARER_TOKEN');
    this.url = u.toString().replace(/\/+$/, '');
    this.auth = opts.auth ?? {};
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.timeoutMs = opts.timeoutMs ?? 120000;
    this.maxPoints = Math.min(PROMETHEUS_MAX_POINTS, Math.max(2, opts.maxPoints ?? PROMETHEUS_MAX_POINTS));
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (this.auth.bearerToken) h.authorization = `Bearer ${this.auth.bearerToken}`;
    else if (this.auth.username !== undefined) h.authorization = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? ''}`).toString('base64')}`;
    return h;
  }

  /** POSTs (form-encoded) or GETs an API path; resolves with `data` of a successful answer. */
  async api(path: string, params?: Record<string, string>, what = path): Promise<any> {
    const body = params ? new URLSearchParams(params).toString() : undefined;
    const res = await this.slot(() => this.send(path, body));
    let json: ApiResponse | undefined;
    try {
      json = JSON.parse(res.body) as ApiResponse;
    } catch {
      json = undefined;
    }
    if (res.status === 401 || res.status === 403) {
      const sent = this.auth.bearerToken ? 'the bearer token of PROMETHEUS_BEARER_TOKEN' : this.auth.username !== undefined ? `basic auth as ${this.auth.username}` : 'no credentials';
      throw new BacktestError(`Prometheus at ${this.url} refused the request (HTTP ${res.status}) with ${sent}: set PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD`);
    }
    if (!json || typeof json !== 'object' || !('status' in json)) {
      throw new BacktestError(`${this.url}${path} answered HTTP ${res.status} without a Prometheus API response (${res.contentType || 'no content type'}): is --prometheus the Prometheus server's base URL?`);
    }
    if (json.status !== 'success') {
      throw new BacktestError(`Prometheus at ${this.url} rejected ${what} (HTTP ${res.status}, ${json.errorType ?? 'error'}): ${json.error ?? 'no message'}`);
    }
    return json.data;
  }

  private send(path: string, body?: string): Promise<{ status: number; body: string; contentType: string }> {
    this.requests++;
    const target = new URL(this.url + path);
    const mod = target.protocol === 'https:' ? https : http;
    const headers = this.headers();
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = mod.request(target, { method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), contentType: String(res.headers['content-type'] ?? '') }));
        res.on('error', reject);
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs / 1000} s`), { code: 'TIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'TIMEOUT' ? e.message : (REACH_CODES[e.code ?? ''] ?? e.message);
        reject(new BacktestError(`cannot reach Prometheus at ${this.url}: ${why} (${e.code ?? 'error'})`));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /**
   * `query_range` of `expr` at `stepS` from `startMs` to `endMs` (both on the step grid), split into ranges of at
   * most `maxPoints` points, merged per series.
   */
  async queryRange(expr: string, startMs: number, endMs: number, stepS: number): Promise<RangeSeries[]> {
    const stepMs = stepS * 1000;
    const chunks: [number, number][] = [];
    for (let s = startMs; s <= endMs; s += this.maxPoints * stepMs) chunks.push([s, Math.min(endMs, s + (this.maxPoints - 1) * stepMs)]);
    const parts = await Promise.all(
      chunks.map(([s, e]) =>
        this.api('/api/v1/query_range', { query: expr, start: String(s / 1000), end: String(e / 1000), step: String(stepS) }, `the query ${oneLine(expr)}`),
      ),
    );
    const merged = new Map<string, RangeSeries>();
    for (const data of parts) {
      if (data?.resultType !== 'matrix') throw new BacktestError(`Prometheus answered a range query with a ${data?.resultType ?? 'missing'} result, not a matrix`);
      for (const r of data.result as { metric: Labels; values: [number, string][] }[]) {
        const key = labelsKey(r.metric);
        let s = merged.get(key);
        if (!s) merged.set(key, (s = { labels: r.metric, points: [] }));
        for (const [t, v] of r.values) s.points.push([Math.round(t * 1000), Number(v)]);
      }
    }
    for (const s of merged.values()) s.points.sort((a, b) => a[0] - b[0]);
    return [...merged.values()];
  }

  /** `data` of a status endpoint, or undefined when the server does not offer it (Thanos, Mimir, older versions). */
  async status(name: 'runtimeinfo' | 'tsdb' | 'flags' | 'buildinfo'): Promise<any | undefined> {
    try {
      return await this.api(`/api/v1/status/${name}`);
    } catch (e) {
      if (e instanceof BacktestError && /cannot reach|refused the request/.test(e.message)) throw e;
      return undefined;
    }
  }
}

/** An expression on one line, shortened for messages. */
export function oneLine(expr: string, max = 160): string {
  const s = expr.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
