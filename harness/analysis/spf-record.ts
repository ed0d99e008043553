/**
 * SPF record syntax (RFC 7208 §4.5, §4.6, §5, §6) and macro expansion (§7).
 * Pure: no DNS here; the evaluator (spf-eval.ts) does the lookups.
 */
import { BlockList, isIP } from 'node:net';

export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfMechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export interface SpfMechanism {
  qualifier: SpfQualifier;
  name: SpfMechanismName;
  /** Domain-spec or address, before macro expansion; '' when absent. */
  value: string;
  cidr4?: number;
  cidr6?: number;
  raw: string;
}

export interface SpfRecord {
  mechanisms: SpfMechanism[];
  redirect?: string;
  exp?: string;
  /** Syntax problems: any of them makes the record a permerror (RFC 7208 §4.6). */
  errors: string[];
}

const MECHANISMS = new Set<string>(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);

/** True for a TXT string that is an SPF record: "v=spf1" then a space or the end (§4.5). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(\s|$)/i.test(text.trim());
}

/**
 * Splits a/mx "domain/cidr4//cidr6" (RFC 7208 §5.6 dual-cidr-length). A prefix
 * that is not a number in range (ip4 0-32, ip6 0-128, no leading zero) is a
 * syntax error, hence a permerror (§4.6): it must never reach the address math.
 */
function splitCidr(value: string, term: string, errors: string[]): { value: string; cidr4?: number; cidr6?: number } {
  const m = /^(.*?)(?:\/([^/]*))?(?:\/\/([^/]*))?$/.exec(value);
  if (!m) return { value };
  const out: { value: string; cidr4?: number; cidr6?: number } = { value: m[1] ?? '' };
  if (m[2] !== undefined) out.cidr4 = prefixLength(m[2], 32, term, errors);
  if (m[3] !== undefined) out.cidr6 = prefixLength(m[3], 128, term, errors);
  return out;
}

/** A CIDR prefix length (§5.6: ip4-cidr-length "0" / 1-9 / 1-2 digits up to 32; ip6 up to 128). */
function prefixLength(text: string, max: number, term: string, errors: string[]): number {
  if (!/^(0|[1-9]\d{0,2})$/.test(text) || Number(text) > max) {
    errors.push(`"${term}": /${text} is not a prefix length from 0 to ${max}`);
    return max;
  }
  return Number(text);
}

function parseMechanism(term: string, errors: string[]): SpfMechanism | undefined {
  const qualifier = (/^[+\-~?]/.test(term) ? term[0] : '+') as SpfQualifier;
  const body = /^[+\-~?]/.test(term) ? term.slice(1) : term;
  const m = /^([a-z0-9]+)(?::(.*)|(\/.*))?$/i.exec(body);
  const name = m?.[1]?.toLowerCase() ?? '';
  if (!m || !MECHANISMS.has(name)) {
    errors.push(`unknown term "${term}"`);
    return undefined;
  }
  const arg = m[2] ?? m[3] ?? '';
  const mech: SpfMechanism = { qualifier, name: name as SpfMechanismName, value: '', raw: term };
  if (name === 'ip4' || name === 'ip6') {
    const slash = arg.indexOf('/');
    const addr = slash < 0 ? arg : arg.slice(0, slash);
    if (isIP(addr) !== (name === 'ip4' ? 4 : 6)) errors.push(`"${term}": not an ${name} address`);
    mech.value = addr;
    if (slash >= 0) mech[name === 'ip4' ? 'cidr4' : 'cidr6'] = prefixLength(arg.slice(slash + 1), name === 'ip4' ? 32 : 128, term, errors);
    return mech;
  }
  if ((name === 'include' || name === 'exists') && m[2] === undefined) errors.push(`"${term}": ${name} needs a domain`);
  if (name === 'a' || name === 'mx') Object.assign(mech, splitCidr(m[2] ?? (m[3] ?? ''), term, errors));
  else mech.value = m[2] ?? '';
  if (mech.value.startsWith('/')) mech.value = '';
  return mech;
}

