/**
 * The leaf parts of a MIME message (RFC 2045/2046), with their offsets in the
 * source so a caller can both read a part and splice a new body in its place
 * (the lab's stationery does). Pure; works on a "binary" string (one char per
 * octet, latin1), so offsets are octet offsets and nothing is re-encoded by
 * accident. Hostile input never throws: an odd structure reads as one part.
 */

export interface MimeLeaf {
  /** IMAP-style section number (RFC 3501 §6.4.5): "1", "1.2", "2.1.1". */
  path: string;
  /** Lower-case type/subtype; text/plain when absent (RFC 2045 §5.2). */
  contentType: string;
  params: Record<string, string>;
  /** Lower-case disposition type (RFC 2183), when stated. */
  disposition?: string;
  /** Lower-case Content-Transfer-Encoding; 7bit when absent. */
  transferEncoding: string;
  /** Offset of the part's header block, of its body, and the end of its body (the CRLF before the next boundary excluded, RFC 2046 §5.1.1). */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** The part's raw header block. */
  header: string;
}

/** A message as a binary string: Buffers as latin1, strings decoded as UTF-8 turned back into their octets. */
export function binaryString(raw: string | Buffer): string {
  return (typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw).toString('latin1');
}

/** Where the header block ends and the body starts, within [start, end). */
function splitAt(src: string, start: number, end: number): { headerEnd: number; bodyStart: number } {
  const crlf = src.indexOf('\r\n\r\n', start);
  const lf = src.indexOf('\n\n', start);
  if (crlf >= 0 && crlf < end && (lf < 0 || crlf <= lf)) return { headerEnd: crlf + 2, bodyStart: crlf + 4 };
  if (lf >= 0 && lf < end) return { headerEnd: lf + 1, bodyStart: lf + 2 };
  // A part may begin with the empty line directly (no header fields).
  if (src.startsWith('\r\n', start)) return { headerEnd: start, bodyStart: start + 2 };
  if (src.startsWith('\n', start)) return { headerEnd: start, bodyStart: start + 1 };
  return { headerEnd: end, bodyStart: end };
}

/** Unfolded value of the first field `name` in a header block (RFC 5322 §2.2.3). */
export function fieldValue(header: string, name: string): string | undefined {
  const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name}[ \\t]*:(.*)$`, 'im');
  return re.exec(unfolded)?.[1]?.trim();
}

/**
 * A structured field value without its comments: "(...)", nested, with
 * quoted-pairs, outside quoted strings (RFC 5322 §3.2.2, allowed in MIME
 * fields by RFC 2045 §5.1, §6.1): `base64 (from Outlook)` is `base64`.
 */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += value.slice(i, i + 2);
      i++;
    } else if (depth === 0 && c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && c === '(') {
      depth++;
    } else if (!quoted && c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
    } else if (depth === 0) {
      out += c;
    }
  }
  return out;
}

/** `type/subtype; a=b; c="d"` as the lower-case value and its parameters (names lower-cased), comments dropped. */
export function parseStructured(raw: string | undefined): { value: string; params: Record<string, string> } {
  const value = raw === undefined ? '' : stripComments(raw);
  if (!value.trim()) return { value: '', params: {} };
  const semi = value.indexOf(';');
  const head = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const m of value.slice(Math.max(0, semi)).matchAll(re)) {
    const key = (m[1] ?? '').toLowerCase();
    if (!(key in params)) params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return { value: head, params };
}

/** Offsets of each body part between the delimiters of `boundary` (RFC 2046 §5.1.1). */
function bodyParts(src: string, start: number, end: number, boundary: string): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  const delimiter = `--${boundary}`;
  let partStart: number | undefined;
  let pos = start;
  while (pos < end) {
    const lineEnd = src.indexOf('\n', pos);
    const next = lineEnd < 0 || lineEnd >= end ? end : lineEnd + 1;
    const line = src.slice(pos, next).replace(/[ \t]*\r?\n?$/, '');
    if (line === delimiter || line === `${delimiter}--`) {
      if (partStart !== undefined) {
        // The line break before a delimiter belongs to the delimiter.
        const before = src.startsWith('\r\n', pos - 2) ? pos - 2 : src[pos - 1] === '\n' ? pos - 1 : pos;
        parts.push({ start: partStart, end: Math.max(partStart, before) });
      }
      if (line !== delimiter) return parts;
      partStart = next;
    }
    pos = next;
  }
  // No close delimiter: what follows the last delimiter is still a part.
  if (partStart !== undefined && partStart < end) parts.push({ start: partStart, end });
  return parts;
}

const MAX_DEPTH = 16;

function walk(src: string, start: number, end: number, path: string, depth: number, out: MimeLeaf[]): void {
  const { headerEnd, bodyStart } = splitAt(src, start, end);
  const header = src.slice(start, headerEnd);
  const type = parseStructured(fieldValue(header, 'content-type'));
  const contentType = type.value.includes('/') ? type.value : 'text/plain';
  const boundary = type.params['boundary'];
  if (contentType.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const parts = bodyParts(src, bodyStart, end, boundary);
    if (parts.length > 0) {
      const prefix = path === '' ? '' : `${path}.`;
      parts.forEach((p, i) => walk(src, p.start, p.end, `${prefix}${i + 1}`, depth + 1, out));
      return;
    }
  }
  const disposition = parseStructured(fieldValue(header, 'content-disposition')).value;
  const leaf: MimeLeaf = {
    path: path === '' ? '1' : path,
    contentType,
    params: type.params,
    // A mechanism is a case-insensitive token (RFC 2045 §6.1); Outlook and some gateways append a comment.
    transferEncoding: parseStructured(fieldValue(header, 'content-transfer-encoding')).value || '7bit',
    headerStart: start,
    bodyStart,
    bodyEnd: Math.max(bodyStart, end),
    header,
  };
  if (disposition) leaf.disposition = disposition;
  out.push(leaf);
}

/** Every leaf part in order. message/rfc822 parts are leaves: an attached message is not this message's body. */
export function mimeLeaves(src: string): MimeLeaf[] {
  const out: MimeLeaf[] = [];
  walk(src, 0, src.length, '', 0, out);
  return out;
}

/** Quoted-printable (RFC 2045 §6.7) to octets: soft line breaks removed, =XX decoded, stray "=" kept. */
export function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=[ \t]*\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    const hex = c === 0x3d ? joined.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The part's body as octets, transfer encoding undone. */
export function decodeOctets(src: string, leaf: MimeLeaf): Buffer {
  const body = src.slice(leaf.bodyStart, leaf.bodyEnd);
  if (leaf.transferEncoding === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (leaf.transferEncoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return Buffer.from(body, 'latin1');
}

/** The part's text: transfer encoding undone, then its charset (unknown labels read as UTF-8). */
export function decodeText(src: string, leaf: MimeLeaf): string {
  const octets = decodeOctets(src, leaf);
  const label = leaf.params['charset'] ?? (leaf.contentType === 'text/html' ? 'utf-8' : 'us-ascii');
  try {
    return new TextDecoder(label.toLowerCase() === 'us-ascii' ? 'utf-8' : label).decode(octets);
  } catch {
    return new TextDecoder('utf-8').decode(octets);
  }
}

/** Body parts a person reads: text/plain and text/html that are not attachments. */
export function isVisibleBodyPart(leaf: MimeLeaf): boolean {
  return (leaf.contentType === 'text/plain' || leaf.contentType === 'text/html') && leaf.disposition !== 'attachment';
}
