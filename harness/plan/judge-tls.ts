/** The verdict for one hop's encryption, shared by MAN10 (into the gateway) and MAN11 (out of it). */
import type { Hop } from '../analysis/received-chain.ts';
import type { CheckOutcome } from './define-case.ts';
import { describeTls, gatewayHops, hopEvidence, isOutcome, probeEvidence, requireDelivered } from './probe-evidence.ts';
import type { PlanContext } from './plan-context.ts';
import type { ProbeRecord } from './probe-types.ts';

export function judgeTlsHop(plan: PlanContext, probe: ProbeRecord | undefined, which: 'toGateway' | 'fromGateway'): CheckOutcome {
  const delivered = requireDelivered(plan, probe);
  if (isOutcome(delivered)) return delivered;
  const roles = gatewayHops(plan, delivered.raw);
  const hop: Hop | undefined = roles[which];
  const leg = which === 'toGateway' ? "customer MTA → gateway" : 'gateway → recipient';
  const evidence = [hopEvidence(`Received hop ${leg}`, [hop]), hopEvidence('Whole Received chain (newest first)', roles.hops), ...probeEvidence(probe)];
  if (!hop) {
    return { verdict: 'FAIL', detail: `no ${leg} hop found in the Received chain (gateway patterns: ${plan.config.gateway.hopPatterns.join(', ')})`, evidence };
  }
  const by = hop.by ?? '?';
  switch (hop.tls) {
    case 'yes':
      return { verdict: 'PASS', detail: `${leg} encrypted (${describeTls(hop)}), stamped by ${by}`, evidence };
    case 'no':
      return { verdict: 'FAIL', detail: `${leg} was in the clear: ${by} recorded "${hop.with ?? 'no protocol'}" with no TLS`, evidence };
    case 'unknown':
      // We could not tell: never PASS on missing evidence, and not the environment's fault either.
      return { verdict: 'ERROR', detail: `${by} does not say whether the ${leg} hop used TLS (unrecognised notation)`, evidence };
  }
}
