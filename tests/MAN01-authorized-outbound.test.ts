import { cidrContains } from '../harness/analysis/spf-record.ts';
import { defineCase, type CheckOutcome } from '../harness/plan/define-case.ts';
import { isCheck, requireSection } from '../harness/plan/gateway-evidence.ts';
import type { PlanContext } from '../harness/plan/plan-context.ts';
import { worseVerdict, type Evidence } from '../harness/report/model.ts';

/** Prefix length of "net/prefix" (a bare address is a /32, or /128 for IPv6). */
function prefixOf(cidr: string): number {
  const [net = '', bits] = cidr.trim().split('/');
  return bits === undefined ? (net.includes(':') ? 128 : 32) : Number(bits);
}

/** Network a contains network b. */
function covers(a: string, b: string): boolean {
  return prefixOf(a) <= prefixOf(b) && cidrContains(a, b.trim().split('/')[0] ?? '');
}

function compare(configured: readonly string[], listed: readonly string[]) {
  return {
    missing: configured.filter((c) => !listed.some((l) => covers(l, c))),
    unexpected: listed.filter((l) => !configured.some((c) => covers(c, l))),
  };
}

function relayPart(plan: PlanContext): { verdict: CheckOutcome['verdict']; detail: string; evidence: Evidence[] } {
  const r = plan.gateway?.relayAttempt;
  if (!r) return { verdict: 'NOT_RUN', detail: 'relay attempt not run: gateway.relayCheck.sourceAddress (a local address that is not authorized) is not configured', evidence: [] };
  const evidence: Evidence[] = [{ kind: 'transcript', label: `Relay attempt from ${r.sourceAddress} to ${r.target}`, lines: r.transcript }];
  if (r.outcome === 'refused') return { verdict: 'PASS', detail: `relay from ${r.sourceAddress} refused: ${r.rcptReply ?? ''}`, evidence };
  if (r.outcome === 'accepted') return { verdict: 'FAIL', detail: `the gateway accepted a relay from the unauthorized address ${r.sourceAddress}: ${r.rcptReply ?? ''} (open relay)`, evidence };
  return { verdict: 'ERROR', detail: `relay attempt inconclusive: ${r.error ?? r.rcptReply ?? 'no answer'}`, evidence };
}


defineCase({
  meta: {
    id: 'MAN01',
    title: 'Authorized outbound addresses',
    mandatory: true,
    section: 'Verify Gateway Configuration',
    description: "The gateway must relay outbound mail only for the customer's own mail servers: its authorized outbound list holds exactly their public addresses, and anyone else is refused.",
    actions: [
      "Read the gateway's authorized outbound addresses through its API and compare them, as networks, with the configured sending MTAs' public addresses; list what is missing and what is unexpected.",
      'Connect to the gateway from an address that is not authorized and try to relay to an external recipient; the gateway must refuse the recipient (no message is ever sent).',
    ],
    expected: 'The lists match and the relay attempt is refused with a 5xx reply.',
    correctiveActions: [
      'Add the missing public addresses of the customer MTAs to the authorized outbound list, and remove stale ones.',
      'If the relay attempt was accepted, remove the over-broad entries (or the policy) that make the gateway an open relay.',
    ],
    comments: ['Not applicable to a Microsoft 365 tenant without an on-premises MTA: Microsoft 365 is authorized by its connector, not by address.'],
  },
  // The plan does not repeat MAN01 per sending domain: the list and the relay attempt are the whole gateway's.
  once({ plan }) {
    const configured = plan.config.gateway.authorizedOutbound;
    if (plan.config.environment === 'm365' && configured.length === 0) {
      return { verdict: 'NOT_APPLICABLE', detail: 'Microsoft 365 with no on-premises MTA: outbound mail is authorized by the tenant connector, not by address', evidence: [] };
    }
    const relay = relayPart(plan);
    const listed = requireSection(plan, (s) => s.outboundAddresses, "The gateway's authorized outbound addresses");
    const list: { verdict: CheckOutcome['verdict']; detail: string; evidence: Evidence[] } = isCheck(listed) ? listed : (() => {
      const { missing, unexpected } = compare(configured, listed.value);
      const text = `configured ${configured.join(', ') || 'none'}; gateway lists ${listed.value.join(', ') || 'none'}`;
      const problems = [missing.length ? `missing on the gateway: ${missing.join(', ')}` : '', unexpected.length ? `unexpected on the gateway: ${unexpected.join(', ')}` : ''].filter(Boolean);
      return { verdict: problems.length ? 'FAIL' as const : 'PASS' as const, detail: problems.length ? `${problems.join('; ')} (${text})` : `the lists match (${text})`, evidence: listed.evidence };
    })();
    const verdict = worseVerdict(list.verdict, relay.verdict);
    return { verdict, detail: `${list.detail}; ${relay.detail}`, evidence: [...relay.evidence, ...list.evidence] };
  },
});
