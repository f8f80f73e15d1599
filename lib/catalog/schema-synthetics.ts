/**
 * Schema of `alerts/synthetics/uptime_checks.yml`: the runbook's four external uptime checks ("All 4 checks
 * GREEN?"). One definition per check, rendered to Grafana Synthetic Monitoring checks (Terraform) and to
 * blackbox_exporter modules (export) with the same semantics. Their alert rules live in `rules/synthetics.yml`.
 */
import { z } from 'zod';
import { duration, slug } from './schema';

/** HTTP methods both Synthetic Monitoring and blackbox_exporter accept for a check. */
export const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'] as const;

/** A Synthetic Monitoring probe location by name, as the probes data source lists them (`Frankfurt`, `London`). */
export const probeName = z
  .string({ invalid_type_error: 'a probe location name such as Frankfurt' })
  .regex(/^[A-Za-z][A-Za-z0-9 _-]*$/, 'a probe location name such as Frankfurt or NorthVirginia');

/** An HTTP header name (RFC 9110 token): `Content-Type`, `X-DeltaCrown-Synthetic`. */
export const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name such as Content-Type');

/** An HTTP header value: one line (no CR or LF), since both runners send it as one header line. */
const headerValue = z
  .string({ invalid_type_error: 'a header value (a string)' })
  .regex(/^[^\r\n]*$/, 'a header value on one line (no line breaks)');

const statusCode = z.number().int('an HTTP status code').min(100, 'an HTTP status code (100–599)').max(599, 'an HTTP status code (100–599)');

const requestFields = {
  method: z.enum(httpMethods).describe('HTTP method of the request.'),
  valid_status_codes: z.array(statusCode).min(1).describe('Status codes that count as success; anything else fails the check.'),
  frequency: duration.describe('Period between two runs from each probe (Synthetic Monitoring: 1s–1h).'),
  timeout: duration.describe('Maximum duration of one run (1s–180s, shorter than the frequency); slower counts as failure.'),
  probes: z
    .array(probeName)
    .min(3, 'at least 3 probe locations: an alert needs 2 failing probes, so that one region alone never pages')
    .describe('Probe locations the check runs from, by name.'),
};

export const syntheticCheckSchema = z
  .object({
    name: slug.describe('Check name: the `job` label of its probe_success series and the blackbox module name.'),
    description: z.string().min(1).describe('What a failure of this check means.'),
    service: slug.describe('Service answering the endpoint (a service of catalog.yml).'),
    path: z
      .string({ invalid_type_error: 'a URL path such as /health' })
      .regex(/^\/[^\s?#]*(\?[^\s#]*)?$/, 'a URL path such as /health (starting with /, no spaces)')
      .describe('Path requested under the environment’s base URL.'),
    body_regex: z
      .string()
      .min(1)
      .optional()
      .describe('The check fails unless the response body matches this regular expression (RE2 syntax).'),
    method: requestFields.method.optional(),
    headers: z
      .record(headerName, headerValue)
      .optional()
      .describe('Request headers, name → value (e.g. the Content-Type of the body, a header that names the request as synthetic).'),
    body: z
      .string({ invalid_type_error: 'a request body (a string)' })
      .min(1)
      .max(4096, 'a request body of at most 4096 characters (a smoke request, not a payload)')
      .optional()
      .describe(
        'Request body, sent with a method that carries one (POST, PUT) and a Content-Type header. The endpoint must leave no lasting side effect (it undoes what the request does before answering).',
      ),
    valid_status_codes: requestFields.valid_status_codes.optional(),
    frequency: requestFields.frequency.optional(),
    timeout: requestFields.timeout.optional(),
    probes: requestFields.probes.optional(),
  })
  .strict();

export const syntheticsFileSchema = z
  .object({
    base_urls: z
      .record(slug, z.string().url('an absolute URL such as https://deltacrown.example.com'))
      .describe('Public base URL of DeltaCrown per environment (by environment name); check paths are appended.'),
    defaults: z.object(requestFields).strict().describe('Request settings of every check that does not set its own.'),
    checks: z.array(syntheticCheckSchema).min(1),
  })
  .strict();

/** Methods whose requests carry a body. */
export const BODY_METHODS: readonly HttpMethod[] = ['POST', 'PUT'];

export type SyntheticsFile = z.infer<typeof syntheticsFileSchema>;
export type SyntheticCheckSpec = z.infer<typeof syntheticCheckSchema>;
export type HttpMethod = (typeof httpMethods)[number];
