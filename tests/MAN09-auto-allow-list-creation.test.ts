import { defineCase } from '../harness/plan/define-case.ts';
import { autoAllowFinding } from '../harness/plan/auto-allow-evidence.ts';

defineCase({
  meta: {
    id: 'MAN09',
    title: 'Auto allow list creation',
    mandatory: true,
    section: 'Verify Outbound Email Routing',
    description: "Writing to an external address should teach the gateway that this correspondent is wanted: an auto allow (managed sender) entry is created, and the correspondent's reply is let through by it.",
    actions: [
      'Send the outbound probe from an internal mailbox to the external test mailbox (the probe phase).',
      'Reply from the external mailbox to the internal sender (the reply chain).',
      "Find the reply in the gateway's message log by its Message-ID and read its managed-sender verdict.",
    ],
    expected: "The reply is in the message log with a managed-sender allow verdict that names the learnt entry.",
    correctiveActions: [
      'Check that an Auto Allow policy applies to outbound mail from the sending domain and that no Auto Allow Creation exception excludes it.',
      "Look the correspondent up in the gateway's managed senders (type Auto) and check the entry is not disabled.",
    ],
    comments: ['Without a reply leg (reply chains not run, or the reply never sent) the case is NOT_RUN, never PASS.'],
  },
  perDomain: ({ plan, domain }) => autoAllowFinding(plan, domain).outcome,
});
