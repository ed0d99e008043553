import { defineCase } from '../harness/plan/define-case.ts';
import { stationeryMarkers } from '../harness/plan/disclaimer-evidence.ts';
import { decideRepetition } from '../harness/plan/stationery-verdicts.ts';

defineCase({
  meta: {
    id: 'MAN15',
    title: 'Signature/disclaimer not repeated',
    mandatory: true,
    section: 'Verify Signatures / Disclaimers',
    description: 'As a conversation goes back and forth, the gateway must add the stationery once and not again: a reply that already quotes it must not get a second copy.',
    actions: [
      'Take the delivered probe of each sending domain and format as the start of a conversation.',
      "Reply to it from the external mailbox, quoting it, through the external provider's submission server; fetch the reply from the internal mailbox.",
      'Reply to that from the internal mailbox, quoting it, through the outbound route; fetch it from the external mailbox.',
      'Check that the three messages thread (Message-ID, In-Reply-To, References) and count the stationery in every visible part of each, quoted copies included.',
    ],
    expected: 'The three messages thread, and the final outbound reply shows the stationery (and the disclaimer wording, when configured) exactly once in each visible body part.',
    correctiveActions: [
      "Set the stationery layout's unique identification text to a string that is part of the layout itself, so the gateway recognises a message that already carries it.",
      'Keep that text visible in both the text and the HTML version of the layout: mail clients keep visible text when they quote.',
    ],
    comments: [
      'Replies are written the way Gmail (external user) and Outlook or a plain-text client (internal user) write them.',
      'When the original never received stationery (see MAN14) repetition cannot be judged and the check is NOT_RUN.',
    ],
  },
  perFormat({ plan, domain, format }) {
    const chain = plan.replyChains.find((c) => c.domain === domain && c.format === format);
    return decideRepetition(chain, stationeryMarkers(plan.config), domain, format);
  },
});
