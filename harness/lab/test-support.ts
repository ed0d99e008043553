/**
 * Client-side helpers for the lab's own tests: submit like a mail client
 * (nodemailer, STARTTLS, AUTH) and watch a mailbox like one (imapflow, IDLE).
 * They use only what the lab's config publishes, as the harness does.
 */
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { Endpoint } from '../config/schema.ts';
import type { Lab } from './lab.ts';

function secret(lab: Lab, e: Endpoint): { user: string; pass: string } {
  if (e.auth?.type !== 'password') throw new Error('lab endpoints use password auth');
  const name = /^\$\{env:(.+)\}$/.exec(e.auth.pass)?.[1] ?? '';
  return { user: e.auth.user, pass: lab.env[name] ?? '' };
}

export interface SubmitResult {
  ok: boolean;
  response: string;
  responseCode?: number;
}

export interface SubmitMessage {
  subject: string;
  messageId: string;
  to?: string;
  text?: string;
  /** Which sender submits (default 0); 'recipient' submits as the external user through the provider. */
  as?: number | 'recipient';
}

/** Submits one message through the lab's submission endpoint of the chosen account. */
export async function submit(lab: Lab, msg: SubmitMessage): Promise<SubmitResult> {
  const account = msg.as === 'recipient'
    ? { address: lab.config.recipient.address, smtp: lab.config.recipient.smtp }
    : lab.config.senders[msg.as ?? 0];
  if (!account?.smtp) throw new Error('no such account');
  const smtp = account.smtp;
  const transport = nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: false, requireTLS: true,
    auth: secret(lab, smtp),
    tls: { ca: lab.caPem, ...(smtp.tls.servername ? { servername: smtp.tls.servername } : {}) },
    connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000,
  });
  try {
    const info = await transport.sendMail({
      from: account.address, to: msg.to ?? lab.config.recipient.address, subject: msg.subject,
      messageId: msg.messageId, text: msg.text ?? `lab test ${msg.subject}\n`,
    });
    return { ok: true, response: info.response };
  } catch (e) {
    const err = e as { response?: string; responseCode?: number; message: string };
    return { ok: false, response: err.response ?? err.message, ...(err.responseCode !== undefined ? { responseCode: err.responseCode } : {}) };
  } finally {
    transport.close();
  }
}

/** Opens INBOX of a lab mailbox over IMAP with STARTTLS, verified against the lab CA. */
export async function openInbox(lab: Lab, e: Endpoint): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: e.host, port: e.port, secure: false, auth: secret(lab, e), logger: false,
    tls: { ca: lab.caPem, ...(e.tls.servername ? { servername: e.tls.servername } : {}) },
    connectionTimeout: 5000, greetingTimeout: 5000,
    // imapflow enters IDLE only after 15 s of quiet by default; a test wants it at once.
    autoIdleDelay: 20,
  });
  client.on('error', () => undefined);
  await client.connect();
  await client.mailboxOpen('INBOX');
  return client;
}

async function findRaw(client: ImapFlow, match: (raw: string) => boolean): Promise<string | undefined> {
  const status = client.mailbox;
  if (!status || status.exists === 0) return undefined;
  for await (const m of client.fetch('1:*', { source: true })) {
    const raw = m.source?.toString('latin1') ?? '';
    if (match(raw)) return raw;
  }
  return undefined;
}

/**
 * Waits (IDLE, woken by EXISTS) until a message matching `match` is in the
 * open mailbox; rejects after `timeoutMs`. The listener is attached before the
 * first look, so a message arriving meanwhile is not missed.
 */
export async function waitForMessage(client: ImapFlow, match: (raw: string) => boolean, timeoutMs = 8000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let busy = false;
    let again = false;
    let done = false;
    const timer = setTimeout(() => finish(new Error(`no matching message within ${timeoutMs} ms`)), timeoutMs);
    function finish(err?: Error, raw?: string) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.off('exists', look);
      if (raw !== undefined) resolve(raw);
      else reject(err ?? new Error('no message'));
    }
    function look() {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      findRaw(client, match).then((raw) => {
        busy = false;
        if (raw) finish(undefined, raw);
        else if (again && !done) {
          again = false;
          look();
        }
      }, (e: unknown) => finish(e as Error));
    }
    client.on('exists', look);
    look();
  });
}

/** The header block of a raw message, folded lines joined, for assertions. */
export function unfoldedHeader(raw: string): string {
  return (raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
}
