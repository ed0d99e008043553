/**
 * Counts a stationery layout (signature/disclaimer) in every body part a
 * person reads, as they would read it: transfer encodings undone (quoted-
 * printable soft breaks, base64), HTML rendered (entities decoded, text split
 * across tags joined, comments and hidden elements not counted but reported),
 * plain-text quote markers (">") and format=flowed soft breaks (RFC 3676)
 * ignored. Quoted copies count: "exactly once" means once in the whole part,
 * the quoted conversation included. Pure: no sockets.
 */
import { renderHtml, type RenderedLine } from './html-text.ts';
import { binaryString, decodeText, isVisibleBodyPart, mimeLeaves, type MimeLeaf } from './mime-parts.ts';

export interface StationeryMarkers {
  /** The layout's unique identification text. */
  uniqueText: string;
  /** The disclaimer wording expected in the layout, when configured. */
  disclaimerText?: string | undefined;
}

export interface Occurrence {
  /** 1-based line of the part's readable text where the match starts. */
  line: number;
  /** In quoted matter (a ">" line, a blockquote, after a reply header). */
  quoted: boolean;
  /** The lines around the match, as read: "  11| text", the matching lines marked ">". */
  context: string[];
}

export interface PartStationery {
  /** IMAP-style section number. */
  path: string;
  contentType: string;
  transferEncoding: string;
  charset: string;
  /** Visible matches of the unique text. */
  unique: Occurrence[];
  /** Visible matches of the disclaimer text (undefined when none is configured). */
  disclaimer?: Occurrence[];
  /** Matches of the unique text that a reader does not see (comments, hidden elements): never counted. */
  hiddenUnique: number;
}

/** Characters that render as nothing; a match must not be defeated (or faked) by them. */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** Whitespace collapsed to single spaces (NBSP included), invisible characters removed. */
export function normalizeText(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

function countIn(haystack: string, needle: string): number {
  if (needle === '') return 0;
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}

/** A plain-text part as lines: quote markers stripped, flowed soft breaks noted (RFC 3676 §4.2, §4.5). */
function plainLines(text: string, leaf: MimeLeaf): { lines: RenderedLine[]; shown: string[]; joinSoft: boolean[] } {
  const raw = text.split(/\r?\n/);
  const flowed = (leaf.params['format'] ?? '').toLowerCase() === 'flowed';
  const delSp = (leaf.params['delsp'] ?? '').toLowerCase() === 'yes';
  let afterOutlookHeader = false;
  const lines: RenderedLine[] = [];
  const joinSoft: boolean[] = [];
  for (const line of raw) {
    const marker = /^((?:>[ \t]?)+)/.exec(line)?.[1] ?? '';
    // Outlook's plain-text reply header: a rule of underscores or "-----Original Message-----".
    if (/^(?:_{30,}|-{3,}\s*Original Message\s*-{3,})\s*$/i.test(line.trim())) afterOutlookHeader = true;
    let body = line.slice(marker.length);
    if (flowed && marker === '' && body.startsWith(' ')) body = body.slice(1); // space-stuffing (RFC 3676 §4.4)
    const soft = flowed && body.endsWith(' ') && body.trim() !== '-- ';
    joinSoft.push(soft && delSp);
    lines.push({ text: soft && delSp ? body.slice(0, -1) : body, quoted: marker !== '' || afterOutlookHeader });
  }
  return { lines, shown: raw, joinSoft };
}

interface Readable {
  lines: RenderedLine[];
  /** The lines as shown in evidence. */
  shown: string[];
  /** Line i joins line i+1 with no space (a flowed DelSp=yes soft break). */
  joinSoft: boolean[];
  hidden: string;
}

function readablePart(text: string, leaf: MimeLeaf): Readable {
  if (leaf.contentType === 'text/html') {
    const r = renderHtml(text);
    return { lines: r.lines, shown: r.lines.map((l) => l.text), joinSoft: r.lines.map(() => false), hidden: r.hidden };
  }
  return { ...plainLines(text, leaf), hidden: '' };
}

/** Every visible match of `needle` across line breaks, with where it starts. */
export function findOccurrences(part: Pick<Readable, 'lines' | 'shown' | 'joinSoft'>, needle: string, contextLines = 1): Occurrence[] {
  const wanted = normalizeText(needle);
  if (wanted === '') return [];
  let joined = '';
  const starts: number[] = [];
  part.lines.forEach((l, i) => {
    starts.push(joined.length);
    const piece = normalizeText(l.text);
    if (piece === '') return;
    // A flowed DelSp=yes soft break joins with no space, unless a space was left before it.
    const prev = part.lines[i - 1]?.text ?? '';
    const glue = joined === '' || (part.joinSoft[i - 1] && !/\s$/.test(prev)) ? '' : ' ';
    joined += glue + piece;
    starts[i] = joined.length - piece.length;
  });
  const out: Occurrence[] = [];
  for (let at = joined.indexOf(wanted); at >= 0; at = joined.indexOf(wanted, at + wanted.length)) {
    const first = lineAt(starts, at);
    const last = lineAt(starts, at + wanted.length - 1);
    const from = Math.max(0, first - contextLines);
    const to = Math.min(part.shown.length - 1, last + contextLines);
    const context: string[] = [];
    for (let i = from; i <= to; i++) context.push(`${i >= first && i <= last ? '>' : ' '}${String(i + 1).padStart(4)}| ${part.shown[i] ?? ''}`);
    const quoted = part.lines.slice(first, last + 1).some((l) => l.quoted);
    out.push({ line: first + 1, quoted, context });
  }
  return out;
}

function lineAt(starts: readonly number[], offset: number): number {
  let line = 0;
  for (let i = 0; i < starts.length; i++) if ((starts[i] ?? 0) <= offset) line = i;
  return line;
}

function charsetOf(leaf: MimeLeaf): string {
  return (leaf.params['charset'] ?? (leaf.contentType === 'text/html' ? 'utf-8' : 'us-ascii')).toLowerCase();
}

/** The stationery found in each visible body part of a message (raw as fetched, or its octets). */
export function countStationery(raw: string | Buffer, markers: StationeryMarkers): PartStationery[] {
  const src = binaryString(raw);
  return mimeLeaves(src).filter(isVisibleBodyPart).map((leaf) => {
    const part = readablePart(decodeText(src, leaf), leaf);
    const unique = findOccurrences(part, markers.uniqueText);
    const out: PartStationery = {
      path: leaf.path,
      contentType: leaf.contentType,
      transferEncoding: leaf.transferEncoding,
      charset: charsetOf(leaf),
      unique,
      hiddenUnique: countIn(normalizeText(part.hidden), normalizeText(markers.uniqueText)),
    };
    if (markers.disclaimerText !== undefined) out.disclaimer = findOccurrences(part, markers.disclaimerText);
    return out;
  });
}

/** "part 1.2 text/html (quoted-printable, utf-8)" */
export function describePart(p: Pick<PartStationery, 'path' | 'contentType' | 'transferEncoding' | 'charset'>): string {
  return `part ${p.path} ${p.contentType} (${p.transferEncoding}, ${p.charset})`;
}
