/**
 * Shared plumbing of the hand-written Grafana provider binding: the provider metadata every class declares, the
 * attribute descriptors cdktf's HCL renderer needs (what `cdktf get` generates inline in every binding), and the
 * construction-time checks of values the provider would otherwise only reject at `terraform apply`.
 */
import { Token } from 'cdktf';
import type { TerraformMetaArguments, TerraformResourceConfig } from 'cdktf';

/**
 * Provider name and version constraint. cdktf writes `providerVersion` (when set) into `required_providers`;
 * generated bindings pin the exact version they were generated from. This binding is written against the
 * schema of {@link GRAFANA_SCHEMA_VERSION} and only uses fields that exist throughout major 4, so it asks for
 * `~> 4.0` and lets `.terraform.lock.hcl` pin the exact release.
 */
export const GRAFANA_PROVIDER_METADATA = {
  providerName: 'grafana',
  providerVersionConstraint: '~> 4.0',
} as const;

/** Provider release whose schema (constructs/grafana/provider-schema.json) the binding is checked against. */
export const GRAFANA_SCHEMA_VERSION = '4.45.1';

/**
 * What a binding class hands to `TerraformResource` / `TerraformDataSource`: its Terraform type, the provider
 * metadata, and the meta-arguments of its config (provider, depends_on, count, lifecycle, …) passed through.
 */
export function grafanaElementConfig(terraformResourceType: string, config: TerraformMetaArguments): TerraformResourceConfig {
  return {
    terraformResourceType,
    terraformGeneratorMetadata: { ...GRAFANA_PROVIDER_METADATA },
    provider: config.provider,
    dependsOn: config.dependsOn,
    count: config.count,
    lifecycle: config.lifecycle,
    provisioners: config.provisioners,
    connection: config.connection,
    forEach: config.forEach,
  };
}

/** Registry source of the provider. */
export const GRAFANA_PROVIDER_SOURCE = 'grafana/grafana';

/** Storage class of a non-block attribute, as cdktf's HCL renderer names it. */
export type HclStorage = 'string' | 'number' | 'boolean' | 'stringList' | 'numberList' | 'stringMap' | 'numberMap';

/** HCL descriptor of one attribute; `undefined` values are dropped by {@link compactHcl}. */
export interface HclAttribute {
  value: unknown;
  isBlock: boolean;
  type: 'simple' | 'list' | 'set' | 'map';
  storageClassType: string;
}

/** A plain attribute: string, number, bool, list/set of primitives, or map. */
export function hclAttribute(value: unknown, storage: HclStorage, collection: 'list' | 'set' = 'list'): HclAttribute {
  if (storage === 'stringMap' || storage === 'numberMap') return { value, isBlock: false, type: 'map', storageClassType: storage };
  if (storage === 'stringList' || storage === 'numberList') return { value, isBlock: false, type: collection, storageClassType: storage };
  return { value, isBlock: false, type: 'simple', storageClassType: storage };
}

/** A nested block (list or set nesting), each element already turned into attribute descriptors. */
export function hclBlock(elements: Record<string, HclAttribute>[] | undefined, nesting: 'list' | 'set', storageClassType: string): HclAttribute {
  return { value: elements, isBlock: true, type: nesting, storageClassType };
}

/** Drops attributes without a value, as the generated bindings do. */
export function compactHcl(attrs: Record<string, HclAttribute>): Record<string, HclAttribute> {
  return Object.fromEntries(Object.entries(attrs).filter(([, a]) => a.value !== undefined));
}

/** Drops `undefined` keys from synthesized JSON attributes (cdktf drops them too; this keeps nested blocks tidy). */
export function compact<T extends Record<string, unknown>>(attrs: T): T {
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)) as T;
}

/** True when a value is known at synth time (not a token resolved by Terraform). */
export function isKnown(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** Throws when a known number lies outside `[min, max]` (milliseconds, counts …). */
export function checkRange(construct: string, field: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (!isKnown(value)) return;
  if (!Number.isInteger(value) || value! < min || value! > max) {
    throw new Error(`${construct}: ${field} must be an integer between ${min}${unit} and ${max}${unit}, got ${value}`);
  }
}

/** Throws when a known string does not match `re` (uids, enumerations). */
export function checkPattern(construct: string, field: string, value: string | undefined, re: RegExp, expected: string): void {
  if (!isKnown(value)) return;
  if (!re.test(value!)) throw new Error(`${construct}: ${field} must be ${expected}, got ${JSON.stringify(value)}`);
}
