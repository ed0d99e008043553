import { MIN_DKIM_BITS, parseDkimRecord, publicKeyBits, sameDkimKey } from '../harness/analysis/dkim-record.ts';
import { createResolver } from '../harness/dns/resolver.ts';
import { defineCase } from '../harness/plan/define-case.ts';
import { isCheck, requireSection } from '../harness/plan/gateway-evidence.ts';
import type { DkimDefinition } from '../harness/gateway/snapshot.ts';
import type { Evidence } from '../harness/report/model.ts';

type Resolver = ReturnType<typeof createResolver>;

/** The name verifiers query (RFC 6376 §3.6.2.1); `dnsAddress` may be that full name or just its host part. */
function dnsAddressDiffers(dnsAddress: string | undefined, name: string, domain: string): boolean {
  if (dnsAddress === undefined) return false;
  const a = dnsAddress.trim().toLowerCase().replace(/\.$/, '');
  return a !== name && `${a}.${domain.toLowerCase()}` !== name;
}

/** One definition's key in DNS: at selector._domainkey.domain, the definition's key, its stated length, long enough. */
async function checkDefinitionKey(resolver: Resolver, d: DkimDefinition, domain: string): Promise<{ problems: string[]; good?: string; dnsError?: string; evidence: Evidence }> {
  const name = `${d.selector}._domainkey.${domain.toLowerCase()}`;
  const problems: string[] = [];
  if (dnsAddressDiffers(d.dnsAddress, name, domain)) problems.push(`the definition says to publish at ${d.dnsAddress ?? ''}, but verifiers look up ${name} (selector ${d.selector})`);
  let txt: string[] = [];
  try {
    txt = ((await resolver(name, 'TXT')) as string[][]).map((r) => r.join(''));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const evidence: Evidence = { kind: 'dns', label: `DKIM key of selector ${d.selector}`, query: name, type: 'TXT', answers: [] };
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') return { problems, dnsError: `TXT ${name}: ${code ?? (e as Error).message}`, evidence };
    problems.push(`no DKIM key published at ${name}`);
  }
  const evidence: Evidence = { kind: 'dns', label: `DKIM key of selector ${d.selector}`, query: name, type: 'TXT', answers: txt };
  const record = txt.map(parseDkimRecord).find((r) => r.publicKey !== '');
  if (!record) {
    if (txt.length) problems.push(`no usable DKIM key (p=) at ${name}`);
    return { problems, evidence };
  }
  const bits = publicKeyBits(record.publicKey);
  if (!sameDkimKey(record.publicKey, d.publicKey)) problems.push(`the key at ${name} is not the definition's public key`);
  else if (bits === undefined || bits < MIN_DKIM_BITS) problems.push(`the key at ${name} is ${bits ?? 'an unreadable number of'} bits (at least ${MIN_DKIM_BITS})`);
  else if (d.keyLength !== undefined && d.keyLength !== bits) problems.push(`the definition states ${d.keyLength}-bit keys, but the key at ${name} is ${bits} bits`);
  return { problems, good: `${d.selector} (${bits ?? '?'} bits)`, evidence };
}

defineCase({
  meta: {
    id: 'OPT01',
    title: 'DKIM definitions and DNS',
    mandatory: false,
    section: 'Verify Gateway Configuration',
    description: 'The gateway should sign each sending domain with DKIM: a signing definition, an enabled policy that uses it, and the matching public key in DNS.',
    actions: [
      "Read the gateway's DNS authentication (DKIM) definitions and policies through its API.",
      'For each domain: a definition that signs, an enabled policy that uses it, and a TXT record at selector._domainkey.domain whose key is the definition\'s public key, at least 1024 bits long.',
    ],
    expected: 'Every sending domain has a signing definition, an enabled policy, and a matching key in DNS.',
    correctiveActions: [
      'Create the DNS authentication definition (DKIM) for the domain and publish its public key at the selector it names.',
      'Enable a DNS authentication policy from internal to external addresses that uses the definition.',
      'If the key in DNS differs, publish the definition\'s current key (and remove stale selectors).',
    ],
    comments: ['RFC 8301 asks for 2048-bit keys; 1024 bits is the floor verifiers still accept.'],
  },
  async perDomain({ plan, domain }) {
    const defs = requireSection(plan, (s) => s.dkimDefinitions, 'DKIM definitions');
    if (isCheck(defs)) return defs;
    const pols = requireSection(plan, (s) => s.dkimPolicies, 'DKIM policies');
    if (isCheck(pols)) return pols;
    const evidence: Evidence[] = [...defs.evidence, ...pols.evidence];
    const mine = defs.value.filter((d) => d.domain === domain.toLowerCase());
    const signing = mine.filter((d) => d.signDkim);
    if (signing.length === 0) return { verdict: 'FAIL', detail: mine.length ? `${domain} has a definition (${mine.map((d) => d.selector).join(', ')}) but it does not sign` : `${domain} has no DKIM definition`, evidence };
    const used = signing.filter((d) => pols.value.some((p) => p.enabled && p.definitionId === d.id));
    if (used.length === 0) return { verdict: 'FAIL', detail: `no enabled policy uses the ${domain} definition(s) ${signing.map((d) => d.id).join(', ')}: nothing is signed`, evidence };
    const resolver = createResolver(plan.config.dns.servers);
    const problems: string[] = [];
    const good: string[] = [];
    const dnsErrors: string[] = [];
    for (const d of used) {
      const r = await checkDefinitionKey(resolver, d, domain);
      evidence.push(r.evidence);
      problems.push(...r.problems);
      if (r.dnsError) dnsErrors.push(r.dnsError);
      if (r.problems.length === 0 && r.good) good.push(r.good);
    }
    if (problems.length) return { verdict: 'FAIL', detail: [...problems, ...dnsErrors].join('; '), evidence };
    // DNS did not answer: we could not tell.
    if (dnsErrors.length) return { verdict: 'ERROR', detail: `the DKIM key could not be looked up: ${dnsErrors.join('; ')}`, evidence };
    return { verdict: 'PASS', detail: `signing definition, enabled policy and matching DNS key for ${domain}: ${good.join(', ')}`, evidence };
  },
});
