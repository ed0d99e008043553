/**
 * What the mailbox watcher remembers about each message it examined, and how a
 * probe token is matched against it. Pure: no sockets. Everything here reads
 * hostile input (any sender can put anything in a mailbox), so it only compares
 * strings and never throws on odd headers.
 */
import { PROBE_HEADER } from '../transport/probe-message.ts';

/** Header fields fetched for every new message (BODY.PEEK[HEADER.FIELDS (...)]). */
export const INDEX_HEADER_FIELDS = [PROBE_HEADER.toLowerCase(), 'content-type', 'from', 'subject'];

export interface WatchMatch {
  token: string;
  kind: 'message' | 'dsn';
}

export interface ExaminedMessage {
  uid: number;
  /** Epoch ms when the watcher first examined it. */
  seenAt: number;
  /** X-Mailflow-Probe values, lowercased. */
  probeTokens: string[];
  /** Decoded subject, lowercased. */
  subject: string;
  /** Looks like a bounce: multipart/report or from MAILER-DAEMON/postmaster. */
  dsn: boolean;
  /** RFC822.SIZE, when the server told it. */
  size?: number;
  /** Full source, once fetched (always for DSN candidates: the token is inside), decoded as UTF-8. */
  raw?: string;
  /** The same source byte for byte. */
  source?: Buffer;
  /**
   * For a DSN candidate, once fetched: does it report a failure? A delay or
   * success notice (RFC 3464 action delayed/relayed/delivered) is false.
   */
  bounce?: boolean;
}

export interface HeaderInput {
  uid: number;
  seenAt: number;
  /** Raw header block from HEADER.FIELDS. */
  headers?: Buffer | undefined;
  /** ENVELOPE subject (already RFC 2047-decoded by imapflow). */
  envelopeSubject?: string | undefined;
  envelopeFrom?: string | undefined;
  size?: number | undefined;
}

/** Builds the index entry of one message from its fetched headers. */
export function examineHeaders(input: HeaderInput): ExaminedMessage {
  const fields = parseHeaderBlock(input.headers?.toString('utf8') ?? '');
  const contentType = fields.get('content-type')?.[0] ?? '';
  const from = (input.envelopeFrom ?? fields.get('from')?.[0] ?? '').toLowerCase();
  const subject = (input.envelopeSubject ?? fields.get('subject')?.[0] ?? '').toLowerCase();
  const entry: ExaminedMessage = {
    uid: input.uid,
    seenAt: input.seenAt,
    probeTokens: (fields.get(PROBE_HEADER.toLowerCase()) ?? []).map((v) => v.trim().toLowerCase()),
    subject,
    dsn: isDsnCandidate(contentType, from),
  };
  if (input.size !== undefined) entry.size = input.size;
  return entry;
}

/**
 * RFC 3464 DSNs are multipart/report (RFC 6522) with report-type delivery-status;
 * older MTAs send plain bounces, but always from the null-sender identities
 * MAILER-DAEMON or postmaster (RFC 5321 §4.5.5).
 */
export function isDsnCandidate(contentType: string, from: string): boolean {
  if (/^\s*multipart\/report\b/i.test(contentType)) return true;
  return /(^|[<\s"])(mailer-daemon|postmaster)@/i.test(from) || /^(mailer-daemon|postmaster)$/i.test(from.trim());
}

/** Does this message answer the match? A bounce never counts as the probe itself. */
export function matches(m: ExaminedMessage, match: WatchMatch): boolean {
  const token = match.token.toLowerCase();
  if (match.kind === 'message') return !m.dsn && (m.probeTokens.includes(token) || m.subject.includes(token));
  return m.dsn && m.bounce !== false && m.raw !== undefined && m.raw.toLowerCase().includes(token);
}

/** A delay or success notice (not a bounce) about the probe with this token. */
export function isNoticeFor(m: ExaminedMessage, token: string): boolean {
  return m.dsn && m.bounce === false && m.raw !== undefined && m.raw.toLowerCase().includes(token.toLowerCase());
}

/** Header name (lowercase) -> unfolded values, in order (RFC 5322 §2.2.3 unfolding). */
export function parseHeaderBlock(block: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** Key of a match in the watcher's result table. */
export function matchKey(match: WatchMatch): string {
  return `${match.kind}:${match.token.toLowerCase()}`;
}
