/**
 * Provider conformance: every resource and data source type the app synthesizes is checked, on the synthesized JSON,
 * against the constraints its provider enforces at `terraform validate` / plan / apply time — the ones this project
 * relies on. Each constraint cites the provider source file it is taken from, at the version the bindings pin:
 * PagerDuty/pagerduty 3.30.8 (PagerDuty/terraform-provider-pagerduty, tag v3.30.8), hashicorp/aws 6.25.0
 * (hashicorp/terraform-provider-aws), hashicorp/kubernetes 2.38.0 (hashicorp/terraform-provider-kubernetes),
 * grafana/grafana ~> 4.0 (grafana/terraform-provider-grafana). No terraform binary is needed.
 *
 * A synthesized type without an entry in CONFORMANCE fails the suite: a new resource type must come with its checks.
 */
import { loadCatalog } from '../lib/catalog/load';
import { PAGERDUTY_TIME_ZONES } from '../lib/pagerduty-time-zones';
import { replacementHash } from '../lib/plan/guardrails';
import { FIXTURE_ALERTS, catalogIssues, copyCatalog, edit } from './helpers';
import { synthApp, TfJson } from './helpers-synth';

type Body = Record<string, any>;
/** Problems of one resource (empty when it conforms). */
type Rule = (r: Body) => string[];

const isRef = (v: unknown): boolean => typeof v === 'string' && /^\$\{[^}]+\}$/.test(v);
const has = (r: Body, k: string) => r[k] !== undefined && r[k] !== null && r[k] !== '';
const required = (...keys: string[]): Rule => (r) => keys.filter((k) => !has(r, k)).map((k) => `${k} is required`);
const oneOf = (key: string, values: readonly (string | number)[]): Rule => (r) =>
  r[key] === undefined || isRef(r[key]) || values.includes(r[key]) ? [] : [`${key} = ${JSON.stringify(r[key])} is not one of ${values.join(', ')}`];
