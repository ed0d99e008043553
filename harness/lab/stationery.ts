/**
 * The lab gateway's stationery: appends the layout to every text/plain part
 * and inserts it into every text/html part of mail leaving for an external
 * domain, unless the layout's unique identification text is already in the
 * message (the vendor's guard against stacking disclaimers down a reply
 * chain). Changed parts are re-encoded as UTF-8 quoted-printable, as a
 * gateway that rewrites a body does; everything else stays byte for byte.
 * Faults: no-stationery, no-html-stationery, stationery-repeat.
 */
import { binaryString, decodeText, fieldValue, isVisibleBodyPart, mimeLeaves, type MimeLeaf } from '../analysis/mime-parts.ts';
import type { FaultSet } from './faults.ts';
import type { StationeryHook } from './gateway.ts';
import { headerFields } from './message-util.ts';
import type { StationeryLayout } from './stationery-layout.ts';
import { domainOf } from './topology.ts';

export interface ApplyOptions {
  /** Apply to text/html parts too (false under no-html-stationery). */
  html: boolean;
  /** Skip a message that already carries the unique text (false under stationery-repeat). */
  skipIfPresent: boolean;
}

export interface ApplyResult {
  raw: Buffer;
  /** Section numbers of the parts changed. */
  applied: string[];
  skipped?: 'already-present' | 'no-body-part';
}

const MAX_QP_LINE = 76;

/** Quoted-printable (RFC 2045 §6.7): CRLF line breaks, soft breaks under 76 characters, trailing blanks encoded. */
export function encodeQuotedPrintable(octets: Buffer): string {
  const lines = octets.toString('latin1').split(/\r?\n/);
  return lines.map((line) => {
    const out: string[] = [];
    let current = '';
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const last = i === line.length - 1;
      const literal = (c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && !last);
      const token = literal ? line[i] ?? '' : `=${c.toString(16).toUpperCase().padStart(2, '0')}`;
      if (current.length + token.length > MAX_QP_LINE - 1) {
        out.push(`${current}=`);
        current = '';
      }
      current += token;
    }
    out.push(current);
    return out.join('\r\n');
  }).join('\r\n');
}

/** The part's header with UTF-8 quoted-printable declared (other fields untouched). */
function reencodedHeader(leaf: MimeLeaf, src: string): string {
  const header = src.slice(leaf.headerStart, leaf.bodyStart).replace(/\r?\n$/, '');
  const type = fieldValue(header, 'content-type') ?? leaf.contentType;
  const withCharset = /;\s*charset\s*=/i.test(type) ? type.replace(/(;\s*charset\s*=\s*)("[^"]*"|[^;\s]*)/i, '$1utf-8') : `${type}; charset=utf-8`;
  const fields = headerFields(header).filter(([name]) => name !== 'content-type' && name !== 'content-transfer-encoding').map(([, text]) => text);
  fields.push(`Content-Type: ${withCharset}`, 'Content-Transfer-Encoding: quoted-printable');
  return fields.map((f) => `${f}\r\n`).join('');
}

function withLayout(text: string, leaf: MimeLeaf, layout: StationeryLayout): string {
  if (leaf.contentType === 'text/plain') return `${text.replace(/(?:\r?\n)+$/, '')}\r\n\r\n${layout.text}\r\n`;
  const lower = text.toLowerCase();
  const at = [lower.lastIndexOf('</body'), lower.lastIndexOf('</html')].find((i) => i >= 0) ?? text.length;
  return `${text.slice(0, at)}${layout.html}\r\n${text.slice(at)}`;
}

/** Applies the layout to one message (pure: no sockets). */
export function applyStationery(raw: Buffer, layout: StationeryLayout, opts: ApplyOptions): ApplyResult {
  const src = binaryString(raw);
  const parts = mimeLeaves(src).filter(isVisibleBodyPart);
  if (parts.length === 0) return { raw, applied: [], skipped: 'no-body-part' };
  const texts = parts.map((leaf) => decodeText(src, leaf));
  if (opts.skipIfPresent && texts.some((t) => t.includes(layout.uniqueText))) return { raw, applied: [], skipped: 'already-present' };
  let out = src;
  const applied: string[] = [];
  // Back to front, so the offsets of earlier parts stay valid.
  for (let i = parts.length - 1; i >= 0; i--) {
    const leaf = parts[i];
    const text = texts[i];
    if (!leaf || text === undefined || (leaf.contentType === 'text/html' && !opts.html)) continue;
    const body = encodeQuotedPrintable(Buffer.from(withLayout(text, leaf, layout), 'utf8'));
    out = `${out.slice(0, leaf.headerStart)}${reencodedHeader(leaf, src)}\r\n${body}${out.slice(leaf.bodyEnd)}`;
    applied.unshift(leaf.path);
  }
  return { raw: Buffer.from(out, 'latin1'), applied };
}

export interface LabStationeryOptions {
  layout: StationeryLayout;
  internalDomains: readonly string[];
  faults: FaultSet;
}

/** The gateway's stationery hook: mail to at least one external recipient gets the layout. */
export function createLabStationery(opts: LabStationeryOptions): StationeryHook {
  const internal = new Set(opts.internalDomains.map((d) => d.toLowerCase()));
  const apply: ApplyOptions = { html: !opts.faults.has('no-html-stationery'), skipIfPresent: !opts.faults.has('stationery-repeat') };
  return (raw, message) => {
    if (opts.faults.has('no-stationery')) return raw;
    if (message.to.every((r) => internal.has(domainOf(r)))) return raw;
    return applyStationery(raw, opts.layout, apply).raw;
  };
}
