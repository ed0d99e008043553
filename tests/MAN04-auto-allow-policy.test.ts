import { defineCase } from '../harness/plan/define-case.ts';
import { judgeAutoAllowPolicy } from '../harness/plan/policy-by-behaviour.ts';

defineCase({
  meta: {
    id: 'MAN04',
    title: 'Auto allow policy',
    mandatory: true,
    section: 'Verify Gateway Configuration',
    description: 'An Auto Allow policy should cover outbound mail, so that people the organisation writes to are trusted when they answer.',
    actions: [
      "The vendor API exposes no Auto Allow configuration: prove the policy by what it does. After the outbound probe, the external user's reply must pass the gateway on a managed-sender allow (see MAN09).",
      'Where that cannot be observed, use a recorded attestation (mailflow attest MAN04).',
    ],
    expected: 'The reply to the outbound probe was auto-allowed, or a valid attestation says the policy is in place.',
    correctiveActions: ['Create an Auto Allow policy from internal addresses to external addresses (the vendor default applies to everyone).'],
    comments: ['Behaviour is the proof here; an attestation is used only when the behaviour cannot be observed.'],
  },
  perDomain: ({ plan, domain }) => judgeAutoAllowPolicy(plan, domain, 'MAN04', 'Auto Allow policy'),
});
