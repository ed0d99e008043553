/**
 * A throwaway certificate authority made at lab start. ECDSA P-256 keeps
 * start-up fast (an RSA 2048 key costs tens of milliseconds; P-256 well under
 * one), and every lab run gets fresh keys, so nothing secret sits on disk.
 */
import { webcrypto } from 'node:crypto';
import type { webcrypto as WebCrypto } from 'node:crypto';
// @peculiar/x509 resolves its providers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A server certificate with its private key, both PEM, ready for `tls.createSecureContext`. */
export interface LeafCertificate {
  key: string;
  cert: string;
}

export interface LabCa {
  /** The CA certificate, PEM: what clients must trust. */
  caPem: string;
  /** Issues a server certificate whose SAN lists the DNS names and IP addresses. */
  issue(dnsNames: readonly string[], ips: readonly string[]): Promise<LeafCertificate>;
}

async function exportKeyPem(key: WebCrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function validity(): { notBefore: Date; notAfter: Date } {
  // Back-dated an hour so a slightly skewed clock in another process still accepts it.
  const now = Date.now();
  return { notBefore: new Date(now - 3600 * 1000), notAfter: new Date(now + 30 * DAY_MS) };
}

/** Creates the lab CA: a self-signed root that may only sign end-entity certificates. */
export async function createLabCa(commonName = 'Mailflow Lab CA'): Promise<LabCa> {
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}, O=mailflow-acceptance lab`,
    keys: caKeys,
    signingAlgorithm: ALG,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const caPem = caCert.toString('pem');

  async function issue(dnsNames: readonly string[], ips: readonly string[]): Promise<LeafCertificate> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as WebCrypto.CryptoKeyPair;
    const names = [...dnsNames.map((value) => ({ type: 'dns' as const, value })), ...ips.map((value) => ({ type: 'ip' as const, value }))];
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${dnsNames[0] ?? ips[0] ?? 'lab'}`,
      issuer: caCert.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALG,
      ...validity(),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        // RFC 6125 §6.4.4: clients match SAN entries only, never the CN, so every name goes here.
        new x509.SubjectAlternativeNameExtension(names),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    return { key: await exportKeyPem(keys.privateKey), cert: cert.toString('pem') };
  }

  return { caPem, issue };
}
