import { defineCase } from '../harness/plan/define-case.ts';
import { isCheck, requireSection } from '../harness/plan/gateway-evidence.ts';
import type { InternalDomain } from '../harness/gateway/snapshot.ts';

function typeOf(d: InternalDomain): 'remote' | 'local' | 'send-only' {
  return d.sendOnly ? 'send-only' : d.local ? 'local' : 'remote';
}

defineCase({
  meta: {
    id: 'MAN02',
    title: 'Internal domains',
    mandatory: true,
    section: 'Verify Gateway Configuration',
    description: "Every domain the organisation sends from must be registered on the gateway as internal, with the right type, or the gateway treats its mail as relay.",
    actions: ["Read the gateway's internal domains through its API and look for each configured sending domain and its type."],
    expected: 'Each sending domain is an internal domain of the expected type (remote: mailboxes live on the customer side).',
    correctiveActions: ['Register the missing domain as internal (verify it by DNS) and set its type; send-only domains are set by the vendor support team.'],
    comments: [],
  },
  perDomain({ plan, domain }) {
    const got = requireSection(plan, (s) => s.internalDomains, "The gateway's internal domains");
    if (isCheck(got)) return got;
    const expected = plan.config.gateway.domainType;
    const found = got.value.find((d) => d.domain === domain.toLowerCase());
    const all = `gateway lists ${got.value.map((d) => `${d.domain} (${typeOf(d)})`).join(', ') || 'no domains'}`;
    if (!found) return { verdict: 'FAIL', detail: `${domain} is not an internal domain on the gateway (${all})`, evidence: got.evidence };
    if (typeOf(found) !== expected) return { verdict: 'FAIL', detail: `${domain} is internal but of type ${typeOf(found)}, expected ${expected}`, evidence: got.evidence };
    return { verdict: 'PASS', detail: `${domain} is internal, type ${expected}, inbound ${found.inboundType ?? '?'} (${all})`, evidence: got.evidence };
  },
});
