import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, test } from 'vitest';
import { attemptRelay } from './relay-attempt.ts';

let server: SMTPServer | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function start(opts: { refuseMail?: boolean; acceptRcpt?: boolean; rcptRefusal?: { code: number; text: string } }): Promise<number> {
  const s = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onMailFrom(_a, _s, cb) {
      cb(opts.refuseMail ? Object.assign(new Error('5.7.1 sender refused'), { responseCode: 550 }) : undefined);
    },
    onRcptTo(_a, _s, cb) {
      const r = opts.rcptRefusal ?? { code: 550, text: '5.7.1 Relay denied' };
      cb(opts.acceptRcpt ? undefined : Object.assign(new Error(r.text), { responseCode: r.code }));
    },
  });
  server = s;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.server.address() as { port: number }).port;
}

const attempt = (port: number) => attemptRelay({ host: '127.0.0.1', port, sourceAddress: '127.0.0.1', from: 'relay-check@acme.example', to: 'relay-check@example.net', heloName: 'relay-check.example.com', tls: { rejectUnauthorized: true }, timeoutMs: 5000 });

describe('relay attempt', () => {
  test('only a 5xx to RCPT proves the relay is refused', async () => {
    const r = await attempt(await start({}));
    expect(r).toMatchObject({ outcome: 'refused', rcptReply: expect.stringMatching(/^550/) as unknown });
    expect(r.transcript).toContain('C: MAIL FROM:<relay-check@acme.example>');
  });

  test('a 5xx at MAIL FROM is inconclusive: the recipient was never tried', async () => {
    const r = await attempt(await start({ refuseMail: true }));
    expect(r.outcome).toBe('inconclusive');
    expect(r.error).toMatch(/MAIL FROM.*before the recipient could be tried/);
  });

  test.each([
    [550, '5.1.1 No such user'],
    [556, '5.1.10 Recipient address has null MX'],
  ])('a %i %s to RCPT is inconclusive: it refuses the recipient, not the relay', async (code, text) => {
    const r = await attempt(await start({ rcptRefusal: { code, text } }));
    expect(r).toMatchObject({ outcome: 'inconclusive', rcptReply: expect.stringMatching(new RegExp(`^${code}`)) as unknown });
  });

  test('a 554 with no enhanced code is still a refusal', async () => {
    expect((await attempt(await start({ rcptRefusal: { code: 554, text: 'Relay access denied' } }))).outcome).toBe('refused');
  });

  test('a 250 to RCPT is an open relay', async () => {
    expect((await attempt(await start({ acceptRcpt: true }))).outcome).toBe('accepted');
  });
});
