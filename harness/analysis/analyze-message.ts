/**
 * One delivered message, read the way MAN10–MAN12 read it: every hop with its
 * TLS, every Authentication-Results with whether it may be believed, and an
 * independent re-verification. Backs `mailflow analyze MESSAGE.eml [--json]`.
 */
import type { Resolver } from '../dns/resolver.ts';
import { headerBlock, headerValues } from './header-block.ts';
import { receivedChain, type Hop } from './received-chain.ts';
import { findGatewayHops, recipientSideLength } from './hop-roles.ts';
import { parseAuthenticationResults, trustBoundary } from './authentication-results.ts';
import { reverify, type Reverification } from './reverify.ts';

export type HopRole = 'to-gateway' | 'from-gateway' | 'gateway';

export interface AnalyzeReport {
  messageId?: string;
  subject?: string;
  from?: string;
  /** Header order, newest first. */
  hops: { from?: string; fromIp?: string; by?: string; with?: string; tls: 'yes' | 'no' | 'unknown'; tlsVersion?: string; cipher?: string; role?: HopRole }[];
  authenticationResults: { authservId: string; spf?: string; dkim?: string; dmarc?: string; trusted?: boolean }[];
  reverification?: Reverification;
  warnings: string[];
}

export interface AnalyzeOptions {
  resolver?: Resolver;
  /** authserv-ids of the recipient's provider; without them no A-R is marked trusted. */
  trustedIds?: string[];
  /** Host-name regexes of the gateway (config gateway.hopPatterns). */
  gatewayPatterns?: string[];
}

const MAX_SHOWN = 300;
const clip = (s: string) => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);

function hopRows(hops: Hop[], patterns: string[]): AnalyzeReport['hops'] {
  const roles = findGatewayHops(hops, patterns);
  return hops.map((h) => {
    const row: AnalyzeReport['hops'][number] = { tls: h.tls };
    const from = h.fromHost ?? h.fromHelo;
    if (from) row.from = from;
    if (h.fromIp) row.fromIp = h.fromIp;
    if (h.by) row.by = h.by;
    if (h.with) row.with = h.with;
    if (h.tlsVersion) row.tlsVersion = h.tlsVersion;
    if (h.cipher) row.cipher = h.cipher;
    if (h === roles.toGateway) row.role = 'to-gateway';
    else if (h === roles.fromGateway) row.role = 'from-gateway';
    else if (roles.gatewayHops.includes(h)) row.role = 'gateway';
    return row;
  });
}

/** The hop where the recipient's system accepted the message: its client address is what SPF must be checked for. */
export function recipientEntryHop(hops: readonly Hop[], patterns: readonly string[]): Hop | undefined {
  const roles = findGatewayHops(hops, patterns);
  if (roles.fromGateway) return roles.fromGateway;
  if (roles.toGateway) return undefined;
  // No gateway seen: the oldest hop stamped inside the newest receiver's organisation.
  const inside = recipientSideLength(hops);
  return inside > 0 ? hops[inside - 1] : undefined;
}

