/**
 * Reads the zod schema as data, so config messages can say what a key expects
 * ("an integer 0–65535", "one of starttls, tls, none") and which keys exist
 * next to an unknown one. zod v4 keeps every schema's definition in
 * `_zod.def`; we read only the parts we describe.
 */
import type { z } from 'zod';
import { SECRET_REF } from './schema.ts';
import type { KeyPath } from './yaml-source.ts';

interface CheckDef {
  check: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: RegExp;
}

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
  pattern?: RegExp;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips optional/default/prefault/nullable/readonly/pipe wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (def.innerType && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional', 'catch'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
  return s;
}

/** The option of a discriminated union that `value` selects (by its discriminator), if any. */
function pickOption(def: Def, value: unknown): z.ZodType | undefined {
  if (!def.discriminator || typeof value !== 'object' || value === null) return undefined;
  const tag = (value as Record<string, unknown>)[def.discriminator];
  return def.options?.find((o) => {
    const field = defOf(unwrap(o)).shape?.[def.discriminator ?? ''];
    return field !== undefined && literalValues(unwrap(field)).includes(tag);
  });
}

function literalValues(schema: z.ZodType): unknown[] {
  const def = defOf(schema);
  if (def.type === 'literal') return def.values ?? [];
  if (def.type === 'enum') return Object.values(def.entries ?? {});
  return [];
}

/**
 * The schema at `path` below `root`, choosing union options from `data` (the
 * input at the root). Undefined when the path leaves the schema.
 */
export function schemaAt(root: z.ZodType, path: KeyPath, data: unknown): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  let value: unknown = data;
  for (const segment of path) {
    if (!schema) return undefined;
    schema = childSchema(unwrap(schema), segment, value);
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return schema;
}

function childSchema(schema: z.ZodType, segment: PropertyKey, value: unknown): z.ZodType | undefined {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape?.[String(segment)];
  if (def.type === 'array') return def.element;
  if (def.type === 'union') {
    const option = pickOption(def, value) ?? (def.options?.length === 1 ? def.options[0] : undefined);
    return option ? childSchema(unwrap(option), segment, value) : undefined;
  }
  return undefined;
}

/** The keys an object schema at this place accepts (union options merged). */
export function knownKeys(schema: z.ZodType | undefined, value: unknown): string[] {
  if (!schema) return [];
  const def = defOf(unwrap(schema));
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'union') {
    const option = pickOption(def, value);
    const options = option ? [option] : (def.options ?? []);
    return [...new Set(options.flatMap((o) => knownKeys(o, value)))];
  }
  return [];
}

/** True for a field that must hold a `${env:…}`/`${secret:…}` reference: its value is never echoed. */
export function isSecretField(schema: z.ZodType | undefined): boolean {
  if (!schema) return false;
  const def = defOf(unwrap(schema));
  return def.type === 'string' && (def.checks ?? []).some((c) => c._zod.def.pattern?.source === SECRET_REF.source);
}

/** What a value at this place must be, in words: "an integer 0–65535". */
export function describeExpected(schema: z.ZodType | undefined): string | undefined {
  if (!schema) return undefined;
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'number':
      return describeNumber(def);
    case 'boolean':
      return 'true or false';
    case 'string':
      return describeString(inner, def);
    case 'enum':
    case 'literal':
      return oneOf(literalValues(inner));
    case 'array':
      return describeArray(def);
    case 'object':
      return `a mapping with keys ${Object.keys(def.shape ?? {}).join(', ')}`;
    case 'union':
      return def.discriminator
        ? `a mapping with ${def.discriminator}: ${(def.options ?? []).flatMap((o) => literalValues(unwrap(defOf(unwrap(o)).shape?.[def.discriminator ?? ''] ?? o))).join(' or ')}`
        : undefined;
    default:
      return undefined;
  }
}

export function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? String(values[0]) : `one of ${values.map(String).join(', ')}`;
}

function checks(def: Def): CheckDef[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

function describeNumber(def: Def): string {
  const all = checks(def);
  const isInt = all.some((c) => c.check === 'number_format' && /int/.test(c.format ?? ''));
  const noun = isInt ? 'an integer' : 'a number';
  const lo = all.find((c) => c.check === 'greater_than');
  const hi = all.find((c) => c.check === 'less_than');
  if (lo && hi && lo.inclusive && hi.inclusive) return `${noun} ${lo.value}–${hi.value}`;
  const parts = [
    lo ? `${lo.inclusive ? 'at least' : 'greater than'} ${lo.value}` : '',
    hi ? `${hi.inclusive ? 'at most' : 'less than'} ${hi.value}` : '',
  ].filter(Boolean);
  return parts.length ? `${noun} ${parts.join(' and ')}` : noun;
}

function describeString(schema: z.ZodType, def: Def): string {
  if (isSecretField(schema)) return 'a secret reference: ${env:NAME} or ${secret:NAME}, never the secret itself';
  if (def.format === 'email') return 'an email address';
  if (def.format === 'url') return 'a URL such as https://host/path';
  const all = checks(def);
  const regex = all.find((c) => c.format === 'regex');
  if (regex?.pattern) return `text matching ${String(regex.pattern)}`;
  const min = all.find((c) => c.check === 'min_length');
  return min && (min.minimum ?? 0) > 0 ? 'a non-empty string' : 'a string';
}

function describeArray(def: Def): string {
  const min = checks(def).find((c) => c.check === 'min_length')?.minimum ?? 0;
  const element = def.element ? describeExpected(def.element) : undefined;
  const list = min > 0 ? `a list with at least ${min} item${min === 1 ? '' : 's'}` : 'a list';
  return element ? `${list}, each ${element}` : list;
}
