/**
 * Checks zod cannot make because they look outside the config text: secret
 * references resolve, CA files are readable PEM, port 0 only in the lab. They
 * run on the merged raw data (before or without a successful parse) so that
 * every problem is reported in one pass (STYLE.md §6). Also the warnings a
 * valid config can still deserve (verification or encryption turned off).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigProblem } from './format-issues.ts';
import type { CheckedSecretStore } from './secrets.ts';
import { collectSecretRefs } from './secrets.ts';

/** Visits every object in `data` with its key path (bounded depth: configs are shallow). */
export function walkObjects(data: unknown, visit: (obj: Record<string, unknown>, path: (string | number)[]) => void): void {
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (path.length > 32 || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i]));
      return;
    }
    const obj = node as Record<string, unknown>;
    visit(obj, path);
    for (const [k, v] of Object.entries(obj)) walk(v, [...path, k]);
  };
  walk(data, []);
}

function splitPath(dotted: string): (string | number)[] {
  return dotted.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const field = (v: unknown, key: string): unknown => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined);

/**
 * Checks across keys: each sender's domain is a configured domain, each domain
 * has a sender (its probes need one), each hop pattern compiles. They read the
 * raw data and skip what is missing or mistyped (the schema reports that), so
 * they run even when other keys are invalid (STYLE.md §6: all problems at once).
 */
export function crossFieldProblems(data: unknown): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const domains = asList(field(data, 'domains')).map((d) => field(d, 'name')).filter((n): n is string => typeof n === 'string' && n !== '');
  const names = new Set(domains.map((n) => n.toLowerCase()));
  const senderDomains = new Set<string>();
  asList(field(data, 'senders')).forEach((s, i) => {
    const address = field(s, 'address');
    if (typeof address !== 'string' || !address.includes('@')) return;
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    senderDomains.add(domain);
    if (names.size > 0 && !names.has(domain)) {
      out.push({ path: ['senders', i, 'address'], message: `domain ${domain} is not one of domains[].name (${[...names].join(', ')})` });
    }
  });
  domains.forEach((name, i) => {
    if (!senderDomains.has(name.toLowerCase())) {
      out.push({ path: ['domains', i, 'name'], message: `${name} has no sender (expected a senders[] entry with an address @${name}: its probes are sent from there)` });
    }
  });
  asList(field(field(data, 'gateway'), 'hopPatterns')).forEach((p, i) => {
    if (typeof p !== 'string') return;
    try {
      new RegExp(p, 'i');
    } catch (e) {
      out.push({ path: ['gateway', 'hopPatterns', i], message: `not a valid regular expression: ${(e as Error).message} (expected a JavaScript regular expression, e.g. (^|\\.)mimecast\\.com$)` });
    }
  });
  return out;
}

/** Unresolvable `${env:…}` / `${secret:…}` references, each at its key path. */
export function secretProblems(data: unknown, store: CheckedSecretStore): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const fileProblem = store.secretsFileProblem;
  if (fileProblem !== undefined) out.push({ path: ['secretsFile'], message: fileProblem });
  for (const { path, ref } of collectSecretRefs(data)) {
    // An unreadable secrets file is said once, above, not again for each ${secret:…}.
    if (fileProblem !== undefined && ref.startsWith('${secret:')) continue;
    for (const message of store.check([ref])) out.push({ path: splitPath(path), message });
  }
  return out;
}

/** `tls.caFile` that cannot be read or holds no PEM certificate. Paths are relative to `baseDir`. */
export function caFileProblems(data: unknown, baseDir: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  walkObjects(data, (obj, path) => {
    if (path[path.length - 1] !== 'tls' || typeof obj.caFile !== 'string' || obj.caFile === '') return;
    const full = isAbsolute(obj.caFile) ? obj.caFile : resolve(baseDir, obj.caFile);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (e) {
      out.push({ path: [...path, 'caFile'], message: `cannot read ${full} (${(e as NodeJS.ErrnoException).code ?? 'error'}) (expected a readable PEM file of CA certificates)` });
      return;
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) {
      out.push({ path: [...path, 'caFile'], message: `${full} holds no certificate (expected PEM text with -----BEGIN CERTIFICATE-----)` });
    }
  });
  return out;
}

/** Port 0 means "any free port": only the lab, which binds and fills in ports, may use it. */
export function portZeroProblems(data: unknown): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  walkObjects(data, (obj, path) => {
    if (obj.port === 0 && typeof obj.host === 'string') {
      out.push({ path: [...path, 'port'], message: 'got 0, which only the embedded lab may use (expected the real port, 1–65535)' });
    }
  });
  return out;
}

/** Turned-off protections in a valid config: printed, and carried into the report. */
export function securityWarnings(config: unknown): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  walkObjects(config, (obj, path) => {
    if (path[path.length - 1] === 'tls' && obj.rejectUnauthorized === false) {
      out.push({ path: [...path, 'rejectUnauthorized'], message: 'set to false: the server certificate is not verified, so a man in the middle would go unnoticed (the report states this)' });
    }
    if (obj.security === 'none' && typeof obj.host === 'string') {
      out.push({ path: [...path, 'security'], message: 'set to none: no TLS, so mail and credentials cross the network in clear text (the report states this)' });
    }
  });
  return out;
}

/** Makes `tls.caFile` and `secretsFile` absolute, so users of the config need not know where it was read from. */
export function absolutizePaths<T>(config: T, baseDir: string): T {
  walkObjects(config, (obj, path) => {
    if (path[path.length - 1] === 'tls' && typeof obj.caFile === 'string' && !isAbsolute(obj.caFile)) obj.caFile = resolve(baseDir, obj.caFile);
    if (path.length === 0 && typeof obj.secretsFile === 'string' && !isAbsolute(obj.secretsFile)) obj.secretsFile = resolve(baseDir, obj.secretsFile);
  });
  return config;
}
