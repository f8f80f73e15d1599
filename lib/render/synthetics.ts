/**
 * The synthetic uptime checks (synthetics/uptime_checks.yml) resolved for one environment and rendered, with the
 * same semantics, for the two runners that execute them:
 *
 * - Grafana Synthetic Monitoring: plain check specs the Grafana stack turns into
 *   `grafana_synthetic_monitoring_check` resources (probe names resolved to ids there, at plan time);
 * - blackbox_exporter 0.23: one `http` module per check (method, request headers and body, accepted status codes,
 *   body regex, timeout, IPv4 only) and a Prometheus file_sd target list (`job` = check name, `__param_module` = its
 *   module).
 *
 * Pure functions from the environment plan's checks (lib/plan/synthetics.ts) to plain data; no cdktf here.
 */
import type { HttpMethod, ResolvedCheck } from '../plan/types';

// ---------------------------------------------------------------------------------------------------------------
// Grafana Synthetic Monitoring
// ---------------------------------------------------------------------------------------------------------------

/** A Synthetic Monitoring HTTP check as plain data (field names of the Grafana binding's config). */
export interface SmCheckSpec {
  job: string;
  target: string;
  /** Probe location names; the stack maps them to ids through the probes data source. */
  probeNames: string[];
  /** ms */
  frequency: number;
  /** ms */
  timeout: number;
  /** Custom labels on every metric of the check (≤ 5, names and values ≤ 32 bytes). */
  labels: Record<string, string>;
  http: {
    method: HttpMethod;
    /** Request headers, each `Name: value` (the provider's `headers`, a set of strings). */
    headers?: string[];
    /** Request body (the provider's `body`). */
    body?: string;
    validStatusCodes: number[];
    failIfBodyNotMatchesRegexp?: string[];
    failIfNotSsl: boolean;
    ipVersion: 'V4';
  };
}

/** The Synthetic Monitoring checks of one environment. Requests go over IPv4, like the blackbox modules. */
export function renderSmChecks(checks: readonly ResolvedCheck[], environment: string): SmCheckSpec[] {
  return checks.map((chk) => ({
    job: chk.name,
    target: chk.url,
    probeNames: chk.probes,
    frequency: chk.frequencySeconds * 1000,
    timeout: chk.timeoutSeconds * 1000,
    labels: { environment, service: chk.service },
    http: {
      method: chk.method,
      ...(chk.headers !== undefined ? { headers: Object.entries(chk.headers).map(([k, v]) => `${k}: ${v}`) } : {}),
      ...(chk.body !== undefined ? { body: chk.body } : {}),
      validStatusCodes: chk.validStatusCodes,
      ...(chk.bodyRegex !== undefined ? { failIfBodyNotMatchesRegexp: [chk.bodyRegex] } : {}),
      // An https check answered over plain HTTP (a downgrade redirect) fails.
      failIfNotSsl: chk.url.startsWith('https://'),
      ipVersion: 'V4',
    },
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// blackbox_exporter
// ---------------------------------------------------------------------------------------------------------------

/** One blackbox_exporter 0.23 module (`prober: http`). */
export interface BlackboxModule {
  prober: 'http';
  /** Go duration, e.g. `5s`. */
  timeout: string;
  http: {
    method: HttpMethod;
    /** Request headers, name → value. */
    headers?: Record<string, string>;
    /** Request body. */
    body?: string;
    valid_status_codes: number[];
    fail_if_body_not_matches_regexp?: string[];
    fail_if_not_ssl?: boolean;
    preferred_ip_protocol: 'ip4';
    ip_protocol_fallback: false;
  };
}

export interface BlackboxConfig {
  modules: Record<string, BlackboxModule>;
}

/** blackbox_exporter configuration: one module per check, named after the check. */
export function renderBlackboxConfig(checks: readonly ResolvedCheck[]): BlackboxConfig {
  const modules: Record<string, BlackboxModule> = {};
  for (const chk of checks) {
    modules[chk.name] = {
      prober: 'http',
      timeout: chk.timeout,
      http: {
        method: chk.method,
        ...(chk.headers !== undefined ? { headers: { ...chk.headers } } : {}),
        ...(chk.body !== undefined ? { body: chk.body } : {}),
        valid_status_codes: chk.validStatusCodes,
        ...(chk.bodyRegex !== undefined ? { fail_if_body_not_matches_regexp: [chk.bodyRegex] } : {}),
        ...(chk.url.startsWith('https://') ? { fail_if_not_ssl: true } : {}),
        preferred_ip_protocol: 'ip4',
        ip_protocol_fallback: false,
      },
    };
  }
  return { modules };
}

/** One Prometheus file_sd group: a check's target, its `job` (the check name) and blackbox module. */
export interface BlackboxTargetGroup {
  targets: [string];
  labels: { job: string; service: string; __param_module: string };
}

/** The target list of the blackbox modules, in Prometheus file_sd format (one group per check). */
export function renderBlackboxTargets(checks: readonly ResolvedCheck[]): BlackboxTargetGroup[] {
  return checks.map((chk) => ({ targets: [chk.url], labels: { job: chk.name, service: chk.service, __param_module: chk.name } }));
}

/** Header of the exported target list: how a Prometheus scrapes it through blackbox_exporter. */
export function blackboxTargetsHeader(checks: readonly ResolvedCheck[]): string {
  const periods = [...new Set(checks.map((c) => c.frequency))];
  return [
    '# Prometheus file_sd targets of the synthetic checks, probed through blackbox_exporter (modules: blackbox.yml).',
    '# Each group sets job = check name (what the synthetic-checks alerts select on) and the module to probe with.',
    '# Scrape them from each probe location with a distinct `probe` label per location, every check period',
    `# (${periods.join(', ')}; one scrape job per period), and a scrape_timeout longer than the module timeout:`,
    '#   - job_name: deltacrown-synthetics',
    '#     metrics_path: /probe',
    `#     scrape_interval: ${periods[0]}`,
    '#     file_sd_configs: [{ files: [targets.yml] }]',
    '#     relabel_configs:',
    '#       - { source_labels: [__address__], target_label: __param_target }',
    '#       - { source_labels: [__param_target], target_label: instance }',
    '#       - { target_label: __address__, replacement: 127.0.0.1:9115 }   # the blackbox_exporter',
    '#       - { target_label: probe, replacement: <location name> }',
  ].join('\n');
}
