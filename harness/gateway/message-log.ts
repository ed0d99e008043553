/**
 * The gateway's message log through Message Finder: search by Message-ID,
 * then get-message-info for each tracked message. The log lags behind the
 * mail, so a search is repeated (bounded) until the message is there and
 * settled. The `encryptionInfo` format is undocumented (reference §3.4): it is
 * kept raw and read loosely (names TLS/SSL or says it is not encrypted).
 */
import { errorMessage, isMailflowError } from '../errors.ts';
import type { ApiExchange, MimecastClient } from './mimecast-client.ts';

export type TlsSeen = 'yes' | 'no' | 'unknown';

export interface LogLeg {
  remoteIp?: string;
  remoteHost?: string;
  encryptionInfo?: string;
  tls: TlsSeen;
  tlsVersion?: string;
  receiptAcknowledgement?: string;
}

export interface LogDelivery extends LogLeg {
  recipient: string;
  event?: string;
}

export interface MessageLogEntry {
  id: string;
  status: string;
  route?: string;
  from?: string | undefined;
  to: string[];
  receipt: LogLeg;
  deliveries: LogDelivery[];
  managedSender?: { allow: boolean; info: string };
}

export interface MessageLookup {
  messageId: string;
  role: 'probe' | 'reply' | 'second-reply';
  domain: string;
  format: string;
  entries: MessageLogEntry[];
  error?: { code: string; message: string };
  evidence: ApiExchange[];
}

const NO_TLS = [
  /^(none|no|false|off|plain(text)?|clear(text)?)$/i,
  /\bnot\s+encrypted\b|\bunencrypted\b|\bno\s+(tls|ssl|encryption)\b|\bwithout\s+(tls|ssl)\b/i,
  // "TLS: No", "UseTls=No", "Encryption: none" (the vendor's SIEM fields say UseTls Yes/No)
  /\b(use)?(tls|ssl|encrypt\w*)\s*[:=]\s*(no|none|false|off)\b/i,
];
const YES_TLS = [
  /\b(use)?(tls|ssl|encrypt\w*)\s*[:=]\s*(yes|true|on)\b/i,
  /\bTLS\s*v?\s*1(?:[._]?[0-3])?\b|\bSSLv3\b/i,
  /\bTLS_[A-Z0-9_]+\b|\bECDHE-[A-Z0-9-]+\b/,
];

/**
 * Reads an encryptionInfo text: "TLSv1.3 (TLS_AES_256_GCM_SHA384)", "TLS 1.2",
 * "Not encrypted", "TLS: No"... The format is undocumented (reference §3.4),
 * so only an explicit statement counts: a negative first ("TLS: No" names TLS
 * and still means no), then a version, cipher or "yes"; anything else,
 * including an empty value, is unknown (it can neither prove nor refute).
 */