function authRows(raw: string, opts: AnalyzeOptions, warnings: string[]): AnalyzeReport['authenticationResults'] {
  const fields = headerBlock(raw);
  const boundary = trustBoundary(fields, opts.gatewayPatterns ?? []);
  const ids = new Set((opts.trustedIds ?? []).map((i) => i.toLowerCase()));
  const rows: AnalyzeReport['authenticationResults'] = [];
  for (const f of fields) {
    if (f.name.toLowerCase() !== 'authentication-results') continue;
    const ar = parseAuthenticationResults(f.value);
    const row: AnalyzeReport['authenticationResults'][number] = { authservId: clip(ar.authservId) };
    for (const m of ['spf', 'dkim', 'dmarc'] as const) {
      const r = ar.results.find((x) => x.method === m);
      if (r) row[m] = clip(r.result);
    }
    if (ids.size) {
      const idTrusted = ids.has(ar.authservId.toLowerCase());
      row.trusted = idTrusted && boundary !== undefined && f.index < boundary;
      if (idTrusted && !row.trusted) warnings.push(`Authentication-Results claiming trusted id "${clip(ar.authservId)}" sits below the recipient's own hops: ignored (possible forgery)`);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Analyzes one raw message. Never throws on a hostile message; reverification
 * runs only with a resolver. Give the file's bytes: headers are read as UTF-8
 * (RFC 6532), but DKIM is verified on the bytes themselves, since an 8bit
 * body decoded and re-encoded would no longer match its body hash.
 */
export async function analyzeMessage(message: string | Uint8Array, opts: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const raw = typeof message === 'string' ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('utf8');
  const patterns = opts.gatewayPatterns ?? [];
  const fields = headerBlock(raw);
  const warnings: string[] = [];
  const chain = receivedChain(raw);
  const report: AnalyzeReport = { hops: hopRows(chain, patterns), authenticationResults: authRows(raw, opts, warnings), warnings };
  const first = (name: string) => headerValues(fields, name)[0];
  const messageId = first('message-id');
  const subject = first('subject');
  const from = first('from');
  if (messageId) report.messageId = clip(messageId);
  if (subject) report.subject = clip(subject);
  if (from) report.from = clip(from);
  if (chain.length === 0) warnings.push('no Received header: the path cannot be told');
  const plain = chain.filter((h) => h.tls === 'no').length;
  if (plain) warnings.push(`${plain} hop(s) without TLS`);
  if (patterns.length && !report.hops.some((h) => h.role)) warnings.push('no hop names a gateway host: the message did not pass the gateway, or gateway.hopPatterns do not match');
  if (opts.trustedIds?.length && !report.authenticationResults.some((r) => r.trusted)) warnings.push('no trusted Authentication-Results');
  if (opts.resolver) {
    const entry = recipientEntryHop(chain, patterns);
    const returnPath = first('return-path')?.replace(/[<>\s]/g, '');
    const ropts: Parameters<typeof reverify>[1] = { resolver: opts.resolver };
    if (entry?.fromIp) ropts.ip = entry.fromIp;
    if (entry?.fromHelo) ropts.helo = entry.fromHelo;
    if (returnPath) ropts.mailFrom = returnPath;
    if (opts.trustedIds?.[0]) ropts.mta = opts.trustedIds[0];
    report.reverification = await reverify(message, ropts);
    if (!ropts.ip) warnings.push('SPF not re-verified: no client address for the recipient\'s entry hop');
  }
  return report;
}

/** Replaces control characters so hostile header text cannot drive the terminal. */
const safe = (s: string | undefined) =>
  Array.from(s ?? '-', (ch) => {
    const c = ch.codePointAt(0) ?? 0;
    // C0/C1 controls (ESC starts terminal sequences) and bidi overrides.
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ? '?' : ch;
  }).join('');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.min(48, Math.max(...rows.map((r) => (r[c] ?? '').length)))) ?? [];
  return rows.map((r) => r.map((cell, c) => (cell.length > (widths[c] ?? 0) ? `${cell.slice(0, (widths[c] ?? 1) - 1)}…` : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd()).join('\n');
}

/** Plain-text rendering for a terminal: headers, hop table, A-R, reverification, warnings. */
export function formatAnalyzeReport(r: AnalyzeReport): string {
  const out: string[] = [`Message-ID: ${safe(r.messageId)}`, `Subject:    ${safe(r.subject)}`, `From:       ${safe(r.from)}`, ''];
  out.push('Hops (newest first)');
  out.push(table([['#', 'from', 'by', 'with', 'TLS', 'version', 'cipher', 'role'], ...r.hops.map((h, i) => [String(i), safe(h.from), safe(h.by), safe(h.with), h.tls, safe(h.tlsVersion), safe(h.cipher), h.role ?? ''])]));
  out.push('', 'Authentication-Results');
  if (r.authenticationResults.length === 0) out.push('  (none)');
  else out.push(table([['authserv-id', 'spf', 'dkim', 'dmarc', 'trusted'], ...r.authenticationResults.map((a) => [safe(a.authservId || '(none)'), safe(a.spf), safe(a.dkim), safe(a.dmarc), a.trusted === undefined ? '-' : a.trusted ? 'yes' : 'NO'])]));
  const rv = r.reverification;
  if (rv) {
    out.push('', 'Re-verification (mailauth)');
    if (rv.error) out.push(`  error: ${safe(rv.error)}`);
    out.push(`  spf:   ${rv.spf ? `${rv.spf.result}${rv.spf.domain ? ` (${safe(rv.spf.domain)})` : ''}` : 'not checked'}`);
    for (const d of rv.dkim) out.push(`  dkim:  ${d.result} d=${safe(d.domain)} s=${safe(d.selector)}${d.aligned ? ' aligned' : ''}${d.keyBits ? ` ${d.keyBits}-bit` : ''}`);
    if (rv.dkim.length === 0) out.push('  dkim:  no signature');
    out.push(`  dmarc: ${rv.dmarc ? `${rv.dmarc.result}${rv.dmarc.policy ? ` p=${rv.dmarc.policy}` : ''}` : 'not evaluated'}`);
    if (rv.arc) out.push(`  arc:   ${rv.arc.result}`);
  }
  if (r.warnings.length) out.push('', 'Warnings', ...r.warnings.map((w) => `  - ${safe(w)}`));
  return `${out.join('\n')}\n`;
}
