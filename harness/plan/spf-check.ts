/** MAN06's checks of one domain's SPF, from DNS (RFC 7208), against the gateway's mechanism and this run's deliveries. */
import { evaluateSpf, renderSpfTree, SPF_LOOKUP_LIMIT, SPF_VOID_LIMIT, type SpfEvaluation, type SpfNode } from '../analysis/spf-eval.ts';
import { isSpfRecord, parseSpf } from '../analysis/spf-record.ts';
import { createResolver } from '../dns/resolver.ts';
import type { Evidence } from '../report/model.ts';
import type { CheckOutcome } from './define-case.ts';
import { gatewayHops } from './probe-evidence.ts';
import type { PlanContext } from './plan-context.ts';

/** One identity check_host sees at the recipient: the gateway's delivery address, its HELO and the envelope MAIL FROM. */
export interface SpfIdentity {
  ip: string;
  helo?: string;
  sender: string;
}

/** The envelope sender as the recipient recorded it (Return-Path, RFC 5321 §4.4), else the probe's MAIL FROM. */
function envelopeSender(raw: string, fallback: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const rp = /^return-path:\s*<([^>]*)>/im.exec(head)?.[1];
  return rp && rp.includes('@') ? rp : fallback;
}

/** The gateway's delivery identities the recipient saw in this run (its hop from the gateway), one per address. */
export function gatewayIdentitiesSeen(plan: PlanContext, domain: string): SpfIdentity[] {
  const out = new Map<string, SpfIdentity>();
  for (const p of plan.probes) {
    if (p.domain !== domain || !p.delivery.raw) continue;
    const hop = gatewayHops(plan, p.delivery.raw).fromGateway;
    if (!hop?.fromIp || out.has(hop.fromIp)) continue;
    const helo = hop.fromHelo ?? hop.fromHost;
    out.set(hop.fromIp, { ip: hop.fromIp, sender: envelopeSender(p.delivery.raw, p.from), ...(helo ? { helo } : {}) });
  }
  return [...out.values()];
}

/** Every problem in the tree (a temperror is recorded on the node whose query failed). */
function treeProblems(node: SpfNode): string[] {
  return [...node.problems, ...node.children.flatMap(treeProblems)];
}

function expectedMechanism(plan: PlanContext): string {
  return (plan.config.gateway.spfMechanism ?? `include:${plan.config.gateway.region}._netblocks.mimecast.com`).toLowerCase();
}

/**
 * check_host's results for the delivering gateway addresses: anything but pass
 * is a problem, except temperror, which means DNS did not answer (RFC 7208
 * §2.6.6): we could not tell, so it is ERROR material, not FAIL.
 */
export function judgeGatewayAddresses(evals: readonly SpfEvaluation[]): { problems: string[]; unsure: string[] } {
  const problems: string[] = [];
  const unsure: string[] = [];
  for (const e of evals) {
    if (e.result === 'temperror') unsure.push(`the gateway address ${e.ip ?? '?'} gets temperror (${treeProblems(e.tree).join('; ') || 'a DNS query failed'})`);
    else if (e.result !== 'pass') problems.push(`the gateway address ${e.ip ?? '?'} seen delivering in this run gets ${e.result}`);
  }
  return { problems, unsure };
}

export async function checkSpf(plan: PlanContext, domain: string): Promise<CheckOutcome> {
  const resolver = createResolver(plan.config.dns.servers);
  let txt: string[] = [];
  try {
    txt = ((await resolver(domain, 'TXT')) as string[][]).map((r) => r.join(''));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') return { verdict: 'ERROR', detail: `TXT ${domain}: ${code ?? (e as Error).message}`, evidence: [] };
  }
  const records = txt.filter(isSpfRecord);
  const evidence: Evidence[] = [{ kind: 'dns', label: `SPF records of ${domain}`, query: domain, type: 'TXT', answers: txt }];
  if (records.length !== 1) return { verdict: 'FAIL', detail: `${domain} publishes ${records.length} SPF records; exactly one is allowed (RFC 7208 §4.5)`, evidence };
  const record = parseSpf(records[0] ?? '');
  const problems: string[] = [];
  const mechanism = expectedMechanism(plan);
  const first = record.mechanisms[0]?.raw.toLowerCase().replace(/^\+/, '');
  const index = record.mechanisms.findIndex((m) => m.raw.toLowerCase().replace(/^\+/, '') === mechanism);
  if (index < 0) problems.push(`the gateway's mechanism ${mechanism} is missing`);
  else if (index > 0) problems.push(`the gateway's mechanism ${mechanism} is term ${index + 1}, not first (first is ${first ?? '?'})`);
  if (record.mechanisms.some((m) => m.name === 'all' && m.qualifier === '+')) problems.push('the record ends in +all: anyone may send as this domain');
  const identities = gatewayIdentitiesSeen(plan, domain);
  const seen = identities.map((i) => i.ip);
  // RFC 7208 §4: check_host(ip, domain, sender) with the probe's own envelope sender and the gateway's HELO.
  const evals = await Promise.all((identities.length ? identities : [undefined]).map((id) => evaluateSpf(domain, { resolver, ...(id ?? {}) })));
  const tree = evals[0];
  if (tree) {
    evidence.push({ kind: 'text', label: 'SPF tree with DNS lookup counts', text: renderSpfTree(tree).join('\n') }, { kind: 'verifier', label: 'SPF evaluation', data: tree });
    if (tree.lookups > SPF_LOOKUP_LIMIT) problems.push(`the whole tree needs ${tree.lookups} DNS lookups (limit ${SPF_LOOKUP_LIMIT}, RFC 7208 §4.6.4)`);
    if (tree.voidLookups > SPF_VOID_LIMIT) problems.push(`the tree has ${tree.voidLookups} void lookups (limit ${SPF_VOID_LIMIT})`);
  }
  const judged = judgeGatewayAddresses(seen.length ? evals : []);
  problems.push(...judged.problems);
  const unsure = judged.unsure;
  if (problems.length > 0) return { verdict: 'FAIL', detail: [...problems, ...unsure].join('; '), evidence };
  if (unsure.length > 0) return { verdict: 'ERROR', detail: `SPF could not be evaluated: ${unsure.join('; ')}`, evidence };
  if (seen.length === 0) return { verdict: 'NOT_RUN', detail: `the record is sound (${tree?.lookups ?? 0} lookups), but no delivered probe showed which gateway address delivers, so that part could not be checked`, evidence };
  return { verdict: 'PASS', detail: `one record, ${mechanism} first, ${tree?.lookups ?? 0}/${SPF_LOOKUP_LIMIT} lookups and ${tree?.voidLookups ?? 0}/${SPF_VOID_LIMIT} void, no +all; ${seen.join(', ')} pass`, evidence };
}
