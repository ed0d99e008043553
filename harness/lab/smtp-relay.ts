/**
 * The client half of the lab MTAs: hand one message to the next hop over
 * SMTP (nodemailer's SMTPConnection, the engine of its SMTP transport) and
 * sort the outcome per recipient into accepted, failed (5xx: bounce) and
 * deferred (4xx or no answer: try again later, RFC 5321 §4.5.4.1).
 */
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { TLSSocket } from 'node:tls';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import type { TlsInfo } from './message-util.ts';

export interface NextHop {
  /** Host name: what the certificate must match and what reports name. */
  host: string;
  address: string;
  port: number;
}

/** required: STARTTLS or give up; opportunistic: STARTTLS when offered (verified); none: never. */
export type TlsPolicy = 'required' | 'opportunistic' | 'none';

export interface RelayOptions {
  localAddress: string;
  heloName: string;
  tls: TlsPolicy;
  ca: string;
  timeoutMs?: number;
}

export interface RecipientReply {
  recipient: string;
  reply: string;
}

export interface RelayResult {
  hop: NextHop;
  accepted: string[];
  failed: RecipientReply[];
  deferred: RecipientReply[];
  /** The next hop's reply to the end of DATA, e.g. "250 2.0.0 Ok: queued as X". */
  response?: string;
  tls: TlsInfo;
}

interface SmtpError extends Error {
  response?: string;
  responseCode?: number;
  rejectedErrors?: (SmtpError & { recipient?: string })[];
}

function classify(recipients: readonly string[], err: SmtpError, result: RelayResult): void {
  if (err.rejectedErrors?.length && err.rejectedErrors.length === recipients.length) {
    for (const r of err.rejectedErrors) {
      const entry = { recipient: r.recipient ?? '', reply: r.response ?? r.message };
      (r.responseCode !== undefined && r.responseCode >= 500 ? result.failed : result.deferred).push(entry);
    }
    return;
  }
  const reply = err.response ?? `451 4.4.1 ${err.message}`;
  const permanent = err.responseCode !== undefined && err.responseCode >= 500;
  for (const recipient of recipients) (permanent ? result.failed : result.deferred).push({ recipient, reply });
}

function tlsOf(conn: SMTPConnection): TlsInfo {
  const socket = conn._socket as TLSSocket | false | null;
  if (!conn.secure || !socket || typeof socket.getProtocol !== 'function') return null;
  return { version: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher().standardName };
}

/** One delivery attempt of one message to one hop. Never throws: every outcome is a value. */
export async function relayOnce(hop: NextHop, envelope: { from: string; to: readonly string[] }, raw: Buffer, opts: RelayOptions): Promise<RelayResult> {
  const result: RelayResult = { hop, accepted: [], failed: [], deferred: [], tls: null };
  const timeout = opts.timeoutMs ?? 5000;
  const conn = new SMTPConnection({
    host: hop.address, port: hop.port, localAddress: opts.localAddress, name: opts.heloName, servername: hop.host,
    requireTLS: opts.tls === 'required', ignoreTLS: opts.tls === 'none',
    tls: { ca: opts.ca, rejectUnauthorized: true },
    connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout * 2, logger: false,
  });
  // A late error (during QUIT, after a settled step) must not go unheard and end the process.
  conn.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      conn.once('error', reject);
      conn.connect(() => resolve());
    });
    result.tls = tlsOf(conn);
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) => {
      conn.once('error', reject);
      conn.send({ from: envelope.from, to: [...envelope.to] }, raw, (err, sent) => (err || !sent ? reject(err ?? new Error('no reply')) : resolve(sent)));
    });
    result.accepted = info.accepted.map(String);
    result.response = info.response;
    for (const r of (info.rejectedErrors ?? []) as (SmtpError & { recipient?: string })[]) {
      classify([r.recipient ?? ''], r, result);
    }
  } catch (e) {
    classify(envelope.to, e as SmtpError, result);
  } finally {
    conn.quit();
    conn.close();
  }
  return result;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Delivers with retries for the deferred recipients, each attempt to a freshly
 * resolved hop. What is still deferred after the last attempt is returned as
 * failed with its last 4xx reply, as a queue does when a message expires.
 */
export async function relayWithRetry(
  resolveHop: () => Promise<NextHop>,
  envelope: { from: string; to: readonly string[] },
  raw: Buffer,
  opts: RelayOptions,
  policy: RetryPolicy,
): Promise<RelayResult[]> {
  const results: RelayResult[] = [];
  let pending = [...envelope.to];
  for (let attempt = 1; attempt <= policy.attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await delay(policy.backoffMs * 2 ** (attempt - 2), undefined, { signal: policy.signal });
    let hop: NextHop;
    try {
      hop = await resolveHop();
    } catch (e) {
      const reply = `451 4.4.3 next hop lookup failed: ${(e as Error).message}`;
      results.push({ hop: { host: 'unresolved', address: '', port: 0 }, accepted: [], failed: [], deferred: pending.map((recipient) => ({ recipient, reply })), tls: null });
      continue;
    }
    const r = await relayOnce(hop, { from: envelope.from, to: pending }, raw, opts);
    policy.logger.debug('relay attempt', { attempt, host: hop.host, accepted: r.accepted.length, failed: r.failed.length, deferred: r.deferred.length });
    results.push(r);
    pending = r.deferred.map((d) => d.recipient);
  }
  const last = results[results.length - 1];
  if (last && last.deferred.length > 0) {
    last.failed.push(...last.deferred);
    last.deferred = [];
  }
  return results;
}
