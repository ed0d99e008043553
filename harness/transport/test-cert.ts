/**
 * Test support: a self-signed ECDSA P-256 certificate for `localhost` and
 * 127.0.0.1, so transport and mailbox tests run TLS with verification on.
 */
import { webcrypto } from 'node:crypto';
// @peculiar/x509 needs a Reflect metadata API; the lab ships the small shim.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface TestCert {
  key: string;
  cert: string;
}

/** A fresh self-signed certificate, valid for one day. */
export async function selfSignedCert(commonName = 'localhost'): Promise<TestCert> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: now.toString(16),
      name: `CN=${commonName}`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
      signingAlgorithm: alg,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: commonName },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ],
    },
    webcrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), cert: cert.toString('pem') };
}
