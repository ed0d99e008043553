import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './lab.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(() => lab.stop());

function alice() {
  const sender = lab.config.senders[0];
  const user = lab.users.find((u) => u.role === 'sender');
  if (!sender || !user) throw new Error('lab has no sender');
  return { sender, password: lab.env[user.passwordEnv] ?? '', token: lab.env[user.tokenEnv] ?? '' };
}

async function trySend(options: Record<string, unknown>, from?: string): Promise<{ ok: boolean; response: string }> {
  const { sender } = alice();
  const transport = nodemailer.createTransport({
    host: sender.smtp.host, port: sender.smtp.port, secure: false, tls: { ca: lab.caPem, servername: 'mail.acme.test' },
    connectionTimeout: 3000, greetingTimeout: 3000, socketTimeout: 3000, ...options,
  });
  try {
    const info = await transport.sendMail({ from: from ?? sender.address, to: lab.config.recipient.address, subject: 'submission check', text: 'x' });
    return { ok: true, response: info.response };
  } catch (e) {
    return { ok: false, response: (e as { response?: string; message: string }).response ?? (e as Error).message };
  } finally {
    transport.close();
  }
}

describe('Exchange client submission', () => {
  it('refuses AUTH before STARTTLS', async () => {
    const r = await trySend({ ignoreTLS: true, auth: { user: alice().sender.address, pass: alice().password } });
    expect(r.ok).toBe(false);
    expect(r.response).toMatch(/^538 /);
  });

  it('refuses a wrong password and a sender that is not the authenticated user', async () => {
    expect((await trySend({ requireTLS: true, auth: { user: alice().sender.address, pass: 'wrong' } })).response).toMatch(/^535 5\.7\.3/);
    const spoof = await trySend({ requireTLS: true, auth: { user: alice().sender.address, pass: alice().password } }, 'ceo@acme.test');
    expect(spoof.response).toMatch(/^550 5\.7\.60/);
  });

  it('accepts XOAUTH2 with the lab token on SMTP and IMAP', async () => {
    const { sender, token } = alice();
    const r = await trySend({ requireTLS: true, auth: { type: 'OAuth2', user: sender.address, accessToken: token } });
    expect(r.ok, r.response).toBe(true);
    const imap = new ImapFlow({
      host: sender.imap?.host ?? '', port: sender.imap?.port ?? 0, secure: false, logger: false,
      auth: { user: sender.address, accessToken: token }, tls: { ca: lab.caPem, servername: 'mail.acme.test' },
    });
    await imap.connect();
    expect(imap.authenticated).toBeTruthy();
    await imap.logout();
  });
});
