/**
 * Turns zod issues into messages an engineer can act on: the key path, what
 * was found, and what is expected there (STYLE.md §5, §6). The value found is
 * echoed (shortened) except at secret fields: a password typed where a
 * reference belongs must not be copied into a terminal or a CI log.
 */
import type { z } from 'zod';
import { describeExpected, isSecretField, knownKeys, oneOf, schemaAt } from './schema-walk.ts';
import { closest } from './suggest.ts';
import type { KeyPath } from './yaml-source.ts';

/** One problem, before the file and line are put in front of it. */
export interface ConfigProblem {
  path: PropertyKey[];
  /** `<what is wrong> (expected <what>)`, without the key path. */
  message: string;
}

export type ZodIssue = z.core.$ZodIssue;

/** `senders.0.smtp.port`; `(top level)` for the root. */
export function formatPath(path: KeyPath): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** A short, safe rendering of a value found in the config. */
export function describeValue(value: unknown): string {
  if (value === '') return 'an empty string';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

export function valueAt(data: unknown, path: KeyPath): { present: boolean; value: unknown } {
  let node: unknown = data;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return { present: false, value: undefined };
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return { present: true, value: node };
}

const SECRET_HINT = 'a secret reference: ${env:NAME} or ${secret:NAME}; keep the secret itself in the environment or the secrets file';

/** Every issue as one or more problems (an unknown-keys issue names each key). */
export function formatIssues(issues: readonly ZodIssue[], opts: { schema: z.ZodType; data: unknown }): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    for (const problem of formatIssue(issue, opts)) {
      const key = `${formatPath(problem.path)}\0${problem.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(problem);
      }
    }
  }
  return out;
}

function formatIssue(issue: ZodIssue, opts: { schema: z.ZodType; data: unknown }): ConfigProblem[] {
  const path = [...issue.path];
  const schema = schemaAt(opts.schema, path, opts.data);
  if (issue.code === 'unrecognized_keys') {
    const parent = valueAt(opts.data, path).value;
    const known = knownKeys(schema, parent);
    return issue.keys.map((key) => ({ path: [...path, key], message: unknownKey(key, known) }));
  }
  const { present, value } = valueAt(opts.data, path);
  const expected = expectedFor(issue, schema);
  if (isSecretField(schema)) {
    return [{ path, message: present && value !== undefined ? `holds a literal value, not a reference (expected ${SECRET_HINT})` : `missing (expected ${SECRET_HINT})` }];
  }
  if (issue.code === 'custom') {
    // Our own refinements phrase either the expectation ("a valid regular expression") or the fault.
    const msg = issue.message;
    return [{ path, message: /^an? /.test(msg) ? `got ${describeValue(value)} (expected ${msg})` : msg }];
  }
  const found = present && value !== undefined ? `got ${describeValue(value)}` : 'missing';
  const hint = suggestionFor(issue, value);
  return [{ path, message: expected ? `${found} (expected ${expected}${hint})` : `${found} (${issue.message}${hint})` }];
}

function unknownKey(key: string, known: string[]): string {
  const suggestion = closest(key, known);
  if (suggestion) return `unknown key (did you mean "${suggestion}"?)`;
  return known.length ? `unknown key (expected one of ${known.join(', ')})` : 'unknown key';
}

/** "did you mean" for a misspelt enum value: `starttsl` -> `starttls`. */
function suggestionFor(issue: ZodIssue, value: unknown): string {
  if (typeof value !== 'string') return '';
  const options = issue.code === 'invalid_value' ? issue.values.map(String) : issue.code === 'invalid_union' ? optionsOf(issue) : [];
  const s = closest(value, options);
  return s && s !== value ? `; did you mean "${s}"?` : '';
}

function optionsOf(issue: ZodIssue): string[] {
  const options = (issue as { options?: unknown }).options;
  return Array.isArray(options) ? options.map(String) : [];
}

/** The expectation, from the schema where it can say more than the issue does. */
function expectedFor(issue: ZodIssue, schema: z.ZodType | undefined): string | undefined {
  switch (issue.code) {
    case 'invalid_value':
      return oneOf(issue.values);
    case 'invalid_union': {
      const options = optionsOf(issue);
      return options.length ? oneOf(options) : describeExpected(schema);
    }
    case 'invalid_format':
      // A custom regex message says what is meant ("a domain name such as example.com");
      // zod's default ("Invalid string: …") does not.
      return issue.format === 'regex' && !/^Invalid/.test(issue.message) ? issue.message : (describeExpected(schema) ?? issue.format);
    case 'too_small':
    case 'too_big':
      return describeExpected(schema) ?? boundText(issue);
    case 'invalid_type':
      return describeExpected(schema) ?? (issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`);
    default:
      return describeExpected(schema);
  }
}

function boundText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  if (issue.code === 'too_small') return `${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
  return `${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
}
