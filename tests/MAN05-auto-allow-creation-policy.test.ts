import { defineCase } from '../harness/plan/define-case.ts';
import { judgeAutoAllowPolicy } from '../harness/plan/policy-by-behaviour.ts';

defineCase({
  meta: {
    id: 'MAN05',
    title: 'Auto allow creation policy',
    mandatory: true,
    section: 'Verify Gateway Configuration',
    description: 'Outbound mail must be allowed to create managed-sender entries: no Auto Allow Creation exception may stop the sending domain from learning its correspondents.',
    actions: [
      "No API shows Auto Allow Creation policies: check that the outbound probe created an entry, i.e. that the external user's reply was let through by it.",
      'Otherwise use a recorded attestation (mailflow attest MAN05).',
    ],
    expected: 'An entry learnt from the outbound probe fired for the reply, or a valid attestation says creation is enabled.',
    correctiveActions: ['Review Auto Allow Creation policies: remove exceptions that cover the sending domain or the external recipients.'],
    comments: [],
  },
  perDomain: ({ plan, domain }) => judgeAutoAllowPolicy(plan, domain, 'MAN05', 'Auto Allow Creation policy'),
});
