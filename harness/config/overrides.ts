/**
 * Overrides on top of the config file: environment variables
 * (`MAILFLOW__recipient__imap__host=…`, double underscore between keys, the
 * habit of ASP.NET Core and many twelve-factor tools) and CLI `--set
 * key.path=value`. Values are read as YAML scalars, then fitted to what the
 * schema wants at that key: `993` is a number for a port but stays text for a
 * user name.
 */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { knownKeys, schemaAt, unwrap } from './schema-walk.ts';
import type { KeyPath } from './yaml-source.ts';

export interface Override {
  path: (string | number)[];
  /** The raw text as given. */
  text: string;
  /** Where it came from, for messages: `MAILFLOW__recipient__imap__port` or `--set recipient.imap.port`. */
  origin: string;
}

export const ENV_PREFIX = 'MAILFLOW__';

function toPath(segments: string[]): (string | number)[] {
  return segments.map((s) => (/^(0|[1-9]\d{0,5})$/.test(s) ? Number(s) : s));
}

/** Overrides from the environment, in name order (deterministic whatever the platform's order). */
export function envOverrides(env: NodeJS.ProcessEnv | Record<string, string>): { overrides: Override[]; problems: string[] } {
  const overrides: Override[] = [];
  const problems: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX)) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__');
    if (segments.some((s) => s === '')) {
      problems.push(`${name}: not a key path (expected MAILFLOW__key__subkey, keys separated by two underscores)`);
      continue;
    }
    overrides.push({ path: toPath(segments), text: env[name] ?? '', origin: name });
  }
  return { overrides, problems };
}

/** Overrides from `--set key.path=value` flags, in the order given (a later one wins). */
export function setOverrides(flags: readonly string[]): { overrides: Override[]; problems: string[] } {
  const overrides: Override[] = [];
  const problems: string[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq < 0 ? flag : flag.slice(0, eq);
    const segments = key.split('.');
    if (eq < 1 || segments.some((s) => s.trim() === '')) {
      problems.push(`--set ${key}: expected key.path=value, e.g. --set recipient.imap.port=993`);
      continue;
    }
    overrides.push({ path: toPath(segments), text: flag.slice(eq + 1), origin: `--set ${key}` });
  }
  return { overrides, problems };
}

/** The value to store: text where the schema wants text, a YAML scalar (or flow list/map) otherwise. */
export function coerce(text: string, schema: z.ZodType | undefined): unknown {
  const kind = schema ? (unwrap(schema) as unknown as { _zod: { def: { type: string } } })._zod.def.type : undefined;
  if (kind === 'string' || kind === 'enum') return text;
  const trimmed = text.trim();
  if (kind !== 'array' && kind !== 'object' && /^[[{]/.test(trimmed)) return text;
  try {
    const value: unknown = parseYaml(text);
    // A value like "a: b" parses as a map; only lists/maps asked for in flow style are structures.
    if (typeof value === 'object' && value !== null && !/^[[{]/.test(trimmed)) return text;
    return value ?? (trimmed === '' ? '' : null);
  } catch {
    return text;
  }
}

/**
 * Applies overrides to a copy of `data`, creating maps (and appending list
 * items) on the way. Returns the new data, the origin of every overridden
 * path, and problems for paths that cannot be set.
 */
export function applyOverrides(
  data: unknown,
  overrides: readonly Override[],
  schema: z.ZodType,
): { data: unknown; origins: Map<string, string>; problems: string[] } {
  const root: unknown = structuredClone(data ?? {});
  const origins = new Map<string, string>();
  const problems: string[] = [];
  for (const o of overrides) {
    const path = canonicalPath(schema, o.path, root);
    const value = coerce(o.text, schemaAt(schema, path, root));
    const problem = setIn(root, path, value);
    if (problem) problems.push(`${o.origin}: ${problem}`);
    else origins.set(path.join('.'), o.origin);
  }
  return { data: root, origins, problems };
}

/**
 * Environment variable names are often written in capitals
 * (`MAILFLOW__RECIPIENT__IMAP__HOST`); a segment that matches a known key but
 * for case is taken as that key. Anything else is kept, for zod to report.
 */
function canonicalPath(schema: z.ZodType, path: readonly (string | number)[], data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  for (const segment of path) {
    if (typeof segment === 'string') {
      const here = schemaAt(schema, out, data);
      const parent = out.reduce<unknown>((node, s) => (typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[s] : undefined), data);
      const known = knownKeys(here, parent);
      out.push(known.includes(segment) ? segment : (known.find((k) => k.toLowerCase() === segment.toLowerCase()) ?? segment));
    } else {
      out.push(segment);
    }
  }
  return out;
}

function setIn(root: unknown, path: KeyPath, value: unknown): string | undefined {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string | number;
    const last = i === path.length - 1;
    if (typeof node !== 'object' || node === null) return `cannot set ${path.slice(0, i).join('.')}: it is not a mapping or a list`;
    const container = node as Record<string | number, unknown>;
    if (Array.isArray(node) && typeof segment === 'number' && segment > node.length) {
      return `index ${segment} is past the end of ${path.slice(0, i).join('.')} (it has ${node.length} items)`;
    }
    if (last) {
      container[segment] = value;
      return undefined;
    }
    if (container[segment] === undefined || container[segment] === null) container[segment] = typeof path[i + 1] === 'number' ? [] : {};
    node = container[segment];
  }
  return undefined;
}

/** The override origin of `path` or of its nearest overridden ancestor. */
export function originOf(origins: ReadonlyMap<string, string>, path: KeyPath): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const o = origins.get(path.slice(0, n).map(String).join('.'));
    if (o) return o;
  }
  return undefined;
}
