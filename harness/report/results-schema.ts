/**
 * The zod shape of `results.json`, mirroring the `Results` type in model.ts.
 * Used when a results file is read back (`mailflow report DIR`, sign-off,
 * verify): the file may be partial, hand-edited or from another version, so it
 * is checked before any renderer touches it.
 *
 * Objects are loose: keys this version does not know are kept, so reading a
 * newer file and writing it back does not silently drop data.
 */
import { z } from 'zod';
import { SIGNOFF_ROLES, VERDICTS } from './model.ts';

const verdict = z.enum(VERDICTS);
const lines = z.array(z.string());

const evidence = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('header'), label: z.string(), lines }),
  z.looseObject({ kind: z.literal('transcript'), label: z.string(), lines }),
  z.looseObject({ kind: z.literal('dns'), label: z.string(), query: z.string(), type: z.string(), answers: lines }),
  z.looseObject({ kind: z.literal('verifier'), label: z.string(), data: z.unknown() }),
  z.looseObject({ kind: z.literal('api'), label: z.string(), request: z.string(), response: z.unknown() }),
  z.looseObject({ kind: z.literal('file'), label: z.string(), path: z.string() }),
  z.looseObject({ kind: z.literal('text'), label: z.string(), text: z.string() }),
  z.looseObject({ kind: z.literal('attestation'), label: z.string(), by: z.string(), date: z.string(), note: z.string() }),
]);

const check = z.looseObject({
  name: z.string(),
  domain: z.string().optional(),
  format: z.string().optional(),
  verdict,
  detail: z.string(),
  evidence: z.array(evidence),
  durationMs: z.number().nonnegative().optional(),
});

const caseResult = z.looseObject({
  id: z.string().min(1),
  title: z.string(),
  mandatory: z.boolean(),
  section: z.string(),
  description: z.string(),
  actions: lines,
  expected: z.string(),
  correctiveActions: lines,
  comments: lines,
  verdict,
  checks: z.array(check),
});

const runInfo = z.looseObject({
  id: z.string().min(1),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  target: z.string(),
  environment: z.string(),
  customer: z.string(),
  gateway: z.looseObject({ vendor: z.string(), region: z.string() }),
  domains: lines,
  labFaults: lines,
  executedBy: z.string().optional(),
  overseenBy: z.string().optional(),
  harnessVersion: z.string(),
  configDigest: z.string(),
  warnings: lines,
  complete: z.boolean(),
  selectedCases: z.array(z.string()).optional(),
  planCases: z.array(z.string()).optional(),
});

const count = z.number().int().nonnegative();

const probe = z.looseObject({
  id: z.string(),
  domain: z.string(),
  format: z.string(),
  messageId: z.string(),
  status: z.string(),
  attempts: count,
  latencyMs: z.number().nonnegative().optional(),
  evidenceFile: z.string().optional(),
  route: z.array(z.looseObject({
    from: z.string(), by: z.string(), with: z.string().optional(),
    role: z.enum(['customer', 'to-gateway', 'gateway', 'from-gateway', 'recipient']),
    tls: z.enum(['yes', 'no', 'unknown']), tlsVersion: z.string().optional(), cipher: z.string().optional(),
  })).optional(),
});

const signoff = z.looseObject({ role: z.enum(SIGNOFF_ROLES), by: z.string().min(1), at: z.string(), statement: z.string().optional(), partial: z.boolean().optional() });

const verdictChange = z.looseObject({ id: z.string(), from: verdict, to: verdict });

/** The schema of a whole results file. */
export const resultsSchema = z.looseObject({
  schemaVersion: z.literal(1),
  run: runInfo,
  cases: z.array(caseResult),
  probes: z.array(probe),
  summary: z.looseObject({ PASS: count, FAIL: count, NOT_RUN: count, NOT_APPLICABLE: count, ATTESTED: count, ERROR: count }),
  signoffs: z.array(signoff).optional(),
  comparison: z.looseObject({
    previousRunId: z.string(),
    previousStartedAt: z.string(),
    regressed: z.array(verdictChange),
    fixed: z.array(verdictChange),
    changed: z.array(verdictChange),
  }).optional(),
});
