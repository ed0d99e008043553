import { defineCase, type CheckOutcome } from '../harness/plan/define-case.ts';
import { corroborate, deliveryTo } from '../harness/plan/log-corroboration.ts';
import type { PlanContext } from '../harness/plan/plan-context.ts';
import type { ProbeRecord } from '../harness/plan/probe-types.ts';
import { gatewayHops, hopEvidence, unjudgedProbe } from '../harness/plan/probe-evidence.ts';

defineCase({
  meta: {
    id: 'MAN08',
    title: 'Email delivered by the gateway to the external recipient',
    mandatory: true,
    section: 'Verify Outbound Email Routing',
    description: 'Once the gateway has taken a message on, it must process it and hand it to the recipient\'s mail server, which places it in the mailbox.',
    actions: [
      'Wait for each probe in the external test mailbox (IMAP IDLE), up to the configured delivery timeout.',
      "If it does not arrive, look for a bounce in the sender's mailbox and report which server refused it and what it answered.",
    ],
    expected: 'Every probe is in the external mailbox.',
    correctiveActions: [
      "Work through the gateway's delivery queue and bounce views for the probe.",
      "Look in the recipient mailbox's spam and quarantine folders.",
      "Read the bounce in the sender's mailbox: it names the server that refused the message and its reply.",
    ],
    comments: [],
  },
  perDomain: ({ plan, probe }) => corroborate(plan, probe, fromHeaders(plan, probe), (entries, p) => {
    // The log must show the delivery to the recipient with the remote server's 250 reply.
    const d = deliveryTo(entries, p.to);
    if (!d) return { agrees: false, detail: `the log has no delivery to ${p.to}` };
    const ok = (d.receiptAcknowledgement ?? '').startsWith('250');
    return { agrees: ok, detail: `delivery to ${d.remoteHost ?? d.remoteIp ?? '?'} answered "${d.receiptAcknowledgement ?? 'no reply recorded'}"` };
  }),
});

function fromHeaders(plan: PlanContext, probe: ProbeRecord | undefined): CheckOutcome {
  const judged = unjudgedProbe(plan, probe);
  if ('outcome' in judged) return judged.outcome;
  const { reason, evidence } = judged;
  const d = judged.probe.delivery;
  if (d.status !== 'delivered' || !d.raw) return { verdict: 'FAIL', detail: reason ?? d.status, evidence };
  const { fromGateway, hops } = gatewayHops(plan, d.raw);
  const dup = d.duplicates > 0 ? `; ${d.duplicates} further cop${d.duplicates === 1 ? 'y' : 'ies'} with the same token seen and not counted` : '';
  return {
    verdict: 'PASS',
    detail: `in ${judged.probe.to} ${d.latencyMs ?? '?'} ms after submission${fromGateway?.by ? `, received by ${fromGateway.by}` : ''}${dup}`,
    evidence: [hopEvidence("The recipient's Received hop", [fromGateway ?? hops[0]]), ...evidence],
  };
}
