/**
 * The SecretStore behind `${env:NAME}` and `${secret:NAME}` references. The
 * config only ever holds references (schema.ts), so this is the one place a
 * secret value exists; every message here names the reference, never a value.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MailflowError } from '../errors.ts';
import { SECRET_REF } from './schema.ts';
import type { SecretStore } from './secret-store.ts';
import { redactText } from './redaction.ts';

/** A SecretStore that can also say, before a run starts, which references will fail. */
export interface CheckedSecretStore extends SecretStore {
  /** One problem per reference that cannot be resolved (empty when all can). */
  check(refs: readonly string[]): string[];
  /** Adds a value obtained at run time (an OAuth access token from a refresh) to what redact() removes. */
  remember(value: string): void;
  /** Why the secrets file cannot be used (unreadable, malformed); undefined when it can or none is set. */
  readonly secretsFileProblem: string | undefined;
}

export interface SecretStoreOptions {
  env: NodeJS.ProcessEnv | Record<string, string>;
  /** File for `${secret:NAME}`: a YAML/JSON map, or `NAME=value` lines. */
  secretsFile?: string;
  /** Directory `secretsFile` is relative to (the config file's). Default: the working directory. */
  baseDir?: string;
}

interface SecretsFile {
  path: string;
  values: Map<string, string>;
  /** Why the file could not be used, when it could not. */
  problem?: string;
}

export function createSecretStore(opts: SecretStoreOptions): CheckedSecretStore {
  const file = opts.secretsFile === undefined ? undefined : loadSecretsFile(opts.secretsFile, opts.baseDir);
  const known = new Set<string>(file?.values.values() ?? []);
  const resolveRef = (ref: string): { value: string } | { problem: string } => lookup(ref, opts.env, file);
  return {
    reveal(ref) {
      const r = resolveRef(ref);
      if ('problem' in r) throw new MailflowError('ESECRET', r.problem, { ref });
      known.add(r.value);
      return r.value;
    },
    redact: (text) => redactText(text, known),
    check(refs) {
      const problems: string[] = [];
      for (const ref of refs) {
        const r = resolveRef(ref);
        if ('problem' in r) problems.push(r.problem);
      }
      return problems;
    },
    remember(value) {
      known.add(value);
    },
    secretsFileProblem: file?.problem,
  };
}

function lookup(ref: string, env: SecretStoreOptions['env'], file: SecretsFile | undefined): { value: string } | { problem: string } {
  const m = SECRET_REF.exec(ref);
  if (!m) return { problem: 'not a secret reference (expected ${env:NAME} or ${secret:NAME})' };
  const [, kind, name = ''] = m;
  if (kind === 'env') {
    const value = env[name];
    if (value === undefined) return { problem: `${ref} is not set (set the environment variable ${name})` };
    if (value === '') return { problem: `${ref} is set but empty (put the secret in the environment variable ${name})` };
    return { value };
  }
  if (!file) return { problem: `${ref} needs a secrets file (set secretsFile in the config to a file that holds ${name})` };
  if (file.problem !== undefined) return { problem: `${ref}: ${file.problem}` };
  const value = file.values.get(name);
  if (value === undefined) return { problem: `${ref} is not in the secrets file ${file.path} (add ${name} to it)` };
  if (value === '') return { problem: `${ref} is empty in the secrets file ${file.path} (put the secret there)` };
  return { value };
}

function loadSecretsFile(path: string, baseDir: string | undefined): SecretsFile {
  const full = isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    return { path: full, values: new Map(), problem: `cannot read the secrets file ${full} (${code})` };
  }
  const parsed = parseSecretsText(text);
  return parsed.problem === undefined ? { path: full, values: parsed.values } : { path: full, values: parsed.values, problem: `secrets file ${full}: ${parsed.problem}` };
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/;

/**
 * A secrets file is either `NAME=value` lines (the dotenv habit; `#` comments,
 * optional quotes) or a YAML/JSON map of names to scalar values.
 */
export function parseSecretsText(text: string): { values: Map<string, string>; problem?: string } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (lines.length > 0 && lines.every((l) => LINE.test(l.trim()))) {
    const values = new Map<string, string>();
    for (const l of lines) {
      const [, name = '', raw = ''] = LINE.exec(l.trim()) ?? [];
      values.set(name, unquote(raw.trim()));
    }
    return { values };
  }
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    // The YAML error message quotes the offending line, which may hold a secret: say only where.
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    return { values: new Map(), problem: `not valid YAML${line === undefined ? '' : ` (line ${line})`} (expected a map of NAME: value, or NAME=value lines)` };
  }
  if (data === null || data === undefined) return { values: new Map() };
  if (typeof data !== 'object' || Array.isArray(data)) return { values: new Map(), problem: 'expected a map of NAME: value, or NAME=value lines' };
  const values = new Map<string, string>();
  const bad: string[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values.set(name, String(value));
    else bad.push(name);
  }
  return bad.length ? { values, problem: `${bad.join(', ')}: expected a plain value (text), not a list or map` } : { values };
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

/** Every secret reference in a config (or any part of one), with its dotted key path. */
export function collectSecretRefs(config: unknown): { path: string; ref: string }[] {
  const out: { path: string; ref: string }[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (depth > 32) return;
    if (typeof node === 'string') {
      if (SECRET_REF.test(node)) out.push({ path, ref: node });
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, path ? `${path}.${i}` : String(i), depth + 1));
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  walk(config, '', 0);
  return out;
}
