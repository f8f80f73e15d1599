/**
 * `grafana_synthetic_monitoring_check`: a Grafana Cloud Synthetic Monitoring check (provider `grafana/grafana`
 * ~> 4.0, bound by hand). Only HTTP checks are bound: the project's uptime checks are HTTP requests.
 */
import { Construct } from 'constructs';
import { TerraformMetaArguments, TerraformResource, booleanToTerraform, hashMapper, listMapper, numberToTerraform, stringToTerraform } from 'cdktf';
import { checkPattern, checkRange, compact, compactHcl, grafanaElementConfig, hclAttribute, hclBlock, isKnown } from './attributes';

/** Limits the Synthetic Monitoring API enforces on custom labels. */
export const SM_LABEL_LIMITS = { maxLabels: 5, maxBytes: 32, name: /^[a-zA-Z_][a-zA-Z0-9_]*$/ } as const;

/** `settings[].http[]`: how the HTTP request is made and what makes it fail. */
export interface SyntheticMonitoringCheckSettingsHttp {
  /** Request method: GET, HEAD, POST, PUT, DELETE, OPTIONS (default GET). */
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** Accepted status codes (default: any 2xx). */
  readonly validStatusCodes?: number[];
  /** Accepted HTTP versions, e.g. `HTTP/1.1`, `HTTP/2.0` (default any). */
  readonly validHttpVersions?: string[];
  /** The check fails unless the body matches every one of these regular expressions (RE2). */
  readonly failIfBodyNotMatchesRegexp?: string[];
  /** The check fails if the body matches any of these regular expressions (RE2). */
  readonly failIfBodyMatchesRegexp?: string[];
  /** Fail when the final response was not served over TLS. */
  readonly failIfNotSsl?: boolean;
  /** Fail when the final response was served over TLS. */
  readonly failIfSsl?: boolean;
  /** Request headers, each `Name: value` (provider: `headers`, set of strings). */
  readonly headers?: string[];
  /** The body of the request (provider: `body`, string, "The body of the HTTP request used in probe."). */
  readonly body?: string;
  /** IP version to resolve the target to: `V4`, `V6` or `Any` (default `V4`). */
  readonly ipVersion?: 'V4' | 'V6' | 'Any';
  /** Do not follow redirects. */
  readonly noFollowRedirects?: boolean;
  /** Name of a query parameter with a random value, to defeat caches. */
  readonly cacheBustingQueryParamName?: string;
}

/** `settings[]`: exactly one check kind; the project binds `http` only. */
export interface SyntheticMonitoringCheckSettings {
  readonly http: SyntheticMonitoringCheckSettingsHttp;
}

export interface SyntheticMonitoringCheckConfig extends TerraformMetaArguments {
  /** The `job` label of every metric of the check. Required. */
  readonly job: string;
  /** The URL requested. Required. */
  readonly target: string;
  /** Probe location ids the check runs from (see DataGrafanaSyntheticMonitoringProbes). Required, non-empty. */
  readonly probes: number[];
  /** What the check does. Required. */
  readonly settings: SyntheticMonitoringCheckSettings;
  /** Whether the check runs (default true). */
  readonly enabled?: boolean;
  /** Period between runs, in ms: 1000–3600000 (default 60000). */
  readonly frequency?: number;
  /** Maximum run time, in ms: 1000–180000 (default 3000). */
  readonly timeout?: number;
  /** Custom labels added to every metric: at most 5, names and values non-empty and at most 32 bytes. */
  readonly labels?: Record<string, string>;
  /** Synthetic Monitoring's own alert levels: `none`, `low`, `medium`, `high` (default none). */
  readonly alertSensitivity?: 'none' | 'low' | 'medium' | 'high';
  /** Publish the reduced metric set (default true). */
  readonly basicMetricsOnly?: boolean;
}

export class SyntheticMonitoringCheck extends TerraformResource {
  /** Terraform resource type. */
  public static readonly tfResourceType = 'grafana_synthetic_monitoring_check';

  private readonly config: SyntheticMonitoringCheckConfig;

  constructor(scope: Construct, id: string, config: SyntheticMonitoringCheckConfig) {
    super(scope, id, grafanaElementConfig(SyntheticMonitoringCheck.tfResourceType, config));
    validate(config);
    this.config = config;
  }

