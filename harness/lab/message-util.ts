/**
 * Small helpers the lab MTAs share for handling raw RFC 5322 messages: split
 * header from body, read and strip fields, prepend trace fields. MTAs work on
 * octets and must not re-encode what they relay (RFC 5321 §4.4: a relay adds
 * trace fields at the top and leaves the rest alone, or DKIM breaks).
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Negotiated TLS of one SMTP leg, as Node reports it; null for a plaintext leg. */
export type TlsInfo = { version: string; cipher: string } | null;

/** Collects a stream into one buffer, with an upper bound so a runaway peer cannot exhaust memory. */
export async function readAll(stream: Readable, maxBytes = 25 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += b.length;
    if (size > maxBytes) throw new Error(`message larger than ${maxBytes} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Offset where the body starts (after the empty line), or the message length if there is none. */
function headerEnd(raw: Buffer): { headerLength: number; bodyStart: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { headerLength: crlf + 2, bodyStart: crlf + 4 };
  if (lf >= 0) return { headerLength: lf + 1, bodyStart: lf + 2 };
  return { headerLength: raw.length, bodyStart: raw.length };
}

/** The header block (with its line endings) and the body. */
export function splitMessage(raw: Buffer): { header: string; body: Buffer } {
  const { headerLength, bodyStart } = headerEnd(raw);
  return { header: raw.subarray(0, headerLength).toString('latin1'), body: raw.subarray(bodyStart) };
}

/** Header fields as [name, full field text including folds], in order. */
export function headerFields(header: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const line of header.split(/\r?\n/)) {
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) last[1] += `\r\n${line}`;
    else fields.push([line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(), line]);
  }
  return fields;
}

/** Unfolded value of the first field with this name. */
export function headerValue(raw: Buffer, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const field = headerFields(splitMessage(raw).header).find(([n]) => n === wanted);
  if (!field) return undefined;
  return field[1].slice(field[1].indexOf(':') + 1).replace(/\r\n[ \t]/g, ' ').trim();
}

/** Puts trace fields on top of the message (each a complete field, folds allowed, no trailing CRLF). */
export function prependFields(raw: Buffer, fields: readonly string[]): Buffer {
  if (fields.length === 0) return raw;
  return Buffer.concat([Buffer.from(fields.map((f) => `${f}\r\n`).join(''), 'latin1'), raw]);
}

/** Drops header fields for which `drop(name, text)` is true; the body is untouched. */
export function removeFields(raw: Buffer, drop: (name: string, text: string) => boolean): Buffer {
  const { header, body } = splitMessage(raw);
  const kept = headerFields(header).filter(([n, t]) => !drop(n, t));
  const head = kept.map(([, t]) => `${t}\r\n`).join('');
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC, e.g. "Mon, 04 Nov 2024 21:06:13 +0000". */
export function rfc5322Date(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Random token of URL-safe base64 characters, for queue ids. */
export function randomToken(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}
