import { aligned, recipientAuth, undecided } from '../harness/plan/auth-evidence.ts';
import { defineCase } from '../harness/plan/define-case.ts';
import { isOutcome, probeEvidence, requireDelivered } from '../harness/plan/probe-evidence.ts';
import { headerBlock } from '../harness/analysis/received-chain.ts';

defineCase({
  meta: {
    id: 'MAN13',
    title: 'DKIM signature passes for the sending domain',
    mandatory: true,
    section: 'Verify Outbound Security',
    description: "Outbound mail must carry a DKIM signature made with the domain's private key and verifiable with the public key the domain publishes in DNS.",
    actions: [
      'Send a probe per sending domain through the outbound route.',
      "Read the DKIM result the recipient's provider recorded in its own Authentication-Results header.",
      'Verify the DKIM signature of the delivered message independently against the live DNS key.',
    ],
    expected: 'dkim=pass with a signing domain aligned with the sending domain, confirmed by our own verification.',
    correctiveActions: [
      'Make sure a DKIM (DNS authentication) definition exists for the domain.',
      'Make sure a policy applies that definition to outbound mail from the domain.',
      'Publish the public key at selector._domainkey.<domain>.',
      'Allow for DNS propagation (from a few hours up to 48) after a change.',
    ],
    comments: ['Assumes the organisation signs its mail with DKIM.'],
  },
  async perDomain({ plan, domain, probe }) {
    const delivered = requireDelivered(plan, probe);
    if (isOutcome(delivered)) return delivered;
    const auth = await recipientAuth(plan, delivered.raw, delivered.source);
    const signatures = headerBlock(delivered.raw)
      .filter((h) => h.name.toLowerCase() === 'dkim-signature')
      .map((h) => `DKIM-Signature: ${h.value}`);
    const evidence = [{ kind: 'header' as const, label: 'DKIM-Signature headers', lines: signatures }, ...auth.evidence, ...probeEvidence(probe)];
    const dkim = auth.results.filter((r) => r.method === 'dkim');
    if (auth.headerLines.length === 0) {
      return { verdict: 'ERROR', detail: `no Authentication-Results from the recipient (${plan.config.recipient.authservIds.join(', ')}); check recipient.authservIds`, evidence };
    }
    if (dkim.length === 0) {
      // RFC 8601 §2.2: a method that was not applied is left out. An unsigned message is a finding; a signed one with no result we cannot judge.
      return signatures.length === 0
        ? { verdict: 'FAIL', detail: 'the delivered message carries no DKIM signature (the recipient recorded no DKIM result)', evidence }
        : { verdict: 'ERROR', detail: 'the message is signed but the recipient recorded no DKIM result', evidence };
    }
    const passing = dkim.find((r) => r.result === 'pass' && aligned(r.props['header.d'] ?? r.props['header.i'], domain));
    if (!passing) {
      const seen = dkim.map((r) => `dkim=${r.result}${r.props['header.i'] ?? r.props['header.d'] ? ` (${r.props['header.d'] ?? r.props['header.i']})` : ''}`).join(', ');
      return { verdict: 'FAIL', detail: `no passing DKIM signature aligned with ${domain}: the recipient recorded ${seen}`, evidence };
    }
    const ours = auth.reverification?.dkim.find((s) => s.result === 'pass' && aligned(s.domain, domain));
    // A key lookup that failed for now (temperror) is our verification being unavailable, not a disagreement (as MAN12).
    const undecidedRow = ours ? undefined : auth.reverification?.dkim.find((s) => undecided(s.result) && aligned(s.domain, domain));
    if (auth.reverification && !ours && !undecidedRow) {
      const seen = auth.reverification.dkim.map((s) => `${s.domain}: ${s.result}`).join(', ') || 'no signature';
      return { verdict: 'FAIL', detail: `the recipient recorded dkim=pass but our verification does not confirm it (${seen}): the two disagree`, evidence };
    }
    const signer = passing.props['header.d'] ?? passing.props['header.i'] ?? domain;
    const selector = passing.props['header.s'] ? ` selector ${passing.props['header.s']}` : '';
    const unavailable = auth.reverifyError ?? (undecidedRow ? `dkim=${undecidedRow.result}${undecidedRow.comment ? ` (${undecidedRow.comment})` : ''}` : 'unknown');
    const confirmed = ours ? `, confirmed by our verification${ours.keyBits ? ` (${ours.keyBits}-bit key)` : ''}` : ` (our verification unavailable: ${unavailable})`;
    return { verdict: 'PASS', detail: `dkim=pass for ${signer}${selector}${confirmed}`, evidence };
  },
});