  /** Id of the check. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** Synthetic Monitoring tenant of the check. */
  public get tenantId(): number {
    return this.getNumberAttribute('tenant_id');
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    const c = this.config;
    return {
      job: stringToTerraform(c.job),
      target: stringToTerraform(c.target),
      probes: listMapper(numberToTerraform, false)(c.probes),
      enabled: booleanToTerraform(c.enabled),
      frequency: numberToTerraform(c.frequency),
      timeout: numberToTerraform(c.timeout),
      labels: hashMapper(stringToTerraform)(c.labels),
      alert_sensitivity: stringToTerraform(c.alertSensitivity),
      basic_metrics_only: booleanToTerraform(c.basicMetricsOnly),
      // Blocks synthesize as arrays, even `settings` (exactly one) and `http` (at most one).
      settings: [{ http: [httpToTerraform(c.settings.http)] }],
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const c = this.config;
    return compactHcl({
      job: hclAttribute(c.job, 'string'),
      target: hclAttribute(c.target, 'string'),
      probes: hclAttribute(c.probes, 'numberList', 'set'),
      enabled: hclAttribute(c.enabled, 'boolean'),
      frequency: hclAttribute(c.frequency, 'number'),
      timeout: hclAttribute(c.timeout, 'number'),
      labels: hclAttribute(c.labels, 'stringMap'),
      alert_sensitivity: hclAttribute(c.alertSensitivity, 'string'),
      basic_metrics_only: hclAttribute(c.basicMetricsOnly, 'boolean'),
      settings: hclBlock([{ http: hclBlock([httpToHcl(c.settings.http)], 'set', 'SyntheticMonitoringCheckSettingsHttpList') }], 'set', 'SyntheticMonitoringCheckSettingsList'),
    });
  }
}

function httpToTerraform(h: SyntheticMonitoringCheckSettingsHttp): Record<string, unknown> {
  return compact({
    method: stringToTerraform(h.method),
    valid_status_codes: listMapper(numberToTerraform, false)(h.validStatusCodes),
    valid_http_versions: listMapper(stringToTerraform, false)(h.validHttpVersions),
    fail_if_body_not_matches_regexp: listMapper(stringToTerraform, false)(h.failIfBodyNotMatchesRegexp),
    fail_if_body_matches_regexp: listMapper(stringToTerraform, false)(h.failIfBodyMatchesRegexp),
    fail_if_not_ssl: booleanToTerraform(h.failIfNotSsl),
    fail_if_ssl: booleanToTerraform(h.failIfSsl),
    headers: listMapper(stringToTerraform, false)(h.headers),
    body: stringToTerraform(h.body),
    ip_version: stringToTerraform(h.ipVersion),
    no_follow_redirects: booleanToTerraform(h.noFollowRedirects),
    cache_busting_query_param_name: stringToTerraform(h.cacheBustingQueryParamName),
  });
}

function httpToHcl(h: SyntheticMonitoringCheckSettingsHttp) {
  return compactHcl({
    method: hclAttribute(h.method, 'string'),
    valid_status_codes: hclAttribute(h.validStatusCodes, 'numberList', 'set'),
    valid_http_versions: hclAttribute(h.validHttpVersions, 'stringList', 'set'),
    fail_if_body_not_matches_regexp: hclAttribute(h.failIfBodyNotMatchesRegexp, 'stringList', 'set'),
    fail_if_body_matches_regexp: hclAttribute(h.failIfBodyMatchesRegexp, 'stringList', 'set'),
    fail_if_not_ssl: hclAttribute(h.failIfNotSsl, 'boolean'),
    fail_if_ssl: hclAttribute(h.failIfSsl, 'boolean'),
    headers: hclAttribute(h.headers, 'stringList', 'set'),
    body: hclAttribute(h.body, 'string'),
    ip_version: hclAttribute(h.ipVersion, 'string'),
    no_follow_redirects: hclAttribute(h.noFollowRedirects, 'boolean'),
    cache_busting_query_param_name: hclAttribute(h.cacheBustingQueryParamName, 'string'),
  });
}

/** What the Synthetic Monitoring API would reject at apply time, caught at synth. */
function validate(c: SyntheticMonitoringCheckConfig): void {
  const name = `SyntheticMonitoringCheck ${c.job}`;
  checkPattern(name, 'job', c.job, /\S/, 'a non-empty job name');
  checkPattern(name, 'target', c.target, /\S/, 'a non-empty target');
  if (isKnown(c.probes) && c.probes.length === 0) throw new Error(`${name}: probes must name at least one probe`);
  checkRange(name, 'frequency', c.frequency, 1000, 3600000, ' ms');
  checkRange(name, 'timeout', c.timeout, 1000, 180000, ' ms');
  if (isKnown(c.frequency) && isKnown(c.timeout) && c.timeout! > c.frequency!) {
    throw new Error(`${name}: timeout (${c.timeout} ms) must not exceed frequency (${c.frequency} ms)`);
  }
  if (isKnown(c.labels)) {
    const entries = Object.entries(c.labels!);
    if (entries.length > SM_LABEL_LIMITS.maxLabels) throw new Error(`${name}: at most ${SM_LABEL_LIMITS.maxLabels} labels, got ${entries.length}`);
    for (const [k, v] of entries) {
      if (!SM_LABEL_LIMITS.name.test(k) || Buffer.byteLength(k) > SM_LABEL_LIMITS.maxBytes) {
        throw new Error(`${name}: label name ${JSON.stringify(k)} must be a Prometheus label name of at most ${SM_LABEL_LIMITS.maxBytes} bytes`);
      }
      if (isKnown(v) && (v.length === 0 || Buffer.byteLength(v) > SM_LABEL_LIMITS.maxBytes)) {
        throw new Error(`${name}: label ${k} must have a non-empty value of at most ${SM_LABEL_LIMITS.maxBytes} bytes, got ${JSON.stringify(v)}`);
      }
    }
  }
  const codes = c.settings.http.validStatusCodes;
  if (isKnown(codes)) {
    for (const code of codes!) if (isKnown(code) && !(Number.isInteger(code) && code >= 100 && code <= 599)) throw new Error(`${name}: invalid status code ${code}`);
  }
}
