import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, test } from 'vitest';
import { attemptRelay } from './relay-attempt.ts';

let server: SMTPServer | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function start(opts: { refuseMail?: boolean; acceptRcpt?: boolean }): Promise<number> {
  const s = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onMailFrom(_a, _s, cb) {
      cb(opts.refuseMail ? Object.assign(new Error('5.7.1 sender refused'), { responseCode: 550 }) : undefined);
    },
    onRcptTo(_a, _s, cb) {
      cb(opts.acceptRcpt ? undefined : Object.assign(new Error('5.7.1 Relay denied'), { responseCode: 550 }));
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

  test('a 250 to RCPT is an open relay', async () => {
    expect((await attempt(await start({ acceptRcpt: true }))).outcome).toBe('accepted');
  });
});
