import { aligned, recipientAuth, undecided } from '../harness/plan/auth-evidence.ts';
import { defineCase } from '../harness/plan/define-case.ts';
import { isOutcome, probeEvidence, requireDelivered } from '../harness/plan/probe-evidence.ts';

defineCase({
  meta: {
    id: 'MAN12',
    title: 'SPF passes at the recipient',
    mandatory: true,
    section: 'Verify Outbound Security',
    description: "The recipient's mail system must find the gateway authorised by the sending domain's SPF record, so that it treats the gateway as a legitimate sender for the domain.",
    actions: [
      'Send a probe per sending domain through the outbound route.',
      "Read the SPF result the recipient's provider recorded in its own Authentication-Results header (upstream headers are ignored).",
      'Re-evaluate SPF independently for the address the recipient saw connecting, against the live DNS.',
    ],
    expected: 'spf=pass for the sending domain, confirmed by the re-evaluation.',
    correctiveActions: [
      'Publish an SPF record for the domain.',
      "Add the gateway's mechanism for your region to it (the include the gateway vendor documents).",
      'Check that the record is well formed and stays within 10 DNS lookups.',
      'Allow for DNS propagation (from a few hours up to 48) after a change.',
    ],
    comments: ['Assumes the organisation publishes SPF records.'],
  },
  async perDomain({ plan, domain, probe }) {
    const delivered = requireDelivered(plan, probe);
    if (isOutcome(delivered)) return delivered;
    const auth = await recipientAuth(plan, delivered.raw, delivered.source);
    const evidence = [...auth.evidence, ...probeEvidence(probe)];
    const spf = auth.results.find((r) => r.method === 'spf');
    if (auth.headerLines.length === 0) {
      return { verdict: 'ERROR', detail: `no Authentication-Results from the recipient (${plan.config.recipient.authservIds.join(', ')}); check recipient.authservIds`, evidence };
    }
    if (!spf) return { verdict: 'ERROR', detail: 'the recipient recorded no SPF result, so it cannot be judged', evidence };
    const checked = spf.props['smtp.mailfrom'] ?? spf.props['smtp.helo'];
    if (spf.result !== 'pass') return { verdict: 'FAIL', detail: `the recipient recorded spf=${spf.result} for ${checked ?? domain}`, evidence };
    if (!aligned(checked, domain)) {
      return { verdict: 'FAIL', detail: `SPF passed for ${checked ?? 'an unnamed domain'}, not for ${domain}`, evidence };
    }
    const ours = auth.reverification?.spf;
    if (ours && ours.result !== 'pass' && !undecided(ours.result)) {
      return { verdict: 'FAIL', detail: `the recipient recorded spf=pass but re-evaluation gives ${ours.result} (${ours.comment ?? 'no comment'}): the two disagree`, evidence };
    }
    const confirmed = ours?.result === 'pass' ? ', confirmed by re-evaluation' : ` (re-evaluation unavailable: ${auth.reverifyError ?? ours?.result ?? 'no connecting address'})`;
    return { verdict: 'PASS', detail: `spf=pass for ${checked}${confirmed}`, evidence };
  },
});
