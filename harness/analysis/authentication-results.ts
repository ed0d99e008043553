/**
 * Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 §9.1) parsing,
 * and the rule that decides which Authentication-Results may be believed.
 *
 * Anyone can write an Authentication-Results field into a message before it
 * reaches the recipient, including one that claims the recipient's own
 * authserv-id (RFC 8601 §5, §7.2). Only a field the recipient's MTA added is
 * evidence, and the recipient adds it after the hops that brought the message
 * in: it stands above every Received stamped by a host outside the
 * recipient's system.
 */
import { headerBlock, type HeaderField } from './header-block.ts';
import { parseReceived, type Hop } from './received-chain.ts';
import { compileHostPatterns, matchesHost, recipientSideLength } from './hop-roles.ts';

export interface AuthResult {
  /** Method keyword, lower case: spf, dkim, dmarc, arc, auth, iprev, compauth ... */
  method: string;
  /** Result keyword, lower case: pass, fail, softfail, none, neutral, temperror ... */
  result: string;
  reason?: string;
  /** The first comment after the result, e.g. Gmail's "(google.com: domain of ... designates ...)". */
  comment?: string;
  /** ptype.property values (smtp.mailfrom, header.d, header.i, header.s, header.b, header.from, ...) and vendor extras (action). */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  /** RFC 8601 §2.5 authserv-id; '' when the field has none (Microsoft 365 writes it without). */
  authservId: string;
  version?: string;
  results: AuthResult[];
}

export interface ReceivedSpf {
  result: string;
  comment?: string;
  /** client-ip, envelope-from, helo, receiver, identity, mechanism ... */
  props: Record<string, string>;
}

/** An Authentication-Results field that passed the trust rule. */
export interface TrustedAuthenticationResults extends AuthenticationResults {
  /** Position of the field in the header section (0 = topmost). */
  headerIndex: number;
  raw: string;
}

const MAX_VALUE = 16 * 1024;
const MAX_RESULTS = 64;

/** A cursor over one field value; every read is bounded by the value length. */
class Cursor {
  pos = 0;
  readonly s: string;
  constructor(s: string) { this.s = s; }
  get done(): boolean { return this.pos >= this.s.length; }
  peek(): string { return this.s[this.pos] ?? ''; }
  /** Skips whitespace and comments; returns the comments' text. */
  skipCfws(): string[] {
    const comments: string[] = [];
    while (!this.done) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { this.pos++; continue; }
      if (c !== '(') break;
      comments.push(this.comment());
    }
    return comments;
  }
  comment(): string {
    let depth = 0;
    const start = this.pos;
    for (; !this.done; this.pos++) {
      const c = this.peek();
      if (c === '\\') { this.pos++; continue; }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) { this.pos++; return this.s.slice(start + 1, this.pos - 1).trim(); }
    }
    return this.s.slice(start + 1).trim();
  }
  /** A quoted-string (unescaped) or a run of characters up to a delimiter in stop. */
  value(stop: string): string {
    if (this.peek() === '"') {
      let out = '';
      for (this.pos++; !this.done; this.pos++) {
        const c = this.peek();
        if (c === '\\') { this.pos++; out += this.peek(); continue; }
        if (c === '"') { this.pos++; break; }
        out += c;
      }
      return out;
    }
    const start = this.pos;
    while (!this.done && !stop.includes(this.peek()) && !/\s/.test(this.peek())) this.pos++;
    return this.s.slice(start, this.pos);
  }
}

/** Reads `key=value` pairs and comments until ';' or the end; fills the result. */
function readProperties(cur: Cursor, res: AuthResult): void {
  let guard = 0;
  while (!cur.done && guard++ < 256) {
    const comments = cur.skipCfws();
    if (comments[0] !== undefined && res.comment === undefined) res.comment = comments[0];
    if (cur.done || cur.peek() === ';') return;
    const key = cur.value('=;(').toLowerCase();
    cur.skipCfws();
    if (cur.peek() !== '=') { if (!key) cur.pos++; continue; }
    cur.pos++;
    cur.skipCfws();
    // Values may contain '=' (base64 in header.b), so only ';', '(' and space end them.
    const val = cur.value(';(');
    if (key === 'reason') res.reason = val;
    else if (key) res.props[key] = val;
  }
}

/** Reads one resinfo after ';' (RFC 8601 §2.2). Undefined when it is not one. */
function readResinfo(cur: Cursor): AuthResult | undefined {
  cur.skipCfws();
  const method = cur.value('=;(/').toLowerCase();
  cur.skipCfws();
  if (cur.peek() === '/') { cur.pos++; cur.skipCfws(); cur.value('=;('); cur.skipCfws(); }
  if (!method || cur.peek() !== '=') return undefined;
  cur.pos++;
  cur.skipCfws();
  const res: AuthResult = { method, result: cur.value(';(').toLowerCase(), props: {} };
  readProperties(cur, res);
  return res;
}

