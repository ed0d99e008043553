/**
 * Making hostile text (anything read from a mailbox, DNS or a peer) safe for
 * an output medium. Escaping proper is done by each renderer (handlebars for
 * HTML, xml-escape in junit.ts); these helpers remove what no escaping can
 * carry and bound what a renderer will emit.
 */

/**
 * Characters that XML 1.0 forbids even as character references (XML 1.0 §2.2
 * "Char"): C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF.
 * With the `u` flag a lone surrogate is one code point, so it is matched here.
 */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes characters that cannot appear in an XML 1.0 document. */
export function stripXmlIllegal(s: string): string {
  return s.replace(XML_ILLEGAL, '');
}

/**
 * Bidirectional embedding, override and isolate controls (Unicode UAX #9 §2:
 * LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI). From a hostile header they
 * reorder what a reader sees ("Trojan Source", CVE-2021-42574): a RLO can
 * make "fail" read as "liaf" or move text across cells. Shown as a visible
 * code point instead, so the evidence still says what was there.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Replaces every bidi control with a visible `[U+202E]`. */
export function neutralizeBidi(s: string): string {
  return s.replace(BIDI_CONTROLS, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`);
}

/** What every rendered string goes through: XML-illegal characters removed, bidi controls neutralised. */
export function cleanText(s: string): string {
  return neutralizeBidi(stripXmlIllegal(s));
}

/**
 * C0 and C1 controls and DEL: an ESC from a hostile header could otherwise
 * drive the terminal (ECMA-48 sequences: clear screen, retitle, hyperlinks).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;

/** One line of plain text for a terminal: controls and line breaks become spaces, runs collapse. */
export function oneLine(s: string): string {
  return neutralizeBidi(s).replace(TERMINAL_CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}

/** Cuts `s` to at most `max` characters, saying how much was left out. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = safeCut(s, max);
  return `${s.slice(0, cut)} … (${s.length - cut} more characters)`;
}

/** Cuts to at most `max` characters with a plain ellipsis, for one-line summaries. */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, safeCut(s, max - 1))}…`;
}

/** An index <= max that does not split a UTF-16 surrogate pair. */
function safeCut(s: string, max: number): number {
  const at = Math.max(0, max);
  const code = s.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}
