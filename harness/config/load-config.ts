/**
 * Loads a target config: YAML file < environment (`MAILFLOW__a__b`) < CLI
 * (`--set a.b=v`), validated by the one zod schema, secret references checked,
 * and every problem reported at once as `<file>[:line]: <key.path>: <what is
 * wrong> (expected <what>)` in a single ECONFIG error (exit code 2 in the CLI).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MailflowError } from '../errors.ts';
import { configSchema } from './schema.ts';
import type { Config } from './schema.ts';
import { absolutizePaths, caFileProblems, crossFieldProblems, portZeroProblems, secretProblems, securityWarnings } from './config-checks.ts';
import { formatIssues, formatPath } from './format-issues.ts';
import type { ConfigProblem } from './format-issues.ts';
import { applyOverrides, envOverrides, originOf, setOverrides } from './overrides.ts';
import { collectSecretRefs, createSecretStore } from './secrets.ts';
import type { CheckedSecretStore } from './secrets.ts';
import { readYamlSource } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';

export interface LoadConfigOptions {
  /** The YAML config file; messages name it as given. */
  file: string;
  /** Environment for `MAILFLOW__…` overrides and `${env:…}` secrets. Default: process.env. */
  env?: NodeJS.ProcessEnv | Record<string, string>;
  /** CLI `--set key.path=value` flags, applied last, in order. */
  overrides?: readonly string[];
  /** Accept port 0 (the lab's template: the lab fills in the ports it bound). */
  allowPortZero?: boolean;
  /** Check that every secret reference resolves now (default true; the lab's template has none set yet). */
  checkSecrets?: boolean;
}

export interface LoadedConfig {
  /** Parsed, defaults applied; `tls.caFile` and `secretsFile` made absolute. */
  config: Config;
  /** The config file, absolute. */
  file: string;
  secrets: CheckedSecretStore;
  /** Each `<file>[:line]: <key.path>: <what>`; the report prints them. */
  warnings: string[];
}

/** Reads, merges, validates; throws one MailflowError('ECONFIG') listing every problem. */
export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(opts.file, 'utf8');
  } catch (e) {
    const issue = `${opts.file}: cannot read the config file (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new MailflowError('ECONFIG', issue, { file: opts.file }, { cause: e, issues: [issue] });
  }
  return parseConfigText(text, opts);
}

/** As loadConfig, for config text already in hand; `opts.file` names it and anchors relative paths. */
export function parseConfigText(text: string, opts: LoadConfigOptions): LoadedConfig {
  const file = opts.file;
  const baseDir = dirname(resolve(file));
  const env = opts.env ?? process.env;
  const source = readYamlSource(text);
  if (source.syntaxErrors.length > 0) {
    fail(file, source.syntaxErrors.map((e) => `${file}:${e.line}:${e.col}: not valid YAML: ${e.message}`));
  }
  const raw = source.data ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    fail(file, [`${file}:1: (top level): got ${Array.isArray(raw) ? 'a list' : 'a single value'} (expected a mapping of config keys: environment, domains, gateway, senders, recipient…)`]);
  }
  const fromEnv = envOverrides(env);
  const fromCli = setOverrides(opts.overrides ?? []);
  const merged = applyOverrides(raw, [...fromEnv.overrides, ...fromCli.overrides], configSchema);
  const parsed = configSchema.safeParse(merged.data);
  const secrets = createSecretStore(secretStoreOptions(env, merged.data, baseDir));
  const problems: ConfigProblem[] = [
    ...(parsed.success ? [] : formatIssues(parsed.error.issues, { schema: configSchema, data: merged.data })),
    ...crossFieldProblems(merged.data),
    ...(opts.checkSecrets === false ? [] : secretProblems(merged.data, secrets)),
    ...caFileProblems(merged.data, baseDir),
    ...(opts.allowPortZero ? [] : portZeroProblems(merged.data)),
  ];
  const located = (ps: ConfigProblem[]) => ps.map((p) => locate(file, source, merged.origins, p)).sort((a, b) => a.line - b.line).map((p) => p.text);
  const issues = [...fromEnv.problems, ...fromCli.problems, ...merged.problems, ...located(problems)];
  if (issues.length > 0 || !parsed.success) fail(file, issues);
  // Resolve every reference once now, so redact() covers each secret from the first log line on.
  if (opts.checkSecrets !== false) for (const { ref } of collectSecretRefs(parsed.data)) secrets.reveal(ref);
  return {
    config: absolutizePaths(parsed.data, baseDir),
    file: resolve(file),
    secrets,
    warnings: located(securityWarnings(parsed.data)),
  };
}

function secretStoreOptions(env: LoadConfigOptions['env'] & object, data: unknown, baseDir: string) {
  const secretsFile = (data as { secretsFile?: unknown }).secretsFile;
  return typeof secretsFile === 'string' && secretsFile !== '' ? { env, secretsFile, baseDir } : { env, baseDir };
}

/** `file:line: key.path: message`, or `file: key.path: message [from origin]` for an overridden key. */
function locate(file: string, source: YamlSource, origins: ReadonlyMap<string, string>, p: ConfigProblem): { line: number; text: string } {
  const origin = originOf(origins, p.path);
  const line = origin === undefined ? source.lineOf(p.path) : undefined;
  const where = line === undefined ? file : `${file}:${line}`;
  return { line: line ?? 0, text: `${where}: ${formatPath(p.path)}: ${p.message}${origin === undefined ? '' : ` [from ${origin}]`}` };
}

function fail(file: string, issues: string[]): never {
  const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  const summary = `${file}: the configuration has ${count}:\n  ${issues.join('\n  ')}`;
  throw new MailflowError('ECONFIG', summary, { file }, { issues });
}
