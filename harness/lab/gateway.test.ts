import { once } from 'node:events';
import { connect } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inCidrs } from './gateway.ts';
import { startLab, type Lab } from './lab.ts';
import { LAB_HOST } from './topology.ts';

describe('inCidrs', () => {
  it('matches IPv4 addresses against CIDRs, a bare address as /32', () => {
    expect(inCidrs('127.0.0.11', ['127.0.0.11/32'])).toBe(true);
    expect(inCidrs('127.0.0.12', ['127.0.0.11/32'])).toBe(false);
    expect(inCidrs('::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(inCidrs('127.0.0.11', ['127.0.0.11'])).toBe(true);
    expect(inCidrs('127.0.0.11', ['bogus/99'])).toBe(false);
  });
});

describe('gateway relay rules', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(() => lab.stop());

  async function send(from: string, to: string): Promise<{ ok: boolean; response: string }> {
    const gw = lab.endpoints.gateway;
    const conn = new SMTPConnection({ host: gw?.address ?? '', port: gw?.port ?? 0, localAddress: '127.0.0.1', servername: LAB_HOST.gatewayInbound, tls: { ca: lab.caPem }, logger: false });
    try {
      await new Promise<void>((resolve, reject) => {
        conn.once('error', reject);
        conn.connect(() => resolve());
      });
      const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
        conn.send({ from, to: [to] }, `From: ${from}\r\nTo: ${to}\r\nSubject: relay check\r\n\r\nx\r\n`, (err, i) => (err || !i ? reject(err ?? new Error('no info')) : resolve(i))));
      return { ok: true, response: info.response };
    } catch (e) {
      return { ok: false, response: (e as { response?: string }).response ?? (e as Error).message };
    } finally {
      conn.close();
    }
  }

  it('refuses relay to an external domain from an unauthorized address, and logs it', async () => {
    const r = await send('alice@acme.test', 'bob@partner.test');
    expect(r.ok).toBe(false);
    expect(r.response).toMatch(/^550 5\.7\.1 Relay denied/);
    expect(lab.gatewayState.rejections.at(-1)).toMatchObject({ remoteAddress: '127.0.0.1', to: 'bob@partner.test' });
  });

  it('survives a client that breaks off a TLS handshake', async () => {
    const gw = lab.endpoints.gateway;
    const socket = connect({ host: gw?.address ?? '', port: gw?.port ?? 0 });
    await once(socket, 'connect');
    socket.write('EHLO rude.example\r\nSTARTTLS\r\n');
    await once(socket, 'data');
    socket.write('\x16\x03\x01garbage-that-is-not-a-client-hello');
    socket.destroy();
    await once(socket, 'close');
    expect((await send('someone@partner.test', 'alice@acme.test')).ok).toBe(true);
  });

  it('accepts inbound mail for an internal domain from anyone and routes it to Exchange', async () => {
    const delivered = new Promise((resolve) => lab.events.once('delivered', resolve));
    const r = await send('someone@partner.test', 'alice@acme.test');
    expect(r.ok, r.response).toBe(true);
    await expect(delivered).resolves.toMatchObject({ mailbox: 'alice@acme.test' });
    // The mailbox has it before the gateway has read Exchange's 250: let the queue settle.
    await lab.idle();
    const logged = lab.gatewayState.messages.at(-1);
    expect(logged).toMatchObject({ direction: 'inbound', status: 'delivered' });
    expect(logged?.deliveries[0]?.remoteHost).toBe('mail.acme.test');
    expect(logged?.dkimDomain).toBeUndefined();
  });
});