const conflicts = (a: string, b: string): Rule => (r) => (has(r, a) && has(r, b) ? [`${a} conflicts with ${b}`] : []);
const between = (key: string, min: number, max: number, v: (r: Body) => unknown = (r) => r[key]): Rule => (r) => {
  const x = v(r);
  if (x === undefined || isRef(x)) return [];
  return typeof x === 'number' && x >= min && x <= max ? [] : [`${key} = ${JSON.stringify(x)} is not within ${min}..${max}`];
};
const all = (...rules: Rule[]): Rule => (r) => rules.flatMap((f) => f(r));
const each = (key: string, rule: Rule): Rule => (r) => [r[key] ?? []].flat().flatMap((x: Body, i: number) => rule(x).map((p) => `${key}[${i}].${p}`));
const rfc3339 = (key: string): Rule => (r) => (r[key] === undefined || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(r[key]) ? [] : [`${key} is not RFC 3339`]);
const matches = (key: string, re: RegExp, what: string): Rule => (r) => (r[key] === undefined || isRef(r[key]) || re.test(r[key]) ? [] : [`${key} = ${JSON.stringify(r[key])}: ${what}`]);
/** Kubernetes object names: a DNS-1123 subdomain (lower-case alphanumerics, '-', '.', at most 253). */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const CONFORMANCE: Record<string, Rule> = {
  // ---------------------------------------------------------------- PagerDuty 3.30.8
  // pagerduty/resource_pagerduty_schedule.go: time_zone Required, ValidateDiagFunc util.ValidateTZValueDiagFunc
  // (util/util.go validTZ: Etc/UTC, not UTC); layer Required; layer.start Required, time.Parse(RFC3339);
  // rotation_virtual_start Required, validateRFC3339; rotation_turn_length_seconds Required, IntBetween(3600, 365*24*3600);
  // users Required.
  pagerduty_schedule: all(
    required('time_zone', 'layer'),
    oneOf('time_zone', PAGERDUTY_TIME_ZONES),
    each('layer', all(required('start', 'rotation_virtual_start', 'rotation_turn_length_seconds', 'users'), rfc3339('start'), rfc3339('rotation_virtual_start'), between('rotation_turn_length_seconds', 3600, 31536000))),
  ),
  // pagerduty/resource_pagerduty_escalation_policy.go: name Required, validateIsAllowedString(NoNonPrintableCharsOrSpecialChars)
  // (no \ / & < >); num_loops IntBetween(0, 9); teams MaxItems 1; rule Required; escalation_delay_in_minutes
  // Required, IntAtLeast(1); target Required, type in user_reference | schedule_reference, id Required.
  pagerduty_escalation_policy: all(
    required('name', 'rule'),
    matches('name', /^[^\\/&<>]*\S$/, 'no \\ / & < > nor trailing space'),
    between('num_loops', 0, 9),
    (r) => ((r.teams ?? []).length > 1 ? ['teams: at most 1'] : []),
    each('rule', all(required('escalation_delay_in_minutes', 'target'), between('escalation_delay_in_minutes', 1, Number.MAX_SAFE_INTEGER), each('target', all(required('id'), oneOf('type', ['user_reference', 'schedule_reference']))))),
  ),
  // pagerduty/resource_pagerduty_service.go: name Required (NoNonPrintableChars); escalation_policy Required;
  // alert_creation in create_alerts_and_incidents | create_incidents; auto_resolve_timeout / acknowledgement_timeout
  // TypeString (seconds, "null" disables); incident_urgency_rule MaxItems 1, type Required; alert_grouping_parameters
  // ConflictsWith alert_grouping, alert_grouping_timeout.
  pagerduty_service: all(
    required('name', 'escalation_policy'),
    oneOf('alert_creation', ['create_alerts_and_incidents', 'create_incidents']),
    (r) => ['auto_resolve_timeout', 'acknowledgement_timeout'].filter((k) => r[k] !== undefined && !(typeof r[k] === 'string' && /^(\d+|null)$/.test(r[k]))).map((k) => `${k} must be a string of seconds or "null"`),
    (r) => (r.incident_urgency_rule && !r.incident_urgency_rule.type ? ['incident_urgency_rule.type is required'] : []),
    conflicts('alert_grouping_parameters', 'alert_grouping'),
  ),
  // pagerduty/resource_pagerduty_service_integration.go: service Required; type ConflictsWith vendor, one of
  // aws_cloudwatch_inbound_integration, events_api_v2_inbound_integration, … (validateValueDiagFunc).
  pagerduty_service_integration: all(
    required('service'),
    conflicts('type', 'vendor'),
    (r) => (has(r, 'type') || has(r, 'vendor') ? [] : ['one of type or vendor']),
    oneOf('type', [
      'aws_cloudwatch_inbound_integration', 'cloudkick_inbound_integration', 'event_transformer_api_inbound_integration', 'events_api_v2_inbound_integration',
      'generic_email_inbound_integration', 'generic_events_api_inbound_integration', 'keynote_inbound_integration', 'nagios_inbound_integration',
      'pingdom_inbound_integration', 'sql_monitor_inbound_integration',
    ]),
  ),
  // pagerdutyplugin/resource_pagerduty_team.go: name Required.
  pagerduty_team: required('name'),
  // pagerdutyplugin/resource_pagerduty_team_membership.go: user_id, team_id Required; role OneOf observer, responder, manager.
  pagerduty_team_membership: all(required('user_id', 'team_id'), oneOf('role', ['observer', 'responder', 'manager'])),
  // pagerdutyplugin/resource_pagerduty_business_service.go: name Required.
  pagerduty_business_service: required('name'),
  // pagerdutyplugin/resource_pagerduty_service_dependency.go: dependency Required, each with dependent_service and
  // supporting_service (id and type Required; type business_service | service | …_reference).
  pagerduty_service_dependency: each(
    'dependency',
    all(required('dependent_service', 'supporting_service'), each('dependent_service', all(required('id', 'type'), oneOf('type', ['business_service', 'business_service_reference', 'service', 'service_reference', 'technical_service_reference'])))),
  ),
  // pagerdutyplugin/resource_pagerduty_alert_grouping_setting.go: name, type, services Required; type OneOf
  // content_based, content_based_intelligent, intelligent, time; services SizeAtLeast(1); config.time_window NoneOf(0).
  pagerduty_alert_grouping_setting: all(
    required('name', 'type', 'services'),
    oneOf('type', ['content_based', 'content_based_intelligent', 'intelligent', 'time']),
    (r) => ((r.services ?? []).length < 1 ? ['services: at least 1'] : []),
    (r) => (r.config?.time_window === 0 ? ['config.time_window must not be 0'] : []),
  ),
  // pagerduty/resource_pagerduty_event_orchestration_service.go: service Required; set Required, the first set's
  // id "start"; catch_all Required.
  pagerduty_event_orchestration_service: all(required('service', 'set', 'catch_all'), (r) => (r.set?.[0]?.id === 'start' ? [] : ['the first set must have id "start"'])),
  // pagerduty/resource_pagerduty_slack_connection.go: source_id, source_type, workspace_id, channel_id,
  // notification_type, config Required.
  pagerduty_slack_connection: required('source_id', 'source_type', 'workspace_id', 'channel_id', 'notification_type', 'config'),
  // pagerduty/data_source_pagerduty_user.go: email Required.
  'data.pagerduty_user': required('email'),

  // ---------------------------------------------------------------- AWS 6.25.0
  // internal/service/cloudwatch/metric_alarm.go: alarm_name Required, StringLenBetween(1, 255); comparison_operator
  // Required, enum types.ComparisonOperator; evaluation_periods Required, IntAtLeast(1); datapoints_to_alarm
  // IntAtLeast(1); period IntInSlice(10, 20, 30) or IntDivisibleBy(60); statistic enum types.Statistic, ConflictsWith
  // extended_statistic; extended_statistic matches p<n>; treat_missing_data in missingData_Values() (missing, ignore,
  // breaching, notBreaching); ok_actions / insufficient_data_actions MaxItems 5; CustomizeDiff: one of statistic or
  // extended_statistic with metric_name; alarm_description StringLenBetween(0, 1024).
  aws_cloudwatch_metric_alarm: all(
    required('alarm_name', 'comparison_operator', 'evaluation_periods'),
    matches('alarm_name', /^.{1,255}$/, '1..255 characters'),
    oneOf('comparison_operator', ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold']),
    between('evaluation_periods', 1, Number.MAX_SAFE_INTEGER),
    between('datapoints_to_alarm', 1, Number.MAX_SAFE_INTEGER),
    (r) => (r.period === undefined || [10, 20, 30].includes(r.period) || (r.period > 0 && r.period % 60 === 0) ? [] : [`period = ${r.period}: 10, 20, 30 or a multiple of 60`]),
    oneOf('statistic', ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']),
    matches('extended_statistic', /^p(\d{1,2}(\.\d{1,2})?|100)$/, 'a percentile such as p95'),
    conflicts('statistic', 'extended_statistic'),
    (r) => (has(r, 'metric_name') && !has(r, 'statistic') && !has(r, 'extended_statistic') ? ['one of statistic or extended_statistic'] : []),
    oneOf('treat_missing_data', ['missing', 'ignore', 'breaching', 'notBreaching']),
    (r) => ['ok_actions', 'insufficient_data_actions'].filter((k) => (r[k] ?? []).length > 5).map((k) => `${k}: at most 5`),
    matches('alarm_description', /^[\s\S]{0,1024}$/, 'at most 1024 characters'),
  ),
  // internal/service/rds/parameter_group.go: name ConflictsWith name_prefix (ForceNew, as family and description);
  // family Required; parameter.apply_method in immediate | pending-reboot. Lifecycle (this project, issue 11): with
  // create_before_destroy the group must be named by name_prefix, else its replacement collides with it.
  aws_db_parameter_group: all(
    required('family'),
    conflicts('name', 'name_prefix'),
    each('parameter', all(required('name', 'value'), oneOf('apply_method', ['immediate', 'pending-reboot']))),
    (r) => (r.lifecycle?.create_before_destroy && !has(r, 'name_prefix') ? ['create_before_destroy with a fixed name: the replacement would collide (use name_prefix)'] : []),
  ),
  // internal/service/elasticache/parameter_group.go: name Required, ForceNew (lower-cased by StateFunc); family
  // Required, ForceNew; description ForceNew (default "Managed by Terraform"); parameter name, value Required. No
  // name_prefix: with create_before_destroy the name must change with family and description (lib/render/guardrails.ts).
  aws_elasticache_parameter_group: all(
    required('name', 'family'),
    matches('name', /^[a-z0-9-]+$/, 'lower case (the provider lower-cases it: a diff on every plan otherwise)'),
    each('parameter', required('name', 'value')),
    (r) => (r.lifecycle?.create_before_destroy && !String(r.name).endsWith(`-${replacementHash(r.family, r.description)}`) ? ['create_before_destroy with a name that does not follow family and description: the replacement would collide'] : []),
  ),
  // internal/service/s3/bucket_metric.go: bucket, name Required; name StringLenBetween(1, 64).
  aws_s3_bucket_metric: all(required('bucket', 'name'), matches('name', /^.{1,64}$/, '1..64 characters')),
  // internal/service/sns/topic.go: name ConflictsWith name_prefix; 1..256 of letters, digits, _ and - (validateTopicName).
  aws_sns_topic: all(conflicts('name', 'name_prefix'), matches('name', /^[A-Za-z0-9_-]{1,256}$/, 'letters, digits, _ and -, 1..256')),
  // internal/service/sns/topic_subscription.go: topic_arn, protocol, endpoint Required; protocol in
  // subscriptionProtocol_Values(); endpoint_auto_confirms only meaningful for http / https.
  aws_sns_topic_subscription: all(
    required('topic_arn', 'protocol', 'endpoint'),
    oneOf('protocol', ['application', 'email', 'email-json', 'firehose', 'http', 'https', 'lambda', 'sms', 'sqs']),
    (r) => (r.endpoint_auto_confirms && !['http', 'https'].includes(r.protocol) ? ['endpoint_auto_confirms only for http(s)'] : []),
    (r) => (r.protocol === 'https' && !String(r.endpoint).startsWith('https://') ? ['an https subscription needs an https:// endpoint'] : []),
  ),

  // ---------------------------------------------------------------- Kubernetes 2.38.0
  // manifest/provider/resource.go (kubernetes_manifest): manifest Required, with apiVersion, kind, metadata.name;
  // namespaced kinds need metadata.namespace. Names: DNS-1123 subdomain (apimachinery validation, applied by the API).
  kubernetes_manifest: (r) => {
    const m = r.manifest ?? {};
    const p = [...required('apiVersion', 'kind')(m)];
    if (!m.metadata?.name) p.push('manifest.metadata.name is required');
    else if (!DNS_SUBDOMAIN.test(m.metadata.name)) p.push(`manifest.metadata.name ${m.metadata.name}: not a DNS-1123 subdomain`);
    if (m.kind === 'PrometheusRule' && !m.metadata?.namespace) p.push('a PrometheusRule is namespaced: metadata.namespace is required');
    return p;
  },
  // kubernetes/resource_kubernetes_secret_v1.go + kubernetes/schema_metadata.go: metadata Required (MaxItems 1),
  // name validated by validateName (DNS-1123 subdomain); data / binary_data values.
  kubernetes_secret_v1: (r) => {
    const md = [r.metadata].flat()[0];
    if (!md?.name) return ['metadata.name is required'];
    return DNS_SUBDOMAIN.test(md.name) ? [] : [`metadata.name ${md.name}: not a DNS-1123 subdomain`];
  },

  // ---------------------------------------------------------------- Grafana ~> 4.0
  // internal/resources/grafana/resource_folder.go: title Required; uid Optional (Grafana: at most 40 characters of
  // letters, digits, - and _, util.IsValidShortUID).
  grafana_folder: all(required('title'), matches('uid', /^[A-Za-z0-9_-]{1,40}$/, 'at most 40 of letters, digits, - and _')),
  // internal/resources/grafana/resource_dashboard.go: config_json Required (a JSON object; its uid, if any, at most 40
  // characters as for folders).
  grafana_dashboard: all(required('config_json'), (r) => {
    const uid = JSON.parse(String(r.config_json).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).uid;
    return uid === undefined || /^[A-Za-z0-9_-]{1,40}$/.test(uid) ? [] : [`dashboard uid ${uid}: at most 40 of letters, digits, - and _`];
  }),
  // internal/resources/syntheticmonitoring/resource_check.go: job, target, probes, settings Required; settings holds
  // exactly one check kind (MaxItems 1 each); frequency and timeout are milliseconds (makeCheck passes them to the
  // API); the Synthetic Monitoring API accepts frequency 1 s–1 h and timeout 1 s–180 s, shorter than the frequency
  // (the same limits as lib/catalog/crosscheck-synthetics.ts); alert_sensitivity none | low | medium | high.
  grafana_synthetic_monitoring_check: all(
    required('job', 'target', 'probes', 'settings'),
    (r) => (Object.keys([r.settings].flat()[0] ?? {}).length === 1 ? [] : ['settings: exactly one check kind']),
    between('frequency', 1000, 3600000),
    between('timeout', 1000, 180000),
    (r) => (typeof r.timeout === 'number' && typeof r.frequency === 'number' && r.timeout >= r.frequency ? ['timeout must be shorter than frequency'] : []),
    oneOf('alert_sensitivity', ['none', 'low', 'medium', 'high']),
    // makeCheck, http settings: Method sm.HttpMethod(sm.HttpMethod_value[method]) (a name outside the enum silently
    // becomes 0, GET), Headers setToStringSlice(headers) passed as "Name: value" lines, Body the string as is.
    (r) =>
      [r.settings]
        .flat()
        .flatMap((st: Body) => [st?.http ?? []].flat())
        .flatMap((h: Body) => [
          ...oneOf('method', ['GET', 'CONNECT', 'DELETE', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'TRACE'])(h).map((p) => `settings.http.${p}`),
          ...[h.headers ?? []].flat().filter((x: unknown) => !isRef(x) && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+: ?[^\r\n]*$/.test(String(x))).map((x: unknown) => `settings.http.headers: ${JSON.stringify(x)} is not a "Name: value" line`),
        ]),
  ),
  // internal/resources/syntheticmonitoring/data_source_probes.go: no required argument (filter_deprecated Optional).
  'data.grafana_synthetic_monitoring_probes': () => [],

  // ---------------------------------------------------------------- terraform (built in)
  // Terraform's builtin terraform_remote_state: backend Required; config holds that backend's settings. This
  // project (issue 11): a local path must be relative, so the synthesized bytes do not depend on the checkout path.
  'data.terraform_remote_state': all(required('backend', 'config'), (r) => (r.backend === 'local' && String(r.config?.path).startsWith('/') ? ['absolute local state path'] : [])),
};

/** Every resource and data source of a stack, with its type key (`data.` prefix for data sources) and address. */
function items(tf: TfJson): { type: string; address: string; body: Body }[] {
  const out: { type: string; address: string; body: Body }[] = [];
  for (const [prefix, block] of [['', tf.resource], ['data.', tf.data]] as const) {
    for (const [type, byName] of Object.entries<Record<string, Body>>(block ?? {})) for (const [name, body] of Object.entries(byName)) out.push({ type: `${prefix}${type}`, address: `${prefix}${type}.${name}`, body });
  }
  return out;
}

const catalog = loadCatalog(FIXTURE_ALERTS);
const stacks = synthApp(catalog);
// A fixture that switches on what the default catalog leaves off, so its types are checked too (Slack connection).
const withSlack = (() => {
  const dir = copyCatalog();
  edit(dir, 'oncall.yml', '    # slack_connection: { workspace_id: T0000000000, channel_id: C0000000000 }', '    slack_connection: { workspace_id: T02A123LV1A, channel_id: C02CABCDAC9 }');
  return synthApp(loadCatalog(dir));
})();
const allStacks = [...stacks, ...[...withSlack].map(([n, tf]) => [`${n} (with Slack)`, tf] as const)];

describe('provider conformance of the synthesized stacks', () => {
  it('has a conformance entry for every resource and data source type synthesized', () => {
    const types = new Set(allStacks.flatMap(([, tf]) => items(tf).map((i) => i.type)));
    expect([...types].filter((t) => !CONFORMANCE[t]).sort()).toEqual([]);
    expect(types.size).toBeGreaterThanOrEqual(25);
  });

  it.each(allStacks.map(([name, tf]) => [name, tf] as const))('%s conforms', (_name, tf) => {
    const problems = items(tf).flatMap((i) => (CONFORMANCE[i.type]?.(i.body) ?? [`no conformance entry for ${i.type}`]).map((p) => `${i.address}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('every stack has a terraform block Terraform >= 1.10 accepts, and no absolute path', () => {
    for (const [, tf] of stacks) {
      expect(tf.terraform.required_version).toBe('>= 1.10');
      if (tf.terraform.backend.local) expect(tf.terraform.backend.local.path.startsWith('/')).toBe(false);
    }
  });
});

describe('the checks catch what the providers reject', () => {
  const bad: [string, string, Body, RegExp][] = [
    ['a schedule in UTC', 'pagerduty_schedule', { time_zone: 'UTC', layer: [{ start: '2025-11-17T00:00:00Z', rotation_virtual_start: '2025-11-17T00:00:00Z', rotation_turn_length_seconds: 604800, users: ['u'] }] }, /time_zone = "UTC" is not one of/],
    ['a turn of 30 minutes', 'pagerduty_schedule', { time_zone: 'Etc/UTC', layer: [{ start: '2025-11-17T00:00:00Z', rotation_virtual_start: '2025-11-17T00:00:00Z', rotation_turn_length_seconds: 1800, users: ['u'] }] }, /rotation_turn_length_seconds = 1800/],
    ['10 loops', 'pagerduty_escalation_policy', { name: 'x', num_loops: 10, rule: [{ escalation_delay_in_minutes: 5, target: [{ id: 'a' }] }] }, /num_loops = 10/],
    ['a delay of 0', 'pagerduty_escalation_policy', { name: 'x', rule: [{ escalation_delay_in_minutes: 0, target: [{ id: 'a' }] }] }, /escalation_delay_in_minutes = 0/],
    ['an unknown integration type', 'pagerduty_service_integration', { service: 's', type: 'cloudwatch' }, /type = "cloudwatch" is not one of/],
    ['a 45 s period', 'aws_cloudwatch_metric_alarm', { alarm_name: 'a', comparison_operator: 'GreaterThanThreshold', evaluation_periods: 1, metric_name: 'm', statistic: 'Sum', period: 45 }, /period = 45/],
    ['statistic and extended_statistic', 'aws_cloudwatch_metric_alarm', { alarm_name: 'a', comparison_operator: 'GreaterThanThreshold', evaluation_periods: 1, metric_name: 'm', statistic: 'Sum', extended_statistic: 'p95' }, /conflicts/],
    ['treat_missing_data notbreaching', 'aws_cloudwatch_metric_alarm', { alarm_name: 'a', comparison_operator: 'GreaterThanThreshold', evaluation_periods: 1, metric_name: 'm', statistic: 'Sum', treat_missing_data: 'not_breaching' }, /treat_missing_data/],
    ['a fixed RDS group name with create_before_destroy', 'aws_db_parameter_group', { name: 'g', family: 'postgres16', lifecycle: { create_before_destroy: true } }, /replacement would collide/],
    ['a fixed ElastiCache group name with create_before_destroy', 'aws_elasticache_parameter_group', { name: 'g', family: 'redis7', description: 'd', lifecycle: { create_before_destroy: true } }, /replacement would collide/],
    ['a method Synthetic Monitoring does not know (it would run GET)', 'grafana_synthetic_monitoring_check', { job: 'j', target: 't', probes: [1], settings: [{ http: [{ method: 'PATCH' }] }] }, /settings\.http\.method = "PATCH" is not one of/],
    ['a header that is no "Name: value" line', 'grafana_synthetic_monitoring_check', { job: 'j', target: 't', probes: [1], settings: [{ http: [{ method: 'POST', headers: ['Content-Type=text/plain'] }] }] }, /is not a "Name: value" line/],
    ['a 200 s Synthetic Monitoring timeout', 'grafana_synthetic_monitoring_check', { job: 'j', target: 't', probes: [1], settings: { http: {} }, frequency: 300000, timeout: 200000 }, /timeout = 200000/],
    ['an absolute local state path', 'data.terraform_remote_state', { backend: 'local', config: { path: '/home/runner/x.tfstate' } }, /absolute/],
  ];
  it.each(bad)('%s', (_what, type, body, message) => {
    expect(CONFORMANCE[type](body).join('; ')).toMatch(message);
  });
});

describe('the catalog loader rejects, at a location, a value that would break a provider constraint', () => {
  it.each([
    ['a time zone PagerDuty does not accept', 'oncall.yml', '  time_zone: Etc/UTC', '  time_zone: UTC', 'rotation.time_zone', /PagerDuty provider accepts/],
    ['a CloudWatch period of 45 s', 'guardrails.yml', /period: 1m/, 'period: 45s', /period$/, /10s, 20s, 30s or a whole number of minutes/],
    ['a turn shorter than PagerDuty’s hour', 'oncall.yml', '  turn_length: 1w', '  turn_length: 30m', 'rotation.turn_length', /PagerDuty accepts turns of 1h to 365d/],
  ] as const)('%s', (_what, file, from, to, field, message) => {
    const dir = copyCatalog();
    edit(dir, file, from, to);
    const issue = catalogIssues(dir).find((i) => (typeof field === 'string' ? i.field === field : field.test(i.field)) && message.test(i.message));
    expect(issue).toBeDefined();
    expect(issue!.file.endsWith(file)).toBe(true);
    expect(issue!.line).toBeGreaterThan(0);
    expect(issue!.column).toBeGreaterThan(0);
  });
});
