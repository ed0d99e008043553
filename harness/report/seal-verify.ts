/**
 * `mailflow verify`: whether a sealed run folder is as it was at sign-off,
 * and if not, exactly what changed: which files differ, went missing or were
 * added, which part of results.json (a case by id, the run facts, the
 * sign-offs), and whether the signature still holds and by which key.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MailflowError, errorMessage } from '../errors.ts';
import { RESULTS_FILE } from './results-writer.ts';
import {
  canonicalManifest, digestFile, keyFingerprint, resultsParts, sealablePaths, SEAL_FILE, SEAL_FORMAT, type SealManifest,
} from './seal.ts';

const manifestSchema = z.object({
  format: z.literal(SEAL_FORMAT),
  runId: z.string(),
  sealedAt: z.string(),
  resultsParts: z.record(z.string(), z.string()),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), bytes: z.number() })),
  signature: z.object({ algorithm: z.literal('Ed25519'), publicKey: z.string(), keyFingerprint: z.string(), value: z.string() }).optional(),
});

export type SignatureState = 'valid' | 'invalid' | 'absent' | 'untrusted-key';

export interface VerifyReport {
  dir: string;
  runId: string;
  sealedAt: string;
  ok: boolean;
  changed: { path: string; expectedBytes: number; actualBytes: number }[];
  missing: string[];
  added: string[];
  /** Parts of results.json that differ: "case MAN12", "signoffs", "run"... */
  resultsChanges: string[];
  signature: SignatureState;
  keyFingerprint?: string;
}

/** Reads and checks the shape of seal.json; throws ECONFIG when there is none or it is unreadable. */
export async function readSeal(dir: string): Promise<SealManifest> {
  const file = path.join(dir, SEAL_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new MailflowError('ECONFIG', missing ? `${file}: not found (the run has not been signed off: mailflow signoff ${dir} --by NAME --role executed)` : `${file}: unreadable (${errorMessage(e)})`, { file });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new MailflowError('ECONFIG', `${file}: not a mailflow seal (${parsed.error.issues[0]?.message ?? 'invalid'})`, { file });
  return parsed.data as SealManifest;
}

function signatureState(m: SealManifest, trusted: KeyObject | undefined): { state: SignatureState; fingerprint?: string } {
  if (!m.signature) return { state: trusted ? 'invalid' : 'absent' };
  let key: KeyObject;
  try {
    key = createPublicKey(m.signature.publicKey);
  } catch {
    return { state: 'invalid' };
  }
  const fingerprint = keyFingerprint(key);
  const good = fingerprint === m.signature.keyFingerprint && verify(null, canonicalManifest(m), key, Buffer.from(m.signature.value, 'base64'));
  if (!good) return { state: 'invalid', fingerprint };
  // A valid signature by a key other than the one the reader trusts proves nothing.
  if (trusted && keyFingerprint(trusted) !== fingerprint) return { state: 'untrusted-key', fingerprint };
  return { state: 'valid', fingerprint };
}

async function resultsChanges(dir: string, m: SealManifest): Promise<string[]> {
  let now: Record<string, string>;
  try {
    now = resultsParts(JSON.parse(await readFile(path.join(dir, RESULTS_FILE), 'utf8')));
  } catch {
    return ['results.json cannot be read as JSON'];
  }
  const keys = new Set([...Object.keys(m.resultsParts), ...Object.keys(now)]);
  return [...keys].filter((k) => m.resultsParts[k] !== now[k]).map((k) => (k in now ? (k in m.resultsParts ? k : `${k} (added)`) : `${k} (removed)`)).sort();
}

/** Compares the folder with its seal. `trustedKey` (SPKI PEM) demands a signature by that key. */
export async function verifyRun(dir: string, opts: { trustedKeyPem?: string } = {}): Promise<VerifyReport> {
  const m = await readSeal(dir);
  const trusted = opts.trustedKeyPem === undefined ? undefined : createPublicKey(opts.trustedKeyPem);
  const present = new Set(await sealablePaths(dir));
  const changed: VerifyReport['changed'] = [];
  const missing: string[] = [];
  for (const f of m.files) {
    if (!present.has(f.path)) { missing.push(f.path); continue; }
    const now = await digestFile(dir, f.path);
    if (now.sha256 !== f.sha256) changed.push({ path: f.path, expectedBytes: f.bytes, actualBytes: now.bytes });
  }
  const sealed = new Set(m.files.map((f) => f.path));
  const added = [...present].filter((p) => !sealed.has(p));
  const sig = signatureState(m, trusted);
  const partsChanged = changed.some((c) => c.path === RESULTS_FILE) || missing.includes(RESULTS_FILE) ? await resultsChanges(dir, m) : [];
  const sigOk = sig.state === 'valid' || (sig.state === 'absent' && !trusted);
  return {
    dir, runId: m.runId, sealedAt: m.sealedAt,
    ok: changed.length === 0 && missing.length === 0 && added.length === 0 && sigOk,
    changed, missing, added, resultsChanges: partsChanged, signature: sig.state,
    ...(sig.fingerprint === undefined ? {} : { keyFingerprint: sig.fingerprint }),
  };
}

/** The report as lines for a terminal. */
export function formatVerifyReport(r: VerifyReport): string {
  const out = [`run ${r.runId}, sealed ${r.sealedAt}`];
  out.push(r.ok ? 'OK: nothing changed since sign-off.' : 'CHANGED: the run folder differs from what was signed off.');
  for (const c of r.changed) out.push(`  changed  ${c.path} (${c.expectedBytes} bytes sealed, ${c.actualBytes} now)`);
  for (const p of r.resultsChanges) out.push(`           results.json: ${p}`);
  for (const p of r.missing) out.push(`  missing  ${p}`);
  for (const p of r.added) out.push(`  added    ${p}${p.includes('/') ? '' : ' (not part of the run when it was sealed)'}`);
  const sig: Record<SignatureState, string> = {
    valid: `signature: valid, Ed25519 key ${r.keyFingerprint ?? '?'}`,
    invalid: 'signature: INVALID (seal.json was altered, or signed by another key than it names)',
    absent: 'signature: none (the seal shows integrity since sign-off, not who sealed it)',
    'untrusted-key': `signature: valid but by key ${r.keyFingerprint ?? '?'}, not the trusted key given`,
  };
  out.push(sig[r.signature]);
  return out.join('\n');
}
