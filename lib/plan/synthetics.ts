/**
 * The synthetic uptime checks (synthetics/uptime_checks.yml) of one environment, every default applied: what
 * lib/render/synthetics.ts renders for Grafana Synthetic Monitoring and for the blackbox exporter.
 */
import type { Catalog } from '../catalog/model';
import type { HttpMethod } from '../catalog/schema-synthetics';
import { seconds } from '../duration';

/** One check, every default applied, for one environment. */
export interface ResolvedCheck {
  /** Check name: `job` label of its series, blackbox module name. */
  name: string;
  description: string;
  service: string;
  /** Full URL requested: base URL of the environment + path. */
  url: string;
  path: string;
  method: HttpMethod;
  /** Request headers, name → value, when the check sends any (a body's Content-Type). */
  headers?: Record<string, string>;
  /** Request body, when the check sends one (POST, PUT). */
  body?: string;
  validStatusCodes: number[];
  /** The response body must match this RE2 regex, when set. */
  bodyRegex?: string;
  /** Period between runs, as written (`1m`) and in seconds. */
  frequency: string;
  frequencySeconds: number;
  /** Maximum run time, as written (`5s`) and in seconds. */
  timeout: string;
  timeoutSeconds: number;
  /** Probe location names. */
  probes: string[];
}

/**
 * The checks of one environment. Empty when the catalog has no synthetics file; `withBaseUrl` points them elsewhere.
 */
export function resolveChecks(c: Catalog, environment: string): ResolvedCheck[] {
  const s = c.synthetics;
  if (!s) return [];
  const base = s.base_urls[environment]?.replace(/\/+$/, '');
  if (!base) throw new Error(`synthetics: no base URL for environment ${environment}`);
  return s.checks.map((chk) => {
    const frequency = chk.frequency ?? s.defaults.frequency;
    const timeout = chk.timeout ?? s.defaults.timeout;
    return {
      name: chk.name,
      description: chk.description,
      service: chk.service,
      url: `${base}${chk.path}`,
      path: chk.path,
      method: chk.method ?? s.defaults.method,
      ...(chk.headers !== undefined ? { headers: { ...chk.headers } } : {}),
      ...(chk.body !== undefined ? { body: chk.body } : {}),
      validStatusCodes: [...(chk.valid_status_codes ?? s.defaults.valid_status_codes)],
      ...(chk.body_regex !== undefined ? { bodyRegex: chk.body_regex } : {}),
      frequency,
      frequencySeconds: seconds(frequency),
      timeout,
      timeoutSeconds: seconds(timeout),
      probes: [...(chk.probes ?? s.defaults.probes)],
    };
  });
}


/** The checks pointed at another base URL (end-to-end tests point them at a local server). */
export function withBaseUrl(checks: readonly ResolvedCheck[], baseUrl: string): ResolvedCheck[] {
  const base = baseUrl.replace(/\/+$/, '');
  return checks.map((k) => ({ ...k, url: `${base}${k.path}`, ...(k.headers ? { headers: { ...k.headers } } : {}), validStatusCodes: [...k.validStatusCodes], probes: [...k.probes] }));
}
