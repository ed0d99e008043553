import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../config/schema.ts';
import { buildProbe } from './probe-message.ts';
import { sendProbe } from './send-probe.ts';
import { selfSignedCert, type TestCert } from './test-cert.ts';
import { mapSecrets } from './test-secrets.ts';

const PASSWORD = 'S3cret-pass!word';

let cert: TestCert;
const servers: SMTPServer[] = [];

beforeAll(async () => {
  cert = await selfSignedCert();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

interface Received {
  raw: string[];
  dataCalls: number;
}

async function startSmtp(reply: (n: number) => number | undefined, extra: Partial<SMTPServerOptions> = {}) {
  const received: Received = { raw: [], dataCalls: 0 };
  const server = new SMTPServer({
    key: cert.key,
    cert: cert.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'probe@acme.test' && auth.password === PASSWORD) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.dataCalls++;
        received.raw.push(Buffer.concat(chunks).toString());
        const code = reply(received.dataCalls);
        if (code === undefined) cb(null);
        else cb(Object.assign(new Error(code >= 500 ? 'Message rejected by policy' : 'Try again later'), { responseCode: code }));
      });
    },
    ...extra,
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  const endpoint: Endpoint = {
    host: 'localhost',
    port,
    security: 'starttls',
    auth: { type: 'password', user: 'probe@acme.test', pass: '${secret:SMTP_PASS}' },
    tls: { ca: cert.cert, rejectUnauthorized: true },
  };
  return { endpoint, received };
}

const secrets = mapSecrets({ SMTP_PASS: PASSWORD });
const probe = () =>
  buildProbe({ from: 'probe@acme.test', to: 'ext@partner.test', domain: 'acme.test', format: 'html', subjectPrefix: '[mailflow probe]', runId: 'run-1' });

describe('sendProbe', () => {
  it('submits over STARTTLS with AUTH and keeps a redacted transcript', async () => {
    const { endpoint, received } = await startSmtp(() => undefined);
    const p = probe();
    const result = await sendProbe(endpoint, secrets, p.mail, { retries: 2, connectTimeoutMs: 5000 });
    expect(result.accepted).toBe(true);
    expect(result.attempts).toHaveLength(1);
    const [attempt] = result.attempts;
    expect(attempt?.responseCode).toBe(250);
    const lines = attempt?.transcript.map((l) => `${l.dir} ${l.line}`) ?? [];
    expect(lines.some((l) => l.startsWith('C STARTTLS'))).toBe(true);
    expect(lines.some((l) => /^C AUTH (PLAIN|LOGIN)/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('S 235'))).toBe(true);
    expect(lines.some((l) => l.startsWith('C MAIL FROM:<probe@acme.test>'))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(Buffer.from(`\0probe@acme.test\0${PASSWORD}`).toString('base64'));
    expect(all).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    expect(received.raw[0]).toContain(`X-Mailflow-Probe: ${p.token}`);
  });

  it('retries a 451 and keeps the same Message-ID', async () => {
    const { endpoint, received } = await startSmtp((n) => (n === 1 ? 451 : undefined));
    const p = probe();
    const result = await sendProbe(endpoint, secrets, p.mail, { retries: 3, connectTimeoutMs: 5000, retryDelayMs: 10 });
    expect(result.accepted).toBe(true);
    expect(result.attempts.map((a) => a.responseCode)).toEqual([451, 250]);
    expect(result.attempts[0]?.ok).toBe(false);
    const ids = received.raw.map((r) => /^Message-ID: (.*)$/im.exec(r)?.[1]?.trim());
    expect(ids).toEqual([p.messageId, p.messageId]);
  });

  it('does not retry a 550', async () => {
    const { endpoint, received } = await startSmtp(() => 550);
    const result = await sendProbe(endpoint, secrets, probe().mail, { retries: 3, connectTimeoutMs: 5000, retryDelayMs: 10 });
    expect(result.accepted).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]?.responseCode).toBe(550);
    expect(result.attempts[0]?.response).toMatch(/^550/);
    expect(received.dataCalls).toBe(1);
  });

  it('gives up after the retries on a connection refused, without throwing', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as AddressInfo).port;
    await new Promise<void>((r) => blocker.close(() => r()));
    const endpoint: Endpoint = { host: '127.0.0.1', port, security: 'none', tls: { rejectUnauthorized: true } };
    const result = await sendProbe(endpoint, secrets, probe().mail, { retries: 1, connectTimeoutMs: 2000, retryDelayMs: 10 });
    expect(result.accepted).toBe(false);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]?.error?.code).toBe('ESOCKET');
  });

  it('does not retry an untrusted certificate and names it ETLS', async () => {
    const { endpoint } = await startSmtp(() => undefined);
    const other = await selfSignedCert();
    const result = await sendProbe({ ...endpoint, tls: { ca: other.cert, rejectUnauthorized: true } }, secrets, probe().mail, {
      retries: 3,
      connectTimeoutMs: 5000,
      retryDelayMs: 10,
    });
    expect(result.accepted).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]?.error?.code).toBe('ETLS');
  });

  it('reports refused credentials as a 535 result', async () => {
    const { endpoint } = await startSmtp(() => undefined);
    const result = await sendProbe(endpoint, mapSecrets({ SMTP_PASS: 'wrong-password' }), probe().mail, { retries: 2, connectTimeoutMs: 5000, retryDelayMs: 10 });
    expect(result.accepted).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]?.error?.code).toBe('EAUTH');
    expect(result.attempts[0]?.responseCode).toBe(535);
    expect(JSON.stringify(result)).not.toContain('wrong-password');
  });

  it('throws for a secret that cannot be resolved', async () => {
    const { endpoint } = await startSmtp(() => undefined);
    await expect(sendProbe(endpoint, mapSecrets({}), probe().mail, { retries: 0, connectTimeoutMs: 5000 })).rejects.toMatchObject({ code: 'ESECRET' });
  });
});
