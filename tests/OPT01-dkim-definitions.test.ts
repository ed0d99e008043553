import { MIN_DKIM_BITS, parseDkimRecord, publicKeyBits, sameDkimKey } from '../harness/analysis/dkim-record.ts';
import { createResolver } from '../harness/dns/resolver.ts';
import { defineCase } from '../harness/plan/define-case.ts';
import { isCheck, requireSection } from '../harness/plan/gateway-evidence.ts';
import type { Evidence } from '../harness/report/model.ts';

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
    for (const d of used) {
      const name = d.dnsAddress ?? `${d.selector}._domainkey.${domain}`;
      let txt: string[] = [];
      try {
        txt = ((await resolver(name, 'TXT')) as string[][]).map((r) => r.join(''));
      } catch (e) {
        problems.push(`TXT ${name}: ${(e as { code?: string }).code ?? (e as Error).message}`);
      }
      evidence.push({ kind: 'dns', label: `DKIM key of selector ${d.selector}`, query: name, type: 'TXT', answers: txt });
      const record = txt.map(parseDkimRecord).find((r) => r.publicKey !== '');
      if (!record) {
        if (txt.length || !problems.length) problems.push(`no DKIM key published at ${name}`);
        continue;
      }
      const bits = publicKeyBits(record.publicKey);
      if (!sameDkimKey(record.publicKey, d.publicKey)) problems.push(`the key at ${name} is not the definition's public key`);
      else if (bits === undefined || bits < MIN_DKIM_BITS) problems.push(`the key at ${name} is ${bits ?? 'an unreadable number of'} bits (at least ${MIN_DKIM_BITS})`);
      else good.push(`${d.selector} (${bits} bits)`);
    }
    if (problems.length) return { verdict: 'FAIL', detail: problems.join('; '), evidence };
    return { verdict: 'PASS', detail: `signing definition, enabled policy and matching DNS key for ${domain}: ${good.join(', ')}`, evidence };
  },
});