/** Parses one SPF record's text (the TXT strings already joined, RFC 7208 §3.3). */
export function parseSpf(text: string): SpfRecord {
  const errors: string[] = [];
  const record: SpfRecord = { mechanisms: [], errors };
  const terms = text.trim().split(/\s+/).slice(1);
  for (const term of terms) {
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(term);
    if (modifier) {
      const key = modifier[1]?.toLowerCase();
      if (key === 'redirect' || key === 'exp') {
        // §6: each of these modifiers at most once.
        if (record[key] !== undefined) errors.push(`${key}= appears more than once`);
        record[key] = modifier[2] ?? '';
      }
      continue; // unknown modifiers are ignored (§6)
    }
    const mech = parseMechanism(term, errors);
    if (mech) record.mechanisms.push(mech);
  }
  return record;
}

export interface MacroContext {
  /** <sender> local-part and domain (§7.3 s, l, o). */
  sender: string;
  /** Current domain (d). */
  domain: string;
  /** Client IP (i), if known. */
  ip?: string;
  /** HELO/EHLO name (h). */
  helo?: string;
}

function ipMacro(ip: string | undefined): string {
  if (!ip) return '';
  if (isIP(ip) === 4) return ip;
  // §7.3: IPv6 as dot-separated nibbles.
  const full = expandIpv6(ip);
  return full.replace(/:/g, '').split('').join('.');
}

function expandIpv6(ip: string): string {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? Array<string>(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0')).join(':');
}

function macroValue(letter: string, ctx: MacroContext): string {
  const [local = 'postmaster', domain = ctx.domain] = ctx.sender.includes('@') ? ctx.sender.split('@') : ['postmaster', ctx.sender];
  switch (letter) {
    case 's': return ctx.sender;
    case 'l': return local || 'postmaster';
    case 'o': return domain;
    case 'd': return ctx.domain;
    case 'i': return ipMacro(ctx.ip);
    case 'h': return ctx.helo ?? ctx.domain;
    case 'v': return ctx.ip && isIP(ctx.ip) === 6 ? 'ip6' : 'in-addr';
    // §7.3: p needs a PTR validation; "unknown" is the value the RFC gives when it is not done.
    case 'p': return 'unknown';
    default: return '';
  }
}

/**
 * Expands macros in a domain-spec (RFC 7208 §7): %{letter digits r delimiters},
 * %%, %_, %-. Returns undefined for a malformed macro (a permerror).
 */
export function expandMacros(spec: string, ctx: MacroContext): string | undefined {
  let out = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const next = spec[i + 1];
    if (next === '%') out += '%';
    else if (next === '_') out += ' ';
    else if (next === '-') out += '%20';
    else if (next === '{') {
      const end = spec.indexOf('}', i);
      const m = end < 0 ? null : /^([slodiphcrtv])(\d*)(r?)([.\-+,/_=]*)$/i.exec(spec.slice(i + 2, end));
      if (!m) return undefined;
      const parts = macroValue((m[1] ?? '').toLowerCase(), ctx).split(new RegExp(`[${(m[4] || '.').replace(/[-\\\]^]/g, '\\$&')}]`));
      if (m[3]) parts.reverse();
      const keep = m[2] ? Number(m[2]) : parts.length;
      if (m[2] && keep === 0) return undefined;
      out += parts.slice(-keep).join('.');
      i = end;
      continue;
    } else return undefined;
    i++;
  }
  return out;
}

/** True when `ip` lies in address/prefix (IPv4 or IPv6). */
export function ipInNetwork(ip: string, network: string, prefix?: number): boolean {
  const family = isIP(network);
  const ipFamily = isIP(ip.replace(/^::ffff:(?=\d+\.)/, ''));
  if (family === 0 || family !== ipFamily) return false;
  const max = family === 4 ? 32 : 128;
  const bits = prefix ?? max;
  // A prefix out of range never matches (the parser reports it as a syntax error); BlockList would throw.
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(network, bits, type);
  return list.check(ip.replace(/^::ffff:(?=\d+\.)/, ''), type);
}

/** "a.b.c.d/n" (or an address alone) contains ip. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [net = '', bits] = cidr.trim().split('/');
  return ipInNetwork(ip, net, bits === undefined ? undefined : Number(bits));
}
