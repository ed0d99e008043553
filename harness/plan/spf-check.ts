/** MAN06's checks of one domain's SPF, from DNS (RFC 7208), against the gateway's mechanism and this run's deliveries. */
import { evaluateSpf, renderSpfTree, SPF_LOOKUP_LIMIT, SPF_VOID_LIMIT } from '../analysis/spf-eval.ts';
import { isSpfRecord, parseSpf } from '../analysis/spf-record.ts';
import { createResolver } from '../dns/resolver.ts';
import type { Evidence } from '../report/model.ts';
import type { CheckOutcome } from './define-case.ts';
import { gatewayHops } from './probe-evidence.ts';
import type { PlanContext } from './plan-context.ts';

/** The gateway's delivery addresses the recipient saw in this run (the `from` of its hop from the gateway). */
export function gatewayIpsSeen(plan: PlanContext, domain: string): string[] {
  const ips = plan.probes
    .filter((p) => p.domain === domain && p.delivery.raw)
    .map((p) => gatewayHops(plan, p.delivery.raw ?? '').fromGateway?.fromIp)
    .filter((ip): ip is string => Boolean(ip));
  return [...new Set(ips)];
}

function expectedMechanism(plan: PlanContext): string {
  return (plan.config.gateway.spfMechanism ?? `include:${plan.config.gateway.region}._netblocks.mimecast.com`).toLowerCase();
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
  const seen = gatewayIpsSeen(plan, domain);
  const evals = await Promise.all((seen.length ? seen : [undefined]).map((ip) => evaluateSpf(domain, { resolver, ...(ip ? { ip } : {}) })));
  const tree = evals[0];
  if (tree) {
    evidence.push({ kind: 'text', label: 'SPF tree with DNS lookup counts', text: renderSpfTree(tree).join('\n') }, { kind: 'verifier', label: 'SPF evaluation', data: tree });
    if (tree.lookups > SPF_LOOKUP_LIMIT) problems.push(`the whole tree needs ${tree.lookups} DNS lookups (limit ${SPF_LOOKUP_LIMIT}, RFC 7208 §4.6.4)`);
    if (tree.voidLookups > SPF_VOID_LIMIT) problems.push(`the tree has ${tree.voidLookups} void lookups (limit ${SPF_VOID_LIMIT})`);
  }
  for (const e of seen.length ? evals : []) if (e.result !== 'pass') problems.push(`the gateway address ${e.ip ?? '?'} seen delivering in this run gets ${e.result}`);
  if (problems.length > 0) return { verdict: 'FAIL', detail: problems.join('; '), evidence };
  if (seen.length === 0) return { verdict: 'NOT_RUN', detail: `the record is sound (${tree?.lookups ?? 0} lookups), but no delivered probe showed which gateway address delivers, so that part could not be checked`, evidence };
  return { verdict: 'PASS', detail: `one record, ${mechanism} first, ${tree?.lookups ?? 0}/${SPF_LOOKUP_LIMIT} lookups and ${tree?.voidLookups ?? 0}/${SPF_VOID_LIMIT} void, no +all; ${seen.join(', ')} pass`, evidence };
}