export function readEncryption(text: unknown): { tls: TlsSeen; tlsVersion?: string } {
  if (text === null || text === undefined) return { tls: 'unknown' };
  const s = String(text).trim();
  if (s === '') return { tls: 'unknown' };
  if (NO_TLS.some((r) => r.test(s))) return { tls: 'no' };
  if (!YES_TLS.some((r) => r.test(s))) return { tls: 'unknown' };
  const v = /TLS\s*v?\s*(1[._]?[0-3])/i.exec(s)?.[1]?.replace('_', '.');
  return { tls: 'yes', ...(v ? { tlsVersion: `TLSv${v.includes('.') ? v : `${v[0]}.${v.slice(1)}`}` } : {}) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function leg(meta: Record<string, unknown> | undefined): LogLeg {
  const m = meta ?? {};
  const enc = readEncryption(m.encryptionInfo);
  const out: LogLeg = { tls: enc.tls };
  if (enc.tlsVersion) out.tlsVersion = enc.tlsVersion;
  for (const k of ['remoteIp', 'remoteHost', 'encryptionInfo', 'receiptAcknowledgement'] as const) {
    const v = str(m[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** One get-message-info `data[0]` as an entry. */
export function toLogEntry(info: unknown): MessageLogEntry {
  const o = (info ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- vendor JSON, read defensively
  const delivered = (o.deliveredMessage ?? {}) as Record<string, { deliveryMetaInfo?: Record<string, unknown> }>;
  const deliveries: LogDelivery[] = Object.entries(delivered).map(([recipient, d]) => {
    const event = str(d.deliveryMetaInfo?.deliveryEvent);
    return { recipient, ...leg(d.deliveryMetaInfo), ...(event ? { event } : {}) };
  });
  const ms = o.spamInfo?.managedSender as { allow?: unknown; info?: unknown } | undefined;
  const mi = (o.recipientInfo?.messageInfo ?? {}) as Record<string, unknown>;
  return {
    id: String(o.id ?? ''), status: String(o.status ?? ''),
    ...(str(mi.fromEnvelope) ? { from: str(mi.fromEnvelope) } : {}),
    to: Array.isArray(mi.to) ? mi.to.map((t) => (typeof t === 'string' ? t : String((t as { emailAddress?: string }).emailAddress ?? ''))) : [],
    receipt: leg(o.recipientInfo?.recipientMetaInfo as Record<string, unknown> | undefined),
    deliveries,
    ...(ms ? { managedSender: { allow: ms.allow === true, info: String(ms.info ?? '') } } : {}),
  };
}

const SETTLED = /deliver|bounce|reject|held|fail/i;

async function searchOnce(client: MimecastClient, messageId: string): Promise<{ id: string; status: string; route?: string }[]> {
  const end = new Date();
  const start = new Date(end.getTime() - 24 * 3600_000);
  const fmt = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+0000');
  const body = (await client.call('POST', '/api/message-finder/search', {
    body: { data: [{ start: fmt(start), end: fmt(new Date(end.getTime() + 3600_000)), searchReason: 'mailflow acceptance test', messageId }] },
  })) as { data?: { trackedEmails?: { id?: string; status?: string; route?: string }[] }[] };
  return (body.data?.[0]?.trackedEmails ?? []).map((t) => ({ id: String(t.id ?? ''), status: String(t.status ?? ''), ...(t.route ? { route: t.route } : {}) }));
}

async function lookupOne(client: MimecastClient, req: Omit<MessageLookup, 'entries' | 'evidence'>, deadline: number, sleep: (ms: number) => Promise<void>): Promise<MessageLookup> {
  const start = client.exchanges.length;
  try {
    let tracked = await searchOnce(client, req.messageId);
    // Message Finder is pull-only (no event to wait on): poll until found and settled, or
    // the deadline (logWaitSeconds; the log lags behind the mail). The interval grows from
    // 250 ms to 5 s, which bounds the count as well and spares the rate limit.
    for (let wait = 250; Date.now() < deadline && (tracked.length === 0 || tracked.some((t) => !SETTLED.test(t.status))); wait = Math.min(wait * 2, 5000)) {
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      tracked = await searchOnce(client, req.messageId);
    }
    const entries: MessageLogEntry[] = [];
    for (const t of tracked) {
      const body = (await client.call('POST', '/api/message-finder/get-message-info', { body: { data: [{ id: t.id }] } })) as { data?: unknown[] };
      entries.push({ ...toLogEntry(body.data?.[0]), ...(t.route ? { route: t.route } : {}) });
    }
    return { ...req, entries, evidence: client.exchanges.slice(start) };
  } catch (e) {
    return { ...req, entries: [], error: { code: isMailflowError(e) ? e.code : 'EINTERNAL', message: errorMessage(e) }, evidence: client.exchanges.slice(start) };
  }
}

/** Looks up every message, one after another, each waiting at most `waitMs` for the log to catch up. */
export async function readMessageLog(client: MimecastClient, lookups: readonly Omit<MessageLookup, 'entries' | 'evidence'>[], waitMs: number, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<MessageLookup[]> {
  const out: MessageLookup[] = [];
  const deadline = Date.now() + waitMs;
  for (const l of lookups) out.push(await lookupOne(client, l, deadline, sleep));
  return out;
}
