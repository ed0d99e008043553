import { defineCase } from '../harness/plan/define-case.ts';
import { attestationOutcome, logEvidence, logLookup, logUnavailable } from '../harness/plan/gateway-evidence.ts';
import { deliveryTo } from '../harness/plan/log-corroboration.ts';
import { describeTls, gatewayHops, hopEvidence } from '../harness/plan/probe-evidence.ts';
import type { Evidence } from '../harness/report/model.ts';

defineCase({
  meta: {
    id: 'MAN03',
    title: 'Opportunistic TLS (secure delivery policy)',
    mandatory: true,
    section: 'Verify Gateway Configuration',
    description: 'A secure delivery policy should make the gateway use TLS whenever the receiving server offers it.',
    actions: [
      "The vendor API has no secure delivery configuration endpoint: prove the policy by behaviour. Every outbound delivery of this run to a server that offers TLS must have used it, both in the recipient's Received hop and in the gateway's message log.",
      'Where nothing was delivered, use a recorded attestation (mailflow attest MAN03).',
    ],
    expected: 'Every outbound delivery of the run was encrypted, and headers and log agree.',
    correctiveActions: ['Create or fix the secure delivery policy (opportunistic TLS at least) for outbound mail from the sending domain.'],
    comments: ['The recipient provider of the run must offer STARTTLS, or this proof cannot be made.'],
  },
  perDomain({ plan, domain }) {
    const delivered = plan.probes.filter((p) => p.domain === domain && p.delivery.status === 'delivered' && p.delivery.raw);
    if (delivered.length === 0) return attestationOutcome(plan, 'MAN03', domain, 'no outbound delivery of this run can show the policy');
    const problems: string[] = [];
    const notes: string[] = [];
    const evidence: Evidence[] = [];
    for (const p of delivered) {
      const hop = gatewayHops(plan, p.delivery.raw ?? '').fromGateway;
      evidence.push(hopEvidence(`${p.format} probe: gateway → recipient`, [hop]));
      if (hop?.tls !== 'yes') problems.push(`${p.format} probe: the recipient's hop ${hop ? `records ${hop.tls === 'no' ? 'no TLS' : 'no TLS notation'}` : 'is missing'}`);
      const lookup = logLookup(plan, p.messageId);
      const unavailable = logUnavailable(plan, lookup);
      if (unavailable !== undefined) {
        notes.push(unavailable);
        continue;
      }
      evidence.push(...logEvidence(lookup));
      const d = deliveryTo(lookup?.entries ?? [], p.to);
      if (d?.tls !== 'yes') problems.push(`${p.format} probe: the message log records the delivery as "${d?.encryptionInfo ?? 'absent'}"${hop?.tls === 'yes' ? ' while the headers show TLS (the sources disagree)' : ''}`);
    }
    if (problems.length > 0) return { verdict: 'FAIL', detail: problems.join('; '), evidence };
    const first = gatewayHops(plan, delivered[0]?.delivery.raw ?? '').fromGateway;
    const logNote = notes.length ? `; message log not consulted: ${[...new Set(notes)].join('; ')}` : ' and in the message log';
    return { verdict: 'PASS', detail: `all ${delivered.length} outbound deliveries used TLS (${first ? describeTls(first) : '?'}) in the headers${logNote}: the secure delivery policy is in force`, evidence };
  },
});
