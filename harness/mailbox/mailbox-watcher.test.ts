import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../config/schema.ts';
import { selfSignedCert, type TestCert } from '../transport/test-cert.ts';
import { mapSecrets } from '../transport/test-secrets.ts';
import { createMailboxWatcher, type MailboxWatcher, type MailboxWatcherOptions } from './mailbox-watcher.ts';
import { startTestImap, type TestImap } from './test-imap.ts';

const secrets = mapSecrets({ IMAP_PASS: 'watch-Pa55' });
let cert: TestCert;
let imap: TestImap | undefined;
let watcher: MailboxWatcher | undefined;

beforeAll(async () => {
  cert = await selfSignedCert();
});

afterEach(async () => {
  await watcher?.close();
  await imap?.close();
  watcher = undefined;
  imap = undefined;
});

async function setup(opts: Partial<MailboxWatcherOptions> = {}, idle = true) {
  imap = await startTestImap({ user: 'ext@partner.test', password: 'watch-Pa55', credentials: cert, idle });
  const endpoint: Endpoint = {
    host: 'localhost',
    port: imap.port,
    security: 'starttls',
    auth: { type: 'password', user: 'ext@partner.test', pass: '${secret:IMAP_PASS}' },
    tls: { ca: cert.cert, rejectUnauthorized: true },
  };
  const server = imap;
  const open = () => createMailboxWatcher(endpoint, secrets, { connectTimeoutMs: 5000, ...opts });
  return { server, open };
}

function probe(token: string, opts: { header?: boolean; subject?: string } = {}): string {
  const lines = ['From: probe@acme.test', 'To: ext@partner.test', `Subject: ${opts.subject ?? `Quarterly note ${token}`}`, `Message-ID: <${token}@acme.test>`];
  if (opts.header !== false) lines.push(`X-Mailflow-Probe: ${token}`);
  return `${lines.join('\r\n')}\r\n\r\nHello, reference ${token}\r\n`;
}

function bounce(token: string, action = 'failed'): string {
  return [
    'From: MAILER-DAEMON@mx.acme.test',
    'To: probe@acme.test',
    'Subject: Undelivered Mail Returned to Sender',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'The message could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.acme.test',
    '',
    'Final-Recipient: rfc822; nobody@partner.test',
    `Action: ${action}`,
    `Status: ${action === 'failed' ? '5.1.1' : '4.4.7'}`,
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    `Subject: Quarterly note ${token}`,
    `X-Mailflow-Probe: ${token}`,
    '--b1--',
    '',
  ].join('\r\n');
}

const soon = (ms = 5000) => Date.now() + ms;

