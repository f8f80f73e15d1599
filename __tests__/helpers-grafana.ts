/**
 * Test helpers of the Grafana binding: checks synthesized `grafana_*` resources, data sources and the provider
 * block against the provider's own schema (constructs/grafana/provider-schema.json, grafana/grafana v4.45.1):
 * only attribute names the schema knows, every required attribute and block present, computed-only attributes
 * never set, values of the schema's type, nested blocks as arrays within their min/max item counts.
 */
import * as fs from 'fs';
import * as path from 'path';

interface SchemaAttribute {
  type: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: string; block: SchemaBlock; min_items?: number; max_items?: number }>;
}
interface ProviderSchema {
  provider: { block: SchemaBlock };
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
}

export const GRAFANA_SCHEMA: ProviderSchema = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'constructs', 'grafana', 'provider-schema.json'), 'utf8'),
) as ProviderSchema;

/** Terraform meta-arguments and cdktf's metadata key: allowed on every resource and data source. */
const META = new Set(['//', 'provider', 'depends_on', 'count', 'for_each', 'lifecycle', 'provisioner', 'connection']);

/** `${…}`: a Terraform expression, which may stand for a value of any type. */
const isExpression = (v: unknown) => typeof v === 'string' && /^\$\{.*\}$/s.test(v);

function typeProblem(where: string, type: unknown, v: unknown): string | undefined {
  if (isExpression(v)) return undefined;
  if (type === 'string') return typeof v === 'string' ? undefined : `${where}: expected a string, got ${JSON.stringify(v)}`;
  if (type === 'number') return typeof v === 'number' ? undefined : `${where}: expected a number, got ${JSON.stringify(v)}`;
  if (type === 'bool') return typeof v === 'boolean' ? undefined : `${where}: expected a bool, got ${JSON.stringify(v)}`;
  if (Array.isArray(type)) {
    const [kind, element] = type as [string, unknown];
    if (kind === 'list' || kind === 'set') {
      if (!Array.isArray(v)) return `${where}: expected a ${kind}, got ${JSON.stringify(v)}`;
      for (const [i, e] of v.entries()) {
        const p = typeProblem(`${where}[${i}]`, element, e);
        if (p) return p;
      }
      if (kind === 'set' && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) return `${where}: duplicate elements in a set`;
      return undefined;
    }
    if (kind === 'map') {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return `${where}: expected a map, got ${JSON.stringify(v)}`;
      for (const [k, e] of Object.entries(v)) {
        const p = typeProblem(`${where}.${k}`, element, e);
        if (p) return p;
      }
      return undefined;
    }
  }
  return undefined;
}

/** Problems of one block's value against its schema, recursively. */
export function blockProblems(where: string, value: Record<string, unknown>, block: SchemaBlock, meta = META): string[] {
  const problems: string[] = [];
  const attrs = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [key, v] of Object.entries(value)) {
    if (meta.has(key)) continue;
    const a = attrs[key];
    const b = blocks[key];
    if (a) {
      if (a.computed && !a.optional && !a.required) problems.push(`${where}.${key}: computed-only attribute set`);
      const p = typeProblem(`${where}.${key}`, a.type, v);
      if (p) problems.push(p);
    } else if (b) {
      if (!Array.isArray(v)) {
        problems.push(`${where}.${key}: nested block must synthesize as an array, got ${JSON.stringify(v)}`);
        continue;
      }
      if (b.min_items !== undefined && v.length < b.min_items) problems.push(`${where}.${key}: at least ${b.min_items} block(s), got ${v.length}`);
      if (b.max_items !== undefined && b.max_items > 0 && v.length > b.max_items) problems.push(`${where}.${key}: at most ${b.max_items} block(s), got ${v.length}`);
      v.forEach((e, i) => problems.push(...blockProblems(`${where}.${key}[${i}]`, e as Record<string, unknown>, b.block, new Set())));
    } else {
      problems.push(`${where}.${key}: unknown attribute (not in the provider schema)`);
    }
  }
  for (const [key, a] of Object.entries(attrs)) if (a.required && !(key in value)) problems.push(`${where}.${key}: required attribute missing`);
  for (const [key, b] of Object.entries(blocks)) if ((b.min_items ?? 0) > 0 && !(key in value)) problems.push(`${where}.${key}: required block missing`);
  return problems;
}

/** Every schema problem of the `grafana_*` resources, data sources and provider blocks of a synthesized stack. */
export function grafanaSchemaProblems(tf: Record<string, any>): string[] {
  const problems: string[] = [];
  let checked = 0;
  for (const [kind, schemas] of [
    ['resource', GRAFANA_SCHEMA.resource_schemas],
    ['data', GRAFANA_SCHEMA.data_source_schemas],
  ] as const) {
    for (const [type, byName] of Object.entries<Record<string, Record<string, unknown>>>(tf[kind] ?? {})) {
      if (!type.startsWith('grafana_')) continue;
      const schema = schemas[type];
      if (!schema) {
        problems.push(`${kind}.${type}: not a ${kind === 'data' ? 'data source' : 'resource'} of the provider schema`);
        continue;
      }
      for (const [name, value] of Object.entries(byName)) {
        checked++;
        problems.push(...blockProblems(`${kind === 'data' ? 'data.' : ''}${type}.${name}`, value, schema.block));
      }
    }
  }
  for (const [i, p] of (tf.provider?.grafana ?? []).entries()) {
    checked++;
    problems.push(...blockProblems(`provider.grafana[${i}]`, p, GRAFANA_SCHEMA.provider.block, new Set(['alias'])));
  }
  if (checked === 0) problems.push('no grafana_* resource, data source or provider block found');
  return problems;
}
