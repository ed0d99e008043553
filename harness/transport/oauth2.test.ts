import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../config/schema.ts';
import { openImap } from '../mailbox/imap-session.ts';
import { startTestImap, type TestImap } from '../mailbox/test-imap.ts';
import { buildProbe } from './probe-message.ts';
import { sendProbe } from './send-probe.ts';
import { selfSignedCert, type TestCert } from './test-cert.ts';
import { mapSecrets } from './test-secrets.ts';

const FRESH_TOKEN = 'ya29.fresh-from-refresh';
let cert: TestCert;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  cert = await selfSignedCert();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A token endpoint (RFC 6749 §6) that trades the expected refresh token for FRESH_TOKEN. */
async function tokenEndpoint(): Promise<{ url: string; calls: () => number }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls++;
      const form = new URLSearchParams(body);
      const ok = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1' && form.get('client_secret') === 'client-secret-1';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { access_token: FRESH_TOKEN, expires_in: 3600, token_type: 'Bearer' } : { error: 'invalid_grant' }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, calls: () => calls };
}

const secrets = mapSecrets({ CLIENT_SECRET: 'client-secret-1', REFRESH: 'refresh-1' });
const oauth = (tokenUrl: string) =>
  ({ type: 'oauth2', user: 'probe@acme.test', clientId: 'client-1', clientSecret: '${secret:CLIENT_SECRET}', refreshToken: '${secret:REFRESH}', tokenUrl }) as const;

describe('XOAUTH2 with the refresh-token flow', () => {
  it('submits over SMTP with a token fetched from the token endpoint', async () => {
    const token = await tokenEndpoint();
    const seen: string[] = [];
    const smtp = new SMTPServer({
      key: cert.key,
      cert: cert.cert,
      authMethods: ['XOAUTH2'],
      logger: false,
      onAuth(auth, _s, cb) {
        seen.push(auth.accessToken ?? '');
        if (auth.accessToken === FRESH_TOKEN) cb(null, { user: auth.username });
        else cb(null, { data: { status: '401', schemes: 'bearer' } });
      },
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => cb(null));
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    closers.push(() => new Promise((r) => smtp.close(() => r())));
    const endpoint: Endpoint = { host: 'localhost', port: (smtp.server.address() as AddressInfo).port, security: 'starttls', auth: oauth(token.url), tls: { ca: cert.cert, rejectUnauthorized: true } };
    const p = buildProbe({ from: 'probe@acme.test', to: 'ext@partner.test', domain: 'acme.test', format: 'text', subjectPrefix: '', runId: 'r' });
    const result = await sendProbe(endpoint, secrets, p.mail, { retries: 0, connectTimeoutMs: 5000 });
    expect(result.accepted).toBe(true);
    expect(seen).toEqual([FRESH_TOKEN]);
    const transcript = result.attempts[0]?.transcript.map((l) => l.line).join('\n') ?? '';
    expect(transcript).toContain('AUTH XOAUTH2 [redacted]');
    expect(transcript).not.toMatch(/AUTH XOAUTH2 [A-Za-z0-9+/=]{8,}/);
  });

  it('logs in over IMAP with a token fetched from the token endpoint', async () => {
    const token = await tokenEndpoint();
    const imap: TestImap = await startTestImap({ user: 'probe@acme.test', password: 'unused', accessToken: FRESH_TOKEN, credentials: cert });
    closers.push(() => imap.close());
    const endpoint: Endpoint = { host: 'localhost', port: imap.port, security: 'starttls', auth: oauth(token.url), tls: { ca: cert.cert, rejectUnauthorized: true } };
    const client = await openImap(endpoint, secrets, { connectTimeoutMs: 5000 });
    expect(client.authenticated).toBeTruthy();
    expect(token.calls()).toBe(1);
    await client.logout();
  });

  it('reports a refused refresh token as EAUTH', async () => {
    const token = await tokenEndpoint();
    const endpoint: Endpoint = { host: 'localhost', port: 1, security: 'starttls', auth: oauth(token.url), tls: { rejectUnauthorized: true } };
    await expect(openImap(endpoint, mapSecrets({ CLIENT_SECRET: 'x', REFRESH: 'y' }), { connectTimeoutMs: 2000 })).rejects.toMatchObject({ code: 'EAUTH' });
  });
});