describe('createMailboxWatcher', () => {
  it('finds a probe that was already in the mailbox', async () => {
    const { server, open } = await setup();
    server.append(probe('mf-run1-aaa'));
    watcher = await open();
    const r = await watcher.waitFor({ token: 'mf-run1-aaa', kind: 'message' }, soon());
    expect(r?.uid).toBe(1);
    expect(r?.raw).toContain('X-Mailflow-Probe: mf-run1-aaa');
    expect(r?.duplicates).toBe(0);
  });

  it('sees a probe appended while waiting, through IDLE, within milliseconds', async () => {
    const { server, open } = await setup();
    watcher = await open();
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const token = `mf-run1-idle${i}`;
      const idling = server.nextIdle();
      const wait = watcher.waitFor({ token, kind: 'message' }, soon());
      await idling; // the watcher is back in IDLE: what follows is push, not poll
      const t0 = performance.now();
      server.append(probe(token));
      const r = await wait;
      latencies.push(performance.now() - t0);
      expect(r?.raw).toContain(token);
    }
    console.log(`IDLE detection latency ms: ${latencies.map((l) => l.toFixed(1)).join(', ')}`);
    expect(Math.max(...latencies)).toBeLessThan(100);
  });

  it('serves two waiters on one connection, and a token matched by subject only', async () => {
    const { server, open } = await setup();
    watcher = await open();
    const a = watcher.waitFor({ token: 'mf-run1-one', kind: 'message' }, soon());
    const a2 = watcher.waitFor({ token: 'mf-run1-one', kind: 'message' }, soon());
    const b = watcher.waitFor({ token: 'mf-run1-two', kind: 'message' }, soon());
    server.append(probe('mf-run1-two', { header: false }));
    server.append(probe('mf-run1-one'));
    const [ra, ra2, rb] = await Promise.all([a, a2, b]);
    expect(rb?.uid).toBe(1);
    expect(ra?.uid).toBe(2);
    expect(ra2?.uid).toBe(2);
    expect(server.connections()).toBe(1);
  });

  it('rides out a dropped connection and finds what arrived in the gap', async () => {
    const { server, open } = await setup();
    watcher = await open();
    server.append(probe('mf-run1-before'));
    expect((await watcher.waitFor({ token: 'mf-run1-before', kind: 'message' }, soon()))?.uid).toBe(1);
    const wait = watcher.waitFor({ token: 'mf-run1-gap', kind: 'message' }, soon(10_000));
    server.dropAll();
    server.append(probe('mf-run1-gap'));
    const r = await wait;
    expect(r?.uid).toBe(2);
    expect(server.connections()).toBe(2);
    expect(watcher.duplicates({ token: 'mf-run1-before', kind: 'message' })).toBe(0);
  });

  it('rescans everything after a UIDVALIDITY change without inventing duplicates', async () => {
    const { server, open } = await setup();
    watcher = await open();
    server.append(probe('mf-run1-uv'));
    await watcher.waitFor({ token: 'mf-run1-uv', kind: 'message' }, soon());
    server.setUidValidity(777);
    const wait = watcher.waitFor({ token: 'mf-run1-after', kind: 'message' }, soon(10_000));
    server.dropAll();
    server.append(probe('mf-run1-after'));
    expect((await wait)?.uid).toBe(2);
    expect(watcher.duplicates({ token: 'mf-run1-uv', kind: 'message' })).toBe(0);
  });

  it('resolves undefined at the deadline', async () => {
    const { open } = await setup();
    watcher = await open();
    const t0 = Date.now();
    const r = await watcher.waitFor({ token: 'mf-run1-never', kind: 'message' }, Date.now() + 200);
    expect(r).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('counts later copies as duplicates and never returns a second result', async () => {
    const { server, open } = await setup();
    server.append(probe('mf-run1-dup'));
    server.append(probe('mf-run1-dup'));
    watcher = await open();
    const match = { token: 'mf-run1-dup', kind: 'message' } as const;
    const r = await watcher.waitFor(match, soon());
    expect(r).toMatchObject({ uid: 1, duplicates: 1 });
    const next = watcher.waitFor({ token: 'mf-run1-marker', kind: 'message' }, soon());
    server.append(probe('mf-run1-dup'));
    server.append(probe('mf-run1-marker'));
    await next;
    expect(watcher.duplicates(match)).toBe(2);
    expect(await watcher.waitFor(match, soon())).toMatchObject({ uid: 1, duplicates: 2 });
  });

  it('tells a bounce (DSN) from the probe itself', async () => {
    const { server, open } = await setup();
    watcher = await open();
    const dsn = watcher.waitFor({ token: 'mf-run1-bnc', kind: 'dsn' }, soon());
    const msg = watcher.waitFor({ token: 'mf-run1-bnc', kind: 'message' }, Date.now() + 300);
    server.append(bounce('mf-run1-bnc'));
    expect((await dsn)?.raw).toContain('Status: 5.1.1');
    expect(await msg).toBeUndefined();
  });

  it('keeps a delay notice as a notice and goes on waiting for the real bounce', async () => {
    const { server, open } = await setup();
    watcher = await open();
    const dsn = watcher.waitFor({ token: 'mf-run1-dly', kind: 'dsn' }, soon());
    // The delay notice arrives first (lower UID, examined first); the wait ends only on the failure.
    server.append(bounce('mf-run1-dly', 'delayed'));
    server.append(bounce('mf-run1-dly'));
    const found = await dsn;
    expect(watcher.notices('mf-run1-dly').map((n) => n.raw)).toEqual([expect.stringContaining('Action: delayed')]);
    expect(found?.raw).toContain('Action: failed');
    expect(found?.raw).not.toContain('Action: delayed');
  });

  it('hands back the source byte for byte, 8-bit text included', async () => {
    const { server, open } = await setup();
    watcher = await open();
    const text = `${probe('mf-run1-8bit').replace('Hello', 'Grüße, Ünïcødé')}`;
    // The test server writes each character of a string as one byte: hand it the UTF-8 bytes that way.
    server.append(Buffer.from(text, 'utf8').toString('latin1'));
    const found = await watcher.waitFor({ token: 'mf-run1-8bit', kind: 'message' }, soon());
    expect(Buffer.isBuffer(found?.source)).toBe(true);
    expect(found?.source.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(found?.raw).toContain('Grüße');
  });

  it('polls when the server has no IDLE', async () => {
    const { server, open } = await setup({ pollFallbackMs: 50 }, false);
    watcher = await open();
    const wait = watcher.waitFor({ token: 'mf-run1-poll', kind: 'message' }, soon());
    server.append(probe('mf-run1-poll'));
    expect((await wait)?.uid).toBe(1);
  });

  it('rejects a wait when its signal aborts, and pending waits on close', async () => {
    const { open } = await setup();
    watcher = await open();
    const ac = new AbortController();
    const aborted = watcher.waitFor({ token: 'mf-run1-x', kind: 'message' }, soon(), ac.signal);
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    const pending = watcher.waitFor({ token: 'mf-run1-y', kind: 'message' }, soon()).catch((e: unknown) => e);
    await watcher.close();
    watcher = undefined;
    expect(await pending).toMatchObject({ code: 'EINTERNAL' });
  });

  it('gives up after maxReconnects and rejects waits with ECONNECTION', async () => {
    const { server, open } = await setup({ maxReconnects: 2 });
    watcher = await open();
    const wait = watcher.waitFor({ token: 'mf-run1-lost', kind: 'message' }, soon(20_000));
    await server.close();
    await expect(wait).rejects.toMatchObject({ code: 'ECONNECTION' });
  });

  it('deletes probes on cleanup', async () => {
    const { server, open } = await setup();
    server.append(probe('mf-run1-del'));
    watcher = await open();
    const r = await watcher.waitFor({ token: 'mf-run1-del', kind: 'message' }, soon());
    await watcher.cleanup([r?.uid ?? 0]);
    await watcher.close();
    watcher = await open();
    expect(await watcher.waitFor({ token: 'mf-run1-del', kind: 'message' }, Date.now() + 200)).toBeUndefined();
  });
});