/** Parses one Authentication-Results value. Never throws; unreadable parts are skipped. */
export function parseAuthenticationResults(value: string): AuthenticationResults {
  const cur = new Cursor(value.slice(0, MAX_VALUE));
  cur.skipCfws();
  const out: AuthenticationResults = { authservId: '', results: [] };
  const start = cur.pos;
  const first = cur.value(';=(');
  if (cur.peek() === '=') {
    // No authserv-id: the field starts with a result (Microsoft 365). Re-read it as one.
    cur.pos = start;
  } else {
    out.authservId = first;
    cur.skipCfws();
    if (/^\d+$/.test(cur.s.slice(cur.pos).split(/[;\s(]/)[0] ?? '')) { out.version = cur.value(';('); cur.skipCfws(); }
  }
  let guard = 0;
  while (!cur.done && out.results.length < MAX_RESULTS && guard++ < MAX_RESULTS * 4) {
    cur.skipCfws();
    if (cur.peek() === ';') { cur.pos++; continue; }
    const save = cur.pos;
    const res = readResinfo(cur);
    if (res) {
      // RFC 8601 §2.2 "no-result": `authserv-id; none`.
      if (!(res.method === 'none' && res.result === '')) out.results.push(res);
    } else {
      const word = cur.s.slice(save, cur.pos).trim().toLowerCase();
      if (word === 'none') continue;
      if (cur.pos === save) cur.pos++;
    }
  }
  return out;
}

/** Parses a Received-SPF value: `result (comment) key=value; key=value`. */
export function parseReceivedSpf(value: string): ReceivedSpf {
  const cur = new Cursor(value.slice(0, MAX_VALUE));
  cur.skipCfws();
  const out: ReceivedSpf = { result: cur.value(';(=').toLowerCase(), props: {} };
  const holder: AuthResult = { method: 'spf', result: out.result, props: out.props };
  let guard = 0;
  while (!cur.done && guard++ < 64) {
    readProperties(cur, holder);
    if (cur.peek() === ';') cur.pos++;
  }
  if (holder.comment !== undefined) out.comment = holder.comment;
  return out;
}

/**
 * Header index of the topmost Received stamped by a host outside the
 * recipient's system, or undefined when it cannot be told. With gateway
 * patterns it is the topmost hop stamped `by` the gateway; without (or when
 * the gateway stamped nothing) the topmost hop stamped in another domain than
 * the newest hop's receiver (hop-roles.ts recipientSideLength, a heuristic).
 */
export function trustBoundary(fields: readonly HeaderField[], gatewayPatterns: readonly string[]): number | undefined {
  const received: { field: HeaderField; hop: Hop }[] = [];
  for (const f of fields) {
    if (f.name.toLowerCase() === 'received') received.push({ field: f, hop: parseReceived(f.value, received.length) });
    if (received.length >= 100) break;
  }
  const patterns = compileHostPatterns(gatewayPatterns);
  const byGateway = received.find((r) => matchesHost(r.hop.by, patterns));
  if (byGateway) return byGateway.field.index;
  const inside = recipientSideLength(received.map((r) => r.hop));
  if (inside === 0) return undefined;
  // Every hop inside: whatever sits below the oldest stamp came with the submission.
  return (received[inside] ?? received[received.length - 1])?.field.index;
}

/**
 * The Authentication-Results fields of raw that may be believed: authserv-id
 * in trustedIds (case-insensitive) AND above the trust boundary. A field with
 * the recipient's id written further down (by the sender or a relay) never
 * counts; with no boundary found, nothing counts.
 */
export function trustedAuthenticationResults(raw: string, trustedIds: readonly string[], gatewayPatterns: readonly string[]): TrustedAuthenticationResults[] {
  const fields = headerBlock(raw);
  const boundary = trustBoundary(fields, gatewayPatterns);
  if (boundary === undefined) return [];
  const ids = new Set(trustedIds.map((id) => id.toLowerCase()));
  const out: TrustedAuthenticationResults[] = [];
  for (const f of fields) {
    if (f.index >= boundary) break;
    if (f.name.toLowerCase() !== 'authentication-results') continue;
    const parsed = parseAuthenticationResults(f.value);
    if (!parsed.authservId || !ids.has(parsed.authservId.toLowerCase())) continue;
    out.push({ ...parsed, headerIndex: f.index, raw: f.value });
  }
  return out;
}
