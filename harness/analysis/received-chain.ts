/**
 * Received trace fields (RFC 5321 §4.4) parsed into hops. Real stamps vary
 * widely (Postfix, Exim, sendmail, Exchange, Gmail, Mimecast all differ), put
 * comments anywhere and are hostile input; the parser is a bounded tokenizer
 * that takes what it can and leaves the rest undefined.
 */
import { isIP } from 'node:net';
import { headerBlock } from './header-block.ts';
import { detectTls, type TlsState } from './tls-notation.ts';

export { headerBlock, type HeaderField } from './header-block.ts';

export interface Hop {
  /** Position in the chain: 0 = topmost Received (newest). */
  index: number;
  /** The unfolded field value, whitespace collapsed. */
  raw: string;
  /** Name the client gave in EHLO/HELO. */
  fromHelo?: string;
  /** The client's name as the receiver resolved it (PTR), when stated. */
  fromHost?: string;
  /** The client's address from the TCP-info comment. */
  fromIp?: string;
  by?: string;
  with?: string;
  id?: string;
  for?: string;
  date?: string;
  tls: TlsState;
  tlsVersion?: string;
  cipher?: string;
  tlsNotation?: string;
}

/** Received fields read per message; anything beyond is a loop or an attack. */
export const MAX_HOPS = 100;
/** Characters of one Received value parsed. */
const MAX_VALUE = 4096;
/** Nested comment depth honoured; deeper parentheses are taken as text. */
const MAX_DEPTH = 8;
const KEYWORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

type Token = { kind: 'word'; text: string } | { kind: 'comment'; text: string };

/** Words and (possibly nested) comments; quoted strings stay inside words. */
function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length && tokens.length < 512) {
    const c = s[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '(') {
      let depth = 0;
      const start = i;
      for (; i < s.length; i++) {
        const ch = s[i];
        if (ch === '\\') { i++; continue; }
        if (ch === '(' && depth < MAX_DEPTH) depth++;
        else if (ch === ')' && --depth === 0) { i++; break; }
      }
      tokens.push({ kind: 'comment', text: s.slice(start + 1, i - 1 > start ? i - 1 : start + 1) });
      continue;
    }
    const start = i;
    while (i < s.length && s[i] !== ' ' && s[i] !== '\t' && s[i] !== '(') {
      if (s[i] === '"') { const end = s.indexOf('"', i + 1); i = end < 0 ? s.length : end + 1; } else i++;
    }
    tokens.push({ kind: 'word', text: s.slice(start, i) });
  }
  return tokens;
}

/** Splits "clauses; date" at the last semicolon outside comments. */
function splitDate(s: string): { clauses: string; date?: string } {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) last = i;
  }
  if (last < 0) return { clauses: s };
  const date = s.slice(last + 1).replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  return date ? { clauses: s.slice(0, last), date } : { clauses: s.slice(0, last) };
}

const stripAngle = (s: string) => s.replace(/^<|>;?$/g, '').replace(/;$/, '');

/** Reads the TCP-info comment after `from` (RFC 5321 §4.4 "TCP-info"). */
function readFromComment(hop: Hop, comment: string): void {
  const bracket = /\[(?:IPv6:)?([0-9a-fA-F:.]+)(?:%[^\]]*)?\]/.exec(comment);
  const bare = /^\s*(?:IPv6:)?([0-9a-fA-F:.]+)(?:%\S*)?\s*(?:\[|$)/.exec(comment);
  const ip = bracket?.[1] ?? bare?.[1];
  if (ip && isIP(ip)) hop.fromIp = ip;
  const helo = /(?:^|\s)helo=([^\s)]+)/i.exec(comment) ?? /\b(?:HELO|EHLO)\s+"?([^\s")]+)/.exec(comment);
  if (helo?.[1]) hop.fromHelo = helo[1];
  const first = comment.trim().split(/\s+/)[0] ?? '';
  // Postfix/Gmail write "(ptr-name [ip])"; "unknown" means no PTR.
  if (first && !first.startsWith('[') && !isIP(first) && /^[A-Za-z0-9][A-Za-z0-9.-]*\.?$/.test(first) && first.toLowerCase() !== 'unknown' && first.includes('.')) {
    hop.fromHost = first.replace(/\.$/, '');
  }
}

/** Collects the words of a clause until the next keyword or comment (at most max). */
function clauseWords(tokens: Token[], start: number, max: number): { words: string[]; next: number } {
  const words: string[] = [];
  let i = start;
  while (i < tokens.length && words.length < max) {
    const t = tokens[i];
    if (!t || t.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) break;
    words.push(t.text);
    i++;
  }
  return { words, next: i };
}

function assignClauses(hop: Hop, tokens: Token[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t || t.kind !== 'word') continue;
    const key = t.text.toLowerCase();
    if (!KEYWORDS.has(key)) continue;
    const isWith = key === 'with';
    const { words, next } = clauseWords(tokens, i + 1, isWith ? 4 : 1);
    const value = words.join(' ');
    if (!value) continue;
    if (key === 'from' && hop.fromHelo === undefined) {
      hop.fromHelo = value.replace(/\.$/, '');
      const comment = tokens[next];
      if (comment?.kind === 'comment') readFromComment(hop, comment.text);
      // Exim "from ptr ([ip]:port helo=name)" and vger "from ptr ([ip]:port "EHLO name")":
      // when the comment names the HELO, the from-word is the resolved name.
      if (comment?.kind === 'comment' && /helo=|\b(?:HELO|EHLO)\s/i.test(comment.text)) hop.fromHost = value.replace(/\.$/, '');
    } else if (key === 'by' && hop.by === undefined) hop.by = value.replace(/\.$/, '');
    else if (isWith && hop.with === undefined) hop.with = value.replace(/;$/, '');
    else if (key === 'id' && hop.id === undefined) hop.id = value.replace(/;$/, '');
    else if (key === 'for' && hop.for === undefined) hop.for = stripAngle(value);
    i = next - 1;
  }
}

/** Parses one Received field value (unfolded or not) into a Hop. Never throws. */
export function parseReceived(value: string, index = 0): Hop {
  const flat = value.slice(0, MAX_VALUE).replace(/\s+/g, ' ').trim();
  const { clauses, date } = splitDate(flat);
  const hop: Hop = { index, raw: flat, tls: 'unknown' };
  if (date) hop.date = date;
  assignClauses(hop, tokenize(clauses));
  const tls = detectTls(flat, hop.with);
  hop.tls = tls.tls;
  if (tls.tlsVersion) hop.tlsVersion = tls.tlsVersion;
  if (tls.cipher) hop.cipher = tls.cipher;
  if (tls.tlsNotation) hop.tlsNotation = tls.tlsNotation;
  return hop;
}

/** Every Received hop of raw, in header order: newest (topmost) first. */
export function receivedChain(raw: string): Hop[] {
  const hops: Hop[] = [];
  for (const field of headerBlock(raw)) {
    if (field.name.toLowerCase() !== 'received') continue;
    if (hops.length >= MAX_HOPS) break;
    hops.push(parseReceived(field.value, hops.length));
  }
  return hops;
}
