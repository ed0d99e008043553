/**
 * Writing and reading a run's `results.json`.
 *
 * DESIGN.md: "a run that dies keeps what it had: results are written as they
 * arrive". Every update replaces the file atomically (atomic-write.ts), and
 * updates to one file are serialized through a single queue per path for the
 * whole process, so two writers (the plan reporter and `renderRun`) can never
 * interleave and an older snapshot never lands after a newer one.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { MailflowError, errorMessage } from '../errors.ts';
import type { Results } from './model.ts';
import { atomicWriteFile } from './atomic-write.ts';
import { resultsSchema } from './results-schema.ts';

export const RESULTS_FILE = 'results.json';

export interface ResultsWriter {
  /** Absolute path of the results file. */
  readonly path: string;
  /**
   * Snapshots `results` now (later mutation of the object does not matter) and
   * resolves once that snapshot, or a newer one, is on disk.
   */
  update(results: Results): Promise<void>;
}

interface WriteQueue {
  tail: Promise<void>;
  latestText: string;
  latestSeq: number;
  writtenSeq: number;
}

const queues = new Map<string, WriteQueue>();

function queueFor(path: string): WriteQueue {
  let q = queues.get(path);
  if (!q) {
    q = { tail: Promise.resolve(), latestText: '', latestSeq: 0, writtenSeq: 0 };
    queues.set(path, q);
  }
  return q;
}

/** The results file as written: pretty JSON, bigint (from verifier data) as a string. */
export function serializeResults(results: Results): string {
  // The run's who and when are always present (DESIGN.md results contract): null until known.
  const run = { ...results.run, ...Object.fromEntries(NULLABLE_RUN_KEYS.map((k) => [k, results.run[k] ?? null])) };
  return `${JSON.stringify({ ...results, run }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

/** Run keys written as null when unset, and read back as absent. */
const NULLABLE_RUN_KEYS = ['finishedAt', 'executedBy', 'overseenBy'] as const;

function dropNullRunKeys(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !('run' in json)) return json;
  const run = (json as { run: unknown }).run;
  if (typeof run !== 'object' || run === null) return json;
  const kept = Object.fromEntries(Object.entries(run).filter(([k, v]) => !(v === null && (NULLABLE_RUN_KEYS as readonly string[]).includes(k))));
  return { ...json, run: kept };
}

/** A writer for `<dir>/results.json`; writers for the same path share one queue. */
export function createResultsWriter(dir: string): ResultsWriter {
  const path = resolve(dir, RESULTS_FILE);
  const update = (results: Results): Promise<void> => {
    let text: string;
    try {
      text = serializeResults(results);
    } catch (e) {
      return Promise.reject(new MailflowError('EINTERNAL', `results cannot be serialized: ${errorMessage(e)}`, { file: path }, { cause: e }));
    }
    const q = queueFor(path);
    const seq = ++q.latestSeq;
    q.latestText = text;
    const task = q.tail.then(async () => {
      // Coalesce: a burst of updates costs one write of the newest snapshot.
      if (q.writtenSeq >= seq) return;
      const upTo = q.latestSeq;
      await atomicWriteFile(path, q.latestText);
      q.writtenSeq = upTo;
    });
    // A failed write must not wedge the queue; the next update retries.
    q.tail = task.catch(() => undefined);
    return task;
  };
  return { path, update };
}

function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** zod says "expected string, received undefined" for an absent key; say "missing". */
function plainMessage(message: string): string {
  return message.replace(/^Invalid input: expected (.+), received undefined$/, 'missing (expected $1)');
}

function resultsFile(dirOrFile: string): string {
  return dirOrFile.endsWith('.json') ? resolve(dirOrFile) : resolve(dirOrFile, RESULTS_FILE);
}

function invalid(file: string, issues: readonly z.core.$ZodIssue[]): MailflowError {
  const lines = issues.map((i) => `${file}: ${formatKeyPath(i.path)}: ${plainMessage(i.message)}`);
  const first = issues[0];
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  return new MailflowError(
    'ECONFIG',
    `${lines[0] ?? `${file}: invalid results file`}${more}`,
    { file, path: first ? formatKeyPath(first.path) : '(root)', expected: 'a results file written by mailflow (schemaVersion 1)' },
    { issues: lines },
  );
}

/**
 * Reads and validates `<dir>/results.json` (or a `.json` path given directly).
 * Throws MailflowError('ECONFIG') naming the file and the key path of every
 * problem (all of them in `issues`).
 */
export async function readResults(dirOrFile: string): Promise<Results> {
  const file = resultsFile(dirOrFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found (is this a run folder?)' : `cannot be read (${errorMessage(e)})`;
    throw new MailflowError('ECONFIG', `${file}: ${why}`, { file }, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MailflowError('ECONFIG', `${file}: not valid JSON (${errorMessage(e)})`, { file, path: '(root)' }, { cause: e });
  }
  const parsed = resultsSchema.safeParse(dropNullRunKeys(json));
  if (!parsed.success) throw invalid(file, parsed.error.issues);
  // The schema mirrors model.ts; the cast only bridges zod's `T | undefined`
  // optionals and exactOptionalPropertyTypes.
  return parsed.data as unknown as Results;
}
