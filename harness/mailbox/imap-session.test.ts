import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../config/schema.ts';
import { selfSignedCert, type TestCert } from '../transport/test-cert.ts';
import { mapSecrets } from '../transport/test-secrets.ts';
import { openImap } from './imap-session.ts';
import { startTestImap, type TestImap } from './test-imap.ts';

const PASSWORD = 'imap-Pa55-word';
let cert: TestCert;
let imap: TestImap | undefined;

beforeAll(async () => {
  cert = await selfSignedCert();
});

afterEach(async () => {
  await imap?.close();
  imap = undefined;
});

async function endpointFor(auth: Endpoint['auth'], ca = cert.cert): Promise<Endpoint> {
  imap = await startTestImap({ user: 'ext@partner.test', password: PASSWORD, accessToken: 'ya29.test-access-token', credentials: cert });
  const e: Endpoint = { host: 'localhost', port: imap.port, security: 'starttls', tls: { ca, rejectUnauthorized: true } };
  if (auth) e.auth = auth;
  return e;
}

const secrets = mapSecrets({ IMAP_PASS: PASSWORD, IMAP_TOKEN: 'ya29.test-access-token', WRONG: 'not-the-password' });

describe('openImap', () => {
  it('logs in with a password over STARTTLS and never logs the password', async () => {
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    const endpoint = await endpointFor({ type: 'password', user: 'ext@partner.test', pass: '${secret:IMAP_PASS}' });
    const client = await openImap(endpoint, secrets, { connectTimeoutMs: 5000, logger });
    expect(client.secureConnection).toBe(true);
    expect(client.authenticated).toBeTruthy();
    await client.logout();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it('logs in with an XOAUTH2 access token', async () => {
    const endpoint = await endpointFor({ type: 'oauth2', user: 'ext@partner.test', accessToken: '${secret:IMAP_TOKEN}' });
    const client = await openImap(endpoint, secrets, { connectTimeoutMs: 5000 });
    expect(client.authenticated).toBeTruthy();
    await client.logout();
  });

  it('maps a refused login to EAUTH naming the host', async () => {
    const endpoint = await endpointFor({ type: 'password', user: 'ext@partner.test', pass: '${secret:WRONG}' });
    const err = await openImap(endpoint, secrets, { connectTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EAUTH' });
    expect(String((err as Error).message)).toContain('localhost');
    expect(String((err as Error).message)).not.toContain('not-the-password');
  });

  it('maps an untrusted certificate to ETLS', async () => {
    const other = await selfSignedCert();
    const endpoint = await endpointFor({ type: 'password', user: 'ext@partner.test', pass: '${secret:IMAP_PASS}' }, other.cert);
    await expect(openImap(endpoint, secrets, { connectTimeoutMs: 5000 })).rejects.toMatchObject({ code: 'ETLS' });
  });

  it('maps a closed port to ECONNECTION', async () => {
    const endpoint = await endpointFor(undefined);
    await imap?.close();
    await expect(openImap(endpoint, secrets, { connectTimeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNECTION' });
  });
});
