/**
 * Sealing a run folder at sign-off: a manifest (`seal.json`) of the SHA-256
 * digest of results.json, every evidence file and every rendered report, and,
 * when a key is configured, an Ed25519 signature over the manifest (RFC 8032;
 * node:crypto signs Ed25519 with a null digest because the scheme hashes
 * internally). Without a signature the manifest shows that nothing changed
 * since sealing, not who sealed it: anyone able to edit the folder could also
 * rewrite seal.json. verify-run.ts reads this back.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MailflowError, errorMessage } from '../errors.ts';
import { atomicWriteFile } from './atomic-write.ts';
import { RESULTS_FILE } from './results-writer.ts';

export const SEAL_FILE = 'seal.json';
export const SEAL_FORMAT = 'mailflow-seal/1';

/** Evidence folders deeper than this are not walked (a loop or an attack, not a run). */
const MAX_DEPTH = 8;
const MAX_FILES = 10_000;

export interface SealedFile {
  /** Path relative to the run folder, with forward slashes. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface SealSignature {
  algorithm: 'Ed25519';
  /** SPKI PEM of the signing key, so a reader can check the signature without asking. */
  publicKey: string;
  /** SHA-256 of the DER public key: what to compare with the signer's published fingerprint. */
  keyFingerprint: string;
  /** Base64 signature over `canonicalManifest()`. */
  value: string;
}

export interface SealManifest {
  format: typeof SEAL_FORMAT;
  runId: string;
  sealedAt: string;
  /** Digest of each part of results.json, so verify can say which part changed. */
  resultsParts: Record<string, string>;
  files: SealedFile[];
  signature?: SealSignature;
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Digests of results.json's parts: run, summary, probes, signoffs and each case by id. */
export function resultsParts(json: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (json === null || typeof json !== 'object') return out;
  for (const [k, v] of Object.entries(json)) {
    if (k === 'cases' && Array.isArray(v)) {
      v.forEach((c: unknown, i) => {
        const id = c !== null && typeof c === 'object' && 'id' in c && typeof c.id === 'string' ? c.id : `#${i}`;
        out[`case ${id}`] = sha256(JSON.stringify(c));
      });
    } else {
      out[k] = sha256(JSON.stringify(v));
    }
  }
  return out;
}

async function walk(dir: string, rel: string, depth: number, out: string[]): Promise<void> {
  if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = rel === '' ? e.name : `${rel}/${e.name}`;
    // Temp files of an atomic write in progress are not part of the run.
    if (isTemp(e.name)) continue;
    if (e.isDirectory()) await walk(dir, p, depth + 1, out);
    else if (e.isFile()) out.push(p);
  }
}

const isTemp = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/**
 * The files a seal of `dir` covers as they are now: every file in the folder
 * but seal.json itself, top-level files first, then each folder's (sorted).
 */
export async function sealablePaths(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => a.name.localeCompare(b.name));
  const top = entries.filter((e) => e.isFile() && e.name !== SEAL_FILE && !isTemp(e.name)).map((e) => e.name);
  const nested: string[] = [];
  for (const d of entries.filter((e) => e.isDirectory())) await walk(dir, d.name, 0, nested);
  return [...top, ...nested];
}

/** Digest and size of one file of the run. */
export async function digestFile(dir: string, rel: string): Promise<SealedFile> {
  const data = await readFile(path.join(dir, ...rel.split('/')));
  return { path: rel, sha256: sha256(data), bytes: data.length };
}

/** The bytes a signature covers: the manifest without its signature, keys in a fixed order. */
export function canonicalManifest(m: SealManifest): Buffer {
  const { format, runId, sealedAt, resultsParts: parts, files } = m;
  const sortedParts = Object.fromEntries(Object.entries(parts).sort(([a], [b]) => a.localeCompare(b)));
  return Buffer.from(JSON.stringify({ format, runId, sealedAt, resultsParts: sortedParts, files: files.map((f) => ({ path: f.path, sha256: f.sha256, bytes: f.bytes })) }));
}

/** The SPKI fingerprint of a public key. */
export function keyFingerprint(key: KeyObject): string {
  return sha256(key.export({ type: 'spki', format: 'der' }));
}

/** Loads an Ed25519 private key (PKCS#8 PEM); the message never carries key material. */
export function loadPrivateKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new MailflowError('ECONFIG', `${source}: not a private key in PEM form (${errorMessage(e)})`, { file: source });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new MailflowError('ECONFIG', `${source}: an ${key.asymmetricKeyType ?? 'unknown'} key; sign-off signatures use Ed25519 (openssl genpkey -algorithm ed25519)`, { file: source });
  }
  return key;
}

/** Builds the manifest of `dir` now, signed when a private key is given. */
export async function createSeal(dir: string, runId: string, opts: { now?: Date; privateKey?: KeyObject } = {}): Promise<SealManifest> {
  const files = await Promise.all((await sealablePaths(dir)).map((p) => digestFile(dir, p)));
  const results = JSON.parse(await readFile(path.join(dir, RESULTS_FILE), 'utf8')) as unknown;
  const manifest: SealManifest = {
    format: SEAL_FORMAT, runId, sealedAt: (opts.now ?? new Date()).toISOString(), resultsParts: resultsParts(results), files,
  };
  if (opts.privateKey) {
    const pub = createPublicKey(opts.privateKey);
    manifest.signature = {
      algorithm: 'Ed25519',
      publicKey: pub.export({ type: 'spki', format: 'pem' }).toString(),
      keyFingerprint: keyFingerprint(pub),
      value: sign(null, canonicalManifest(manifest), opts.privateKey).toString('base64'),
    };
  }
  return manifest;
}

/** Writes seal.json atomically. */
export async function writeSeal(dir: string, manifest: SealManifest): Promise<string> {
  const file = path.join(dir, SEAL_FILE);
  await atomicWriteFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}
