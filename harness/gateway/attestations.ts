/**
 * Engineers' attestations: the weakest evidence (DESIGN.md), for what neither
 * the mail nor the vendor API can show (e.g. the Secure Delivery policy).
 * Kept in a JSON file named by `attestations.file`, each with who, when, the
 * result, a note and the date it stops being valid.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { errorMessage, MailflowError } from '../errors.ts';

export const attestationSchema = z.object({
  case: z.string().regex(/^(MAN|OPT)\d{2}$/),
  domain: z.string().min(1).optional(),
  by: z.string().min(1),
  result: z.enum(['pass', 'fail']),
  note: z.string().min(1),
  date: z.iso.datetime(),
  validUntil: z.iso.datetime(),
});

export type Attestation = z.output<typeof attestationSchema>;

const fileSchema = z.object({ attestations: z.array(z.unknown()).default([]) });

/** Reads the file; a missing file is no attestations; malformed entries are skipped and reported. */
export async function readAttestations(file: string): Promise<{ attestations: Attestation[]; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { attestations: [], problems: [] };
    return { attestations: [], problems: [`${file}: ${errorMessage(e)}`] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { attestations: [], problems: [`${file}: not JSON (${errorMessage(e)})`] };
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) return { attestations: [], problems: [`${file}: expected { "attestations": [...] }`] };
  const attestations: Attestation[] = [];
  const problems: string[] = [];
  parsed.data.attestations.forEach((a, i) => {
    const r = attestationSchema.safeParse(a);
    if (r.success) attestations.push(r.data);
    else problems.push(`${file}: attestations.${i}: ${r.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
  });
  return { attestations, problems };
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

/** Appends an attestation (atomic rename) and returns it. */
export async function addAttestation(file: string, input: NewAttestation): Promise<Attestation> {
  const now = input.now ?? new Date();
  const candidate = {
    case: input.case.toUpperCase(), by: input.by, result: input.result, note: input.note,
    date: now.toISOString(), validUntil: new Date(now.getTime() + input.validityDays * 86_400_000).toISOString(),
    ...(input.domain ? { domain: input.domain.toLowerCase() } : {}),
  };
  const parsed = attestationSchema.safeParse(candidate);
  if (!parsed.success) throw new MailflowError('EUSAGE', `attestation: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'value'} ${x.message}`).join('; ')}`);
  const { attestations, problems } = await readAttestations(file);
  if (problems.some((p) => !/attestations\.\d+/.test(p))) throw new MailflowError('ECONFIG', problems.join('; '), { file });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ attestations: [...attestations, parsed.data] }, null, 2)}\n`);
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
