/**
 * An SPF evaluator that walks a domain's whole record tree (RFC 7208 §4, §5):
 * every include and redirect is followed, DNS-querying terms and void lookups
 * are counted (§4.6.4: at most 10 terms that cause a DNS query, at most 2
 * lookups with no answer), and check_host's result is computed for one client
 * address. The tree, with its counts, is the evidence MAN06 shows. Pure: the
 * resolver is injected (STYLE.md §3).
 */
import type { Resolver } from '../dns/resolver.ts';
import { expandMacros, ipInNetwork, isSpfRecord, parseSpf, type MacroContext, type SpfMechanism } from './spf-record.ts';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

/** RFC 7208 §4.6.4 limits. */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;
/** Our own bound so a looping or huge tree cannot run away. */
const HARD_LOOKUP_CAP = 60;
const MAX_DEPTH = 12;

export interface SpfTerm {
  raw: string;
  /** Running count of DNS-querying terms, over the whole tree, when this term was reached. */
  lookup?: number;
  voidLookup?: boolean;
  /** True when check_host reached this term and the client address matched it. */
  matched?: boolean;
  /** True when check_host never reached this term (an earlier term decided, or it sits under a term that was not reached). */
  notEvaluated?: boolean;
  note?: string;
}

export interface SpfNode {
  domain: string;
  via: 'root' | 'include' | 'redirect';
  /** The SPF record text, when exactly one was found. */
  record?: string;
  /** How many SPF records the domain publishes (more than one is a permerror, §4.5). */
  recordCount: number;
  /** The TXT query itself was void: NXDOMAIN or no answers at all (RFC 7208 §4.6.4), not merely no SPF among the TXT. */
  voidAnswer?: boolean;
  terms: SpfTerm[];
  children: SpfNode[];
  result: SpfResult;
  problems: string[];
}

export interface SpfEvaluation {
  domain: string;
  ip?: string;
  /** check_host() for `ip` (or for no address: the result of the walk, matching nothing). */
  result: SpfResult;
  tree: SpfNode;
  /** DNS-querying terms in the whole tree, and those check_host would actually evaluate for `ip`. */
  lookups: number;
  effectiveLookups: number;
  voidLookups: number;
  problems: string[];
}

export interface SpfOptions {
  resolver: Resolver;
  /** The client address to evaluate; without it nothing matches but every count is made. */
  ip?: string;
  /**
   * <sender>: the MAIL FROM (for %{s}, %{l}, %{o}); default postmaster@<the evaluated domain>.
   * RFC 7208 §4: it stays the same through every include and redirect; only <domain> changes.
   */
  sender?: string;
  helo?: string;
}

interface WalkState {
  opts: SpfOptions;
  lookups: number;
  effectiveLookups: number;
  voidLookups: number;
  effectiveVoids: number;
  limitHit: boolean;
  problems: string[];
}

type Lookup = { answers: unknown[]; void: boolean } | { error: string };

async function query(state: WalkState, name: string, type: string): Promise<Lookup> {
  try {
    const answers = await state.opts.resolver(name, type);
    const list = Array.isArray(answers) ? answers : [];
    return { answers: list, void: list.length === 0 };
  } catch (e) {
    const code = (e as { code?: string }).code;
    // NXDOMAIN and NODATA are "void" answers (§4.6.4); anything else is a temporary error (§2.6.6).
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN') return { answers: [], void: true };
    return { error: `${type} ${name}: ${code ?? (e as Error).message}` };
  }
}

/** The domain's SPF records (TXT strings joined per record, §3.3). */
async function spfRecords(state: WalkState, domain: string): Promise<{ records: string[]; void: boolean } | { error: string }> {
  const r = await query(state, domain, 'TXT');
  if ('error' in r) return r;
  const texts = r.answers.map((a) => (Array.isArray(a) ? a.join('') : String(a)));
  return { records: texts.filter(isSpfRecord), void: r.void };
}

function countLookup(state: WalkState, term: SpfTerm, effective: boolean): boolean {
  state.lookups++;
  if (effective) state.effectiveLookups++;
  term.lookup = state.lookups;
  if (effective && state.effectiveLookups > SPF_LOOKUP_LIMIT) state.limitHit = true;
  return state.lookups <= HARD_LOOKUP_CAP;
}

function countVoid(state: WalkState, term: SpfTerm, effective: boolean): void {
  term.voidLookup = true;
  state.voidLookups++;
  if (effective) state.effectiveVoids++;
  if (effective && state.effectiveVoids > SPF_VOID_LIMIT) state.limitHit = true;
}

const QUALIFIER_RESULT: Record<string, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

