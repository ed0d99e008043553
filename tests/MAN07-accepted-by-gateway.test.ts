import { defineCase, type CheckOutcome } from '../harness/plan/define-case.ts';
import type { PlanContext } from '../harness/plan/plan-context.ts';
import type { ProbeRecord } from '../harness/plan/probe-types.ts';
import { corroborate } from '../harness/plan/log-corroboration.ts';
import { dsnReason, gatewayHops, mtaName, hopEvidence, unjudgedProbe } from '../harness/plan/probe-evidence.ts';

defineCase({
  meta: {
    id: 'MAN07',
    title: 'Email accepted for delivery by the gateway',
    mandatory: true,
    section: 'Verify Outbound Email Routing',
    description:
      "Mail that the organisation's own servers hand to the gateway must be taken on for delivery: the gateway accepts it from the customer's MTA.",
    actions: [
      'Send a probe from an internal mailbox of each sending domain to the external test mailbox, through the configured outbound route.',
      "Confirm that the gateway took the message: its own Received hop appears in the delivered message, or, if delivery later failed, the bounce comes from the gateway itself.",
    ],
    expected: 'The gateway accepted every probe.',
    correctiveActions: [
      "Confirm the probe left the customer's MTA (its queue and message tracking).",
      "Confirm the MTA's outbound connector or smart host points at the gateway's delivery route.",
      "Look up the refusal in the gateway's connection, rejection and bounce views and in the bounce message, and fix its cause (authorized outbound address, internal domain).",
    ],
    comments: [],
  },
  perDomain({ plan, probe }) {
    // The gateway's message log must show the probe, found by its Message-ID, as taken on.
    return corroborate(plan, probe, fromHeaders(plan, probe), (entries) => {
      const accepted = entries.find((e) => e.receipt.receiptAcknowledgement?.startsWith('250') || /deliver|process|accept/i.test(e.status));
      return accepted
        ? { agrees: true, detail: `found as ${accepted.id} (${accepted.status}${accepted.route ? `, route ${accepted.route}` : ''}), received from ${accepted.receipt.remoteIp ?? '?'}` }
        : { agrees: false, detail: `the log shows it as ${entries.map((e) => e.status).join(', ')}, not accepted` };
    });
  },
});

function fromHeaders(plan: PlanContext, probe: ProbeRecord | undefined): CheckOutcome {
  const judged = unjudgedProbe(plan, probe);
  if ('outcome' in judged) return judged.outcome;
  const { reason, evidence } = judged;
  const d = judged.probe.delivery;
  if (d.status === 'delivered' && d.raw) {
    const { toGateway } = gatewayHops(plan, d.raw);
    if (toGateway) {
      return {
        verdict: 'PASS',
        detail: `accepted by ${toGateway.by ?? 'the gateway'} from ${toGateway.fromHost ?? toGateway.fromHelo ?? 'the customer MTA'}${toGateway.fromIp ? ` [${toGateway.fromIp}]` : ''}`,
        evidence: [hopEvidence("The gateway's Received hop", [toGateway]), ...evidence],
      };
    }
    return {
      verdict: 'FAIL',
      detail: `the probe was delivered but no Received hop matches the gateway (${plan.config.gateway.hopPatterns.join(', ')}): mail bypasses the gateway`,
      evidence,
    };
  }
  if (d.status === 'bounced' && d.dsn) {
    const patterns = plan.config.gateway.hopPatterns.map((p) => new RegExp(p, 'i'));
    const reporter = mtaName(d.dsn.reportingMta ?? '');
    const viaGateway = patterns.some((re) => re.test(reporter));
    if (viaGateway) {
      return { verdict: 'PASS', detail: `accepted by the gateway (${reporter}), which then could not deliver it: ${dsnReason(d.dsn)}`, evidence };
    }
    return { verdict: 'FAIL', detail: `not accepted by the gateway: ${dsnReason(d.dsn)}`, evidence };
  }
  return { verdict: 'FAIL', detail: `no evidence that the gateway accepted the probe: ${reason ?? d.status}`, evidence };
}
