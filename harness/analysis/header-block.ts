/**
 * The header section of a message as a bounded list of unfolded fields
 * (RFC 5322 §2.2, §2.2.3). Mail read from a mailbox is hostile input: every
 * limit below keeps the work proportional to a sane message, and garbage
 * lines are skipped rather than thrown on.
 */

export interface HeaderField {
  /** Field name as written (case preserved). */
  name: string;
  /** Unfolded value: CRLF before whitespace removed, leading whitespace trimmed. */
  value: string;
  /** Position of the field in the header section, 0 = topmost. */
  index: number;
}

/** Limits applied to every header section we read. */
export const HEADER_LIMITS = {
  /** Bytes of the message scanned for the header section. */
  maxBlockChars: 512 * 1024,
  /** Fields kept; a real message rarely has more than a few hundred. */
  maxFields: 2000,
  /** Characters kept of one unfolded value (RFC 5322 allows 998 per line, folded values run longer). */
  maxValueChars: 64 * 1024,
} as const;

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/; // RFC 5322 §3.6.8 ftext

/** Splits raw into its header section (before the first empty line) and the body. */
export function splitMessage(raw: string): { head: string; body: string } {
  const limited = raw.length > HEADER_LIMITS.maxBlockChars ? raw.slice(0, HEADER_LIMITS.maxBlockChars) : raw;
  const match = /\r?\n\r?\n/.exec(limited);
  if (!match) return { head: limited, body: '' };
  return { head: limited.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

/**
 * Header fields of raw, unfolded, in order, bounded by HEADER_LIMITS.
 * Accepts a whole message or a bare header section. Lines that are neither
 * a field nor a continuation (an mbox "From " line, garbage) are skipped.
 */
export function headerBlock(raw: string): HeaderField[] {
  const { head } = splitMessage(raw);
  const fields: HeaderField[] = [];
  let current: { name: string; parts: string[]; size: number } | undefined;
  const flush = () => {
    if (!current || fields.length >= HEADER_LIMITS.maxFields) return;
    fields.push({ name: current.name, value: current.parts.join('').trim(), index: fields.length });
  };
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      // RFC 5322 §2.2.3: unfolding removes the CRLF, the whitespace stays.
      if (current && current.size < HEADER_LIMITS.maxValueChars) {
        const part = line.slice(0, HEADER_LIMITS.maxValueChars - current.size);
        current.parts.push(part);
        current.size += part.length;
      }
      continue;
    }
    flush();
    current = undefined;
    if (fields.length >= HEADER_LIMITS.maxFields) break;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    if (!name || !FIELD_NAME.test(name)) continue;
    const first = line.slice(colon + 1, colon + 1 + HEADER_LIMITS.maxValueChars);
    current = { name, parts: [first], size: first.length };
  }
  flush();
  return fields;
}

/** Values of every field named name (case-insensitive), in order. */
export function headerValues(fields: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() === lower).map((f) => f.value);
}