/** Evaluates `domain`'s SPF for opts.ip, walking the whole tree. */
export async function evaluateSpf(domain: string, opts: SpfOptions): Promise<SpfEvaluation> {
  const state: WalkState = { opts, lookups: 0, effectiveLookups: 0, voidLookups: 0, effectiveVoids: 0, limitHit: false, problems: [] };
  const root = domain.toLowerCase();
  // §4.3/§4.4: <sender> is fixed for the whole evaluation (HELO identity: postmaster@helo, §2.3).
  state.opts = { ...opts, sender: opts.sender ?? `postmaster@${root}` };
  const tree = await walk(state, root, 'root', 0, true);
  let result = tree.result;
  if (state.limitHit) result = 'permerror';
  if (state.lookups > SPF_LOOKUP_LIMIT) state.problems.push(`the whole tree needs ${state.lookups} DNS lookups; RFC 7208 §4.6.4 allows ${SPF_LOOKUP_LIMIT}`);
  if (state.voidLookups > SPF_VOID_LIMIT) state.problems.push(`the tree has ${state.voidLookups} void lookups; RFC 7208 §4.6.4 allows ${SPF_VOID_LIMIT}`);
  return {
    domain, result, tree, lookups: state.lookups, effectiveLookups: state.effectiveLookups, voidLookups: state.voidLookups, problems: state.problems,
    ...(opts.ip ? { ip: opts.ip } : {}),
  };
}

async function walk(state: WalkState, domain: string, via: SpfNode['via'], depth: number, effective: boolean): Promise<SpfNode> {
  const node: SpfNode = { domain, via, recordCount: 0, terms: [], children: [], result: 'none', problems: [] };
  const found = await spfRecords(state, domain);
  if ('error' in found) {
    node.result = 'temperror';
    node.problems.push(found.error);
    return node;
  }
  node.recordCount = found.records.length;
  if (found.void) node.voidAnswer = true;
  if (found.records.length === 0) return note(state, node, 'none', `${domain} publishes no SPF record`);
  if (found.records.length > 1) return note(state, node, 'permerror', `${domain} publishes ${found.records.length} SPF records (RFC 7208 §4.5: permerror)`);
  const text = found.records[0] ?? '';
  node.record = text;
  const record = parseSpf(text);
  // §4.6: any syntax error (bad CIDR length, unknown mechanism...) makes the record a permerror; it is not evaluated.
  if (record.errors.length > 0) return note(state, node, 'permerror', `${domain}: syntax error: ${record.errors.join('; ')}`);
  let decided: SpfResult | undefined;
  const ctx: MacroContext = { sender: state.opts.sender ?? `postmaster@${domain}`, domain, ...(state.opts.ip ? { ip: state.opts.ip } : {}), ...(state.opts.helo ? { helo: state.opts.helo } : {}) };
  for (const mech of record.mechanisms) {
    const live = effective && decided === undefined;
    const term: SpfTerm = { raw: mech.raw, ...(live ? {} : { notEvaluated: true }) };
    node.terms.push(term);
    const outcome = await evalMechanism(state, node, mech, term, ctx, depth, live);
    if (!live) delete term.matched;
    if (live && outcome !== undefined) decided = outcome;
  }
  if (record.redirect !== undefined && !record.mechanisms.some((m) => m.name === 'all')) {
    // §6.1: redirect applies only when nothing matched and there is no "all".
    const live = effective && decided === undefined;
    const term: SpfTerm = { raw: `redirect=${record.redirect}`, ...(live ? {} : { notEvaluated: true }) };
    node.terms.push(term);
    const target = expandMacros(record.redirect, ctx);
    if (target === undefined) return note(state, node, 'permerror', `malformed macro in redirect=${record.redirect}`);
    if (countLookup(state, term, live) && depth < MAX_DEPTH) {
      const child = await walk(state, target.toLowerCase(), 'redirect', depth + 1, live);
      node.children.push(child);
      if (child.voidAnswer) countVoid(state, term, live);
      // §6.1: a redirect to a domain with no record is a permerror.
      if (live) decided = child.result === 'none' ? 'permerror' : child.result;
    }
  }
  node.result = decided ?? 'neutral';
  return node;
}

function note(state: WalkState, node: SpfNode, result: SpfResult, problem: string): SpfNode {
  node.result = result;
  node.problems.push(problem);
  state.problems.push(problem);
  return node;
}

