/**
 * DKIM key records (RFC 6376 §3.6.1) and how they compare with the key a
 * gateway signs with: the published `p=` must be the definition's public key,
 * and the key long enough (RFC 8301 §3.2: at least 1024 bits, 2048 advised).
 */
import { createPublicKey } from 'node:crypto';

export interface DkimKeyRecord {
  tags: Record<string, string>;
  /** Base64 of the SubjectPublicKeyInfo, whitespace removed; '' for a revoked key. */
  publicKey: string;
  keyType: string;
  errors: string[];
}

/** Parses "v=DKIM1; k=rsa; p=..." (tag=value list, RFC 6376 §3.2). */
export function parseDkimRecord(text: string): DkimKeyRecord {
  const tags: Record<string, string> = {};
  const errors: string[] = [];
  for (const part of text.split(';')) {
    const m = /^\s*([a-z][a-z0-9_]*)\s*=(.*)$/is.exec(part);
    if (!m) {
      if (part.trim() !== '') errors.push(`malformed tag "${part.trim()}"`);
      continue;
    }
    tags[(m[1] ?? '').toLowerCase()] = (m[2] ?? '').replace(/\s+/g, '');
  }
  if (tags.v !== undefined && tags.v !== 'DKIM1') errors.push(`v=${tags.v}: must be DKIM1`);
  if (tags.p === undefined) errors.push('no p= tag');
  return { tags, publicKey: tags.p ?? '', keyType: (tags.k ?? 'rsa').toLowerCase(), errors };
}

/** Base64 DER of a key given as PEM or bare base64 (either SPKI or a bare RSA key). */
export function normalisePublicKey(key: string): string {
  return key.replace(/-----(BEGIN|END)[^-]*-----/g, '').replace(/\s+/g, '');
}

/** Key length in bits, or undefined when the value is not a readable public key. */
export function publicKeyBits(base64: string): number | undefined {
  const der = Buffer.from(normalisePublicKey(base64), 'base64');
  if (der.length === 0) return undefined;
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      const details = key.asymmetricKeyDetails;
      if (details?.modulusLength) return details.modulusLength;
      // Ed25519 (RFC 8463) has a fixed size.
      if (key.asymmetricKeyType === 'ed25519') return 256;
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

/** True when two public keys (PEM or base64, SPKI or PKCS#1) are the same key. */
export function sameDkimKey(a: string, b: string): boolean {
  const spki = (k: string): string | undefined => {
    const der = Buffer.from(normalisePublicKey(k), 'base64');
    for (const type of ['spki', 'pkcs1'] as const) {
      try {
        return createPublicKey({ key: der, format: 'der', type }).export({ format: 'der', type: 'spki' }).toString('base64');
      } catch {
        // next
      }
    }
    return undefined;
  };
  const x = spki(a);
  return x !== undefined && x === spki(b);
}

/** RFC 8301 §3.2: verifiers must accept 1024-4096; signers should use at least 2048. */
export const MIN_DKIM_BITS = 1024;
