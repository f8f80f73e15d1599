/**
 * A synthetic check that sends a request body (POST, headers, body), added to a copy of the fixture catalog the way a
 * catalog author adds one: the check in synthetics/uptime_checks.yml, and the check selected by a probe alert
 * (rules/synthetics.yml) and by the absence alert of its results (rules/liveness.yml), as the loader requires.
 */
import * as fs from 'fs';
import * as path from 'path';
import { copyCatalog, edit } from './helpers';

/** The check the helpers add: an upload smoke test, POST with a plain-text body. */
export const POST_CHECK = {
  name: 'deltacrown-upload-smoke',
  path: '/api/upload/smoke',
  contentType: 'text/plain',
  marker: 'upload-smoke',
  body: 'DeltaCrown synthetic upload smoke test',
} as const;

/** The check's YAML (appended to the `checks:` list). */
export function postCheckYaml(over: { method?: string; headers?: string; body?: string } = {}): string {
  const headers = over.headers ?? `\n      Content-Type: ${POST_CHECK.contentType}\n      X-DeltaCrown-Synthetic: ${POST_CHECK.marker}`;
  return [
    '',
    `  - name: ${POST_CHECK.name}`,
    '    description: Uploads reach S3 (stored and deleted again by the API).',
    '    service: deltacrown-api',
    `    path: ${POST_CHECK.path}`,
    ...(over.method === '' ? [] : [`    method: ${over.method ?? 'POST'}`]),
    ...(headers === '' ? [] : [`    headers:${headers}`]),
    ...(over.body === '' ? [] : [`    body: ${over.body ?? POST_CHECK.body}`]),
    `    body_regex: '"deleted"\\s*:\\s*true'`,
    '',
  ].join('\n');
}

/** Adds the POST check to a catalog copy's checks only (no alert selects it yet); returns the new file text. */
export function appendPostCheck(dir: string, over: Parameters<typeof postCheckYaml>[0] = {}): string {
  const file = path.join(dir, 'synthetics', 'uptime_checks.yml');
  fs.appendFileSync(file, postCheckYaml(over));
  return fs.readFileSync(file, 'utf8');
}

/** Selects the check by the high-severity probe alert and by the absence alert of synthetic results. */
export function coverPostCheck(dir: string): void {
  edit(dir, 'rules/synthetics.yml', 'job=~"deltacrown-shop-items|deltacrown-moderation-ping"', `job=~"deltacrown-shop-items|deltacrown-moderation-ping|${POST_CHECK.name}"`);
  edit(
    dir,
    'rules/liveness.yml',
    'or absent_over_time(probe_success{job="deltacrown-moderation-ping"}[3m])',
    `or absent_over_time(probe_success{job="deltacrown-moderation-ping"}[3m])\n            or absent_over_time(probe_success{job="${POST_CHECK.name}"}[3m])`,
  );
}

/** A copy of the fixture catalog with the POST check, covered by its alerts; returns its `alerts/` directory. */
export function catalogWithPostCheck(): string {
  const dir = copyCatalog();
  appendPostCheck(dir);
  coverPostCheck(dir);
  return dir;
}