/** One mechanism: counts its lookups, follows includes; returns the result when it matched (live) or must stop. */
async function evalMechanism(state: WalkState, node: SpfNode, mech: SpfMechanism, term: SpfTerm, ctx: MacroContext, depth: number, live: boolean): Promise<SpfResult | undefined> {
  const ip = state.opts.ip;
  const qualified = QUALIFIER_RESULT[mech.qualifier] ?? 'pass';
  switch (mech.name) {
    case 'all':
      term.matched = true;
      return qualified;
    case 'ip4':
    case 'ip6':
      term.matched = ip !== undefined && ipInNetwork(ip, mech.value, mech.name === 'ip4' ? mech.cidr4 : mech.cidr6);
      return term.matched ? qualified : undefined;
    default:
      break;
  }
  const target = mech.value ? expandMacros(mech.value, ctx) : ctx.domain;
  if (target === undefined) {
    note(state, node, 'permerror', `malformed macro in ${mech.raw}`);
    return 'permerror';
  }
  if (!countLookup(state, term, live)) return live ? 'permerror' : undefined;
  const name = target.toLowerCase();
  switch (mech.name) {
    case 'include': {
      if (depth >= MAX_DEPTH) return note(state, node, 'permerror', `include depth over ${MAX_DEPTH} at ${mech.raw}`).result;
      const child = await walk(state, name, 'include', depth + 1, live);
      node.children.push(child);
      // §4.6.4: void only when the query itself had no answer; TXT without SPF is "none" (a permerror below), not void.
      if (child.voidAnswer) countVoid(state, term, live);
      // §5.2: pass matches; fail/softfail/neutral do not; errors propagate; none is a permerror.
      if (child.result === 'pass') {
        term.matched = true;
        return qualified;
      }
      if (child.result === 'temperror' || child.result === 'permerror') return child.result;
      if (child.result === 'none') return 'permerror';
      return undefined;
    }
    case 'a':
    case 'mx':
      return evalAddressMechanism(state, mech, term, name, live, qualified);
    case 'exists': {
      const r = await query(state, name, 'A');
      if ('error' in r) return 'temperror';
      if (r.void) countVoid(state, term, live);
      term.matched = !r.void;
      return term.matched ? qualified : undefined;
    }
    case 'ptr':
      // §5.5: ptr SHOULD NOT be published; we count it but do not validate reverse names.
      term.note = 'ptr is counted but not evaluated (RFC 7208 §5.5 discourages it)';
      return undefined;
  }
}

async function evalAddressMechanism(state: WalkState, mech: SpfMechanism, term: SpfTerm, name: string, live: boolean, qualified: SpfResult): Promise<SpfResult | undefined> {
  const ip = state.opts.ip;
  const v6 = ip !== undefined && ip.includes(':') && !ip.startsWith('::ffff:');
  const family = v6 ? 'AAAA' : 'A';
  let hosts = [name];
  if (mech.name === 'mx') {
    const r = await query(state, name, 'MX');
    if ('error' in r) return 'temperror';
    if (r.void) countVoid(state, term, live);
    // §4.6.4: more than 10 MX names is a permerror.
    if (r.answers.length > 10) return 'permerror';
    hosts = r.answers.map((a) => String((a as { exchange?: string }).exchange ?? ''));
  }
  const addresses: string[] = [];
  for (const h of hosts) {
    const r = await query(state, h, family);
    if ('error' in r) return 'temperror';
    if (r.void && mech.name === 'a') countVoid(state, term, live);
    addresses.push(...r.answers.map(String));
  }
  term.note = `${mech.name === 'mx' ? `MX ${hosts.join(', ')} → ` : ''}${addresses.join(', ') || 'no address'}`;
  const prefix = v6 ? mech.cidr6 : mech.cidr4;
  term.matched = ip !== undefined && addresses.some((a) => ipInNetwork(ip, a, prefix));
  return term.matched ? qualified : undefined;
}

/** The tree as indented lines, with the lookup count at each DNS-querying term (the evidence MAN06 shows). */
export function renderSpfTree(evaluation: SpfEvaluation): string[] {
  const lines: string[] = [];
  const visit = (node: SpfNode, indent: string): void => {
    lines.push(`${indent}${node.domain} (${node.via}): ${node.record ?? `no single SPF record (${node.recordCount} found)`} → ${node.result}`);
    let child = 0;
    for (const t of node.terms) {
      const marks = [t.lookup !== undefined ? `lookup ${t.lookup}` : '', t.voidLookup ? 'void' : '', t.matched ? 'matches' : '', t.notEvaluated ? 'not evaluated' : '', t.note ?? ''].filter(Boolean).join(', ');
      lines.push(`${indent}  ${t.raw}${marks ? `  [${marks}]` : ''}`);
      if (/^[+\-~?]?(include:|redirect=)/i.test(t.raw)) {
        const c = node.children[child++];
        if (c) visit(c, `${indent}    `);
      }
    }
    for (const p of node.problems) lines.push(`${indent}  ! ${p}`);
  };
  visit(evaluation.tree, '');
  lines.push(`total: ${evaluation.lookups} DNS lookups (limit ${SPF_LOOKUP_LIMIT}), ${evaluation.voidLookups} void (limit ${SPF_VOID_LIMIT}); check_host(${evaluation.ip ?? 'no address'}) = ${evaluation.result}`);
  return lines;
}
