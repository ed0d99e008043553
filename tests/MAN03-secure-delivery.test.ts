import { defineCase } from '../harness/plan/define-case.ts';
import { attestationOutcome } from '../harness/plan/gateway-evidence.ts';
import { judgeSecureDelivery } from '../harness/plan/log-corroboration.ts';

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
  perDomain: ({ plan, domain }) => judgeSecureDelivery(plan, domain) ?? attestationOutcome(plan, 'MAN03', domain, 'no outbound delivery of this run can show the policy'),
});
