/**
 * Engineers' attestations: the weakest evidence (DESIGN.md), for what neither
 * the mail nor the vendor API can show (e.g. the Secure Delivery policy).
 * Kept in a JSON file named by `attestations.file`, each with who, when, the
 * result, a note and the date it stops being valid.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { errorMessage, MailflowError } from '../errors.ts';

/**
 * The cases that read attestations: those no mail and no vendor API can
 * show when their behaviour cannot be observed (reference §3.7: secure
 * delivery, auto allow, auto allow creation, stationery). Every other case
 * has mail or API evidence, and an attestation must never stand in for it.
 */
export const ATTESTABLE_CASES = ['MAN03', 'MAN04', 'MAN05', 'OPT02'] as const;

export const attestationSchema = z.object({
  case: z.enum(ATTESTABLE_CASES, { message: `only ${ATTESTABLE_CASES.join(', ')} can be attested (the other cases have mail or API evidence)` }),
  domain: z.string().min(1).optional(),
  by: z.string().min(1),
  result: z.enum(['pass', 'fail']),
  note: z.string().min(1),
  date: z.iso.datetime(),
  validUntil: z.iso.datetime(),
});

export type Attestation = z.output<typeof attestationSchema>;

const fileSchema = z.object({ attestations: z.array(z.unknown()).default([]) });

interface FileContents {
  attestations: Attestation[];
  /** Every entry as stored, valid or not: a rewrite keeps what it cannot read. */
  raw: unknown[];
  problems: string[];
  /** The file itself is unreadable (not JSON, wrong shape): it must not be rewritten. */
  broken: boolean;
}

/** Reads the file; a missing file is no attestations; malformed entries are skipped and reported. */
export async function readAttestations(file: string): Promise<{ attestations: Attestation[]; problems: string[] }> {
  const { attestations, problems } = await readFileContents(file);
  return { attestations, problems };
}

async function readFileContents(file: string): Promise<FileContents> {
  const none = (problems: string[], broken: boolean): FileContents => ({ attestations: [], raw: [], problems, broken });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return none([], false);
    return none([`${file}: ${errorMessage(e)}`], true);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return none([`${file}: not JSON (${errorMessage(e)})`], true);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) return none([`${file}: expected { "attestations": [...] }`], true);
  const attestations: Attestation[] = [];
  const problems: string[] = [];
  parsed.data.attestations.forEach((a, i) => {
    const r = attestationSchema.safeParse(a);
    if (r.success) attestations.push(r.data);
    else problems.push(`${file}: attestations.${i}: ${r.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
  });
  return { attestations, raw: parsed.data.attestations, problems, broken: false };
}

export interface NewAttestation {
  case: string;
  domain?: string;
  by: string;
  result: 'pass' | 'fail';
  note: string;
  validityDays: number;
  now?: Date;
}

/** Appends an attestation (atomic rename) and returns it; entries it cannot read are kept as they are. */
export async function addAttestation(file: string, input: NewAttestation): Promise<Attestation> {
  const now = input.now ?? new Date();
  const candidate = {
    case: input.case.toUpperCase(), by: input.by, result: input.result, note: input.note,
    date: now.toISOString(), validUntil: new Date(now.getTime() + input.validityDays * 86_400_000).toISOString(),
    ...(input.domain ? { domain: input.domain.toLowerCase() } : {}),
  };
  const parsed = attestationSchema.safeParse(candidate);
  if (!parsed.success) throw new MailflowError('EUSAGE', `attestation: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'value'} ${x.message}`).join('; ')}`);
  const current = await readFileContents(file);
  if (current.broken) throw new MailflowError('ECONFIG', `${current.problems.join('; ')}; fix or move the file, it was not rewritten`, { file });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ attestations: [...current.raw, parsed.data] }, null, 2)}\n`);
  await rename(tmp, file);
  return parsed.data;
}

/** The newest attestation for a case (and domain, when the attestation names one) valid at `now`; and the newest expired one. */
export function findAttestation(list: readonly Attestation[], caseId: string, domain: string, now: Date): { valid?: Attestation; expired?: Attestation } {
  const matching = list
    .filter((a) => a.case === caseId && (a.domain === undefined || a.domain === domain.toLowerCase()))
    .sort((a, b) => b.date.localeCompare(a.date));
  const valid = matching.find((a) => Date.parse(a.date) <= now.getTime() && now.getTime() < Date.parse(a.validUntil));
  const expired = matching.find((a) => Date.parse(a.validUntil) <= now.getTime());
  return { ...(valid ? { valid } : {}), ...(expired ? { expired } : {}) };
}
