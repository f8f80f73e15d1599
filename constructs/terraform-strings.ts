/**
 * Terraform reads `${…}` and `%{…}` inside any JSON string as interpolation. Catalog text (PromQL,
 * alert templates, dashboard JSON) is data, so those sequences are escaped before it reaches a resource.
 */
export function escapeTerraform<T>(value: T): T {
  if (typeof value === 'string') return escapeTerraformString(value) as T;
  if (Array.isArray(value)) return value.map((v) => escapeTerraform(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTerraform(v)])) as T;
  }
  return value;
}

/** One string of catalog text with `${` and `%{` escaped (`$${`, `%%{`). */
export function escapeTerraformString(s: string): string {
  return s.indexOf('{') === -1 ? s : s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
