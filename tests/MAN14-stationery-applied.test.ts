import { defineCase } from '../harness/plan/define-case.ts';
import { NO_MARKERS, partEvidence, stationeryMarkers, stationeryOf } from '../harness/plan/disclaimer-evidence.ts';
import { isOutcome, probeEvidence, requireDelivered } from '../harness/plan/probe-evidence.ts';
import { judgeApplied } from '../harness/plan/stationery-verdicts.ts';

defineCase({
  meta: {
    id: 'MAN14',
    title: 'Signature/disclaimer applied',
    mandatory: true,
    section: 'Verify Signatures / Disclaimers',
    description: "The gateway must add the organisation's stationery (signature and disclaimer) to mail on the outbound route, in every format people send: plain text, HTML, HTML only and Outlook rich text.",
    actions: [
      'Send a probe per sending domain and per format through the outbound route.',
      "Read each delivered probe as a recipient would: every text and HTML body part, transfer encodings undone and HTML rendered, hidden elements and comments left out.",
      "Look for the layout's unique identification text, and the configured disclaimer wording, in each of those parts.",
    ],
    expected: 'Every visible body part of every probe shows the stationery (unique text, and disclaimer wording when configured).',
    correctiveActions: [
      'Check that a stationery assignment policy covers outbound mail from the sending domain to external recipients.',
      'Check the stationery layout: it needs both a text and an HTML version, and the unique identification text must be visible in both.',
    ],
    comments: [
      'A copy that a reader cannot see (an HTML comment, display:none or visibility:hidden inline or from a style sheet, mso-hide:all, a font of 1px or less, a transparent colour, a clipped zero-size box) is reported but not counted.',
      'Rich text is probed as Exchange puts it on the wire: HTML converted from RTF, with an inline image in multipart/related.',
    ],
  },
  perFormat({ plan, probe, format }) {
    const markers = stationeryMarkers(plan.config);
    if (!markers) return { verdict: 'NOT_RUN', detail: NO_MARKERS, evidence: probeEvidence(probe) };
    const delivered = requireDelivered(plan, probe);
    if (isOutcome(delivered)) return delivered;
    const parts = stationeryOf(delivered, markers);
    const evidence = [...partEvidence(`${format} probe as delivered`, parts), ...probeEvidence(probe)];
    return { ...judgeApplied(format, parts, markers), evidence };
  },
});
