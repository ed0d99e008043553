/** MAN04/MAN05: auto allow policies have no API; behaviour first, then an attestation, else NOT_RUN. */
import { autoAllowFinding } from './auto-allow-evidence.ts';
import type { CheckOutcome } from './define-case.ts';
import { attestationOutcome } from './gateway-evidence.ts';
import type { PlanContext } from './plan-context.ts';

export function judgeAutoAllowPolicy(plan: PlanContext, domain: string, caseId: string, policy: string): CheckOutcome {
  const f = autoAllowFinding(plan, domain);
  if (f.kind !== 'missing') return { ...f.outcome, detail: `${policy} ${f.kind === 'fired' ? 'proven by behaviour' : 'not in force'}: ${f.outcome.detail}` };
  const fallback = attestationOutcome(plan, caseId, domain, `the vendor API has no endpoint for the ${policy} and its behaviour could not be observed (${f.why})`, f.outcome.evidence);
  // An API failure with no attestation is ERROR: we could not tell.
  return f.error && fallback.verdict === 'NOT_RUN' ? { ...fallback, verdict: 'ERROR' } : fallback;
}
