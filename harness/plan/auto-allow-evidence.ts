/**
 * The behaviour that proves auto allow (MAN04, MAN05, MAN09): after the
 * outbound probe, the external user's reply passes the gateway with a
 * managed-sender "allow" verdict in the message log, i.e. an entry learnt
 * from the outbound mail fired. The vendor API has no configuration endpoint
 * for the policy (reference §3.7), so this is the strongest proof there is.
 */
import type { MessageLogEntry } from '../gateway/message-log.ts';
import type { Evidence } from '../report/model.ts';
import type { CheckOutcome } from './define-case.ts';
import { logEvidence, logLookup, logUnavailable } from './gateway-evidence.ts';
import type { PlanContext } from './plan-context.ts';
import type { ReplyLeg } from './probe-types.ts';

export type AutoAllowFinding =
  | { kind: 'fired' | 'not-fired'; outcome: CheckOutcome }
  /** No behaviour to judge: why (no reply, no log). `error` when the log could not be read. */
  | { kind: 'missing'; why: string; error: boolean; outcome: CheckOutcome };

/** The domain's first reply leg (external → internal) that was submitted. */
export function replyLeg(plan: PlanContext, domain: string): { leg?: ReplyLeg; why?: string } {
  const chains = plan.replyChains.filter((c) => c.domain === domain);
  if (chains.length === 0) return { why: 'no reply chain was run for this domain (the reply-chain collector did not run or produced nothing)' };
  const leg = chains.flatMap((c) => c.legs).find((l) => l.leg === 'reply' && l.submission?.accepted);
  if (!leg) return { why: `the external user's reply was never sent: ${chains.map((c) => c.stoppedBecause).filter(Boolean)[0] ?? 'unknown reason'}` };
  return { leg };
}

export function autoAllowFinding(plan: PlanContext, domain: string): AutoAllowFinding {
  const { leg, why } = replyLeg(plan, domain);
  if (!leg) return { kind: 'missing', why: why ?? 'no reply', error: false, outcome: { verdict: 'NOT_RUN', detail: why ?? 'no reply', evidence: [] } };
  const lookup = logLookup(plan, leg.messageId);
  const unavailable = logUnavailable(plan, lookup);
  const evidence = [{ kind: 'text' as const, label: 'Reply leg', text: `Message-ID ${leg.messageId}\nfrom ${leg.from} to ${leg.to}\ndelivery ${leg.delivery.status}` }, ...logEvidence(lookup)];
  if (unavailable !== undefined) {
    const error = Boolean(lookup?.error);
    return { kind: 'missing', why: unavailable, error, outcome: { verdict: error ? 'ERROR' : 'NOT_RUN', detail: unavailable, evidence } };
  }
  const entries = lookup?.entries ?? [];
  if (entries.length === 0) return { kind: 'missing', why: `the reply ${leg.messageId} is not in the message log`, error: false, outcome: { verdict: 'FAIL', detail: `the reply ${leg.messageId} is not in the gateway's message log`, evidence } };
  return judgeManagedSender(entries, leg, evidence);
}

/** A managed-sender verdict text that names a learnt (Auto) entry, not a manual permit (reference §3.6: console type "Auto"). */
const AUTO_ENTRY = /\bauto\b/i;
const MANUAL_ENTRY = /\b(manual|permit(ted)?)\b/i;

/**
 * The reply's own inbound entry (sender = the reply's sender), and its
 * managed-sender verdict: allowed by an auto-learnt entry proves auto allow;
 * a manual permit (or any other reason) does not.
 */
export function judgeManagedSender(entries: readonly MessageLogEntry[], leg: Pick<ReplyLeg, 'from' | 'messageId'>, evidence: Evidence[]): AutoAllowFinding {
  const sender = leg.from.toLowerCase();
  const mine = entries.filter((e) => e.from?.toLowerCase() === sender);
  const inbound = mine.filter((e) => e.route === undefined || e.route === 'inbound');
  const entry = inbound.find((e) => e.managedSender !== undefined) ?? inbound[0];
  if (!entry) {
    const seen = entries.map((e) => `${e.id}: from ${e.from ?? '?'}, route ${e.route ?? '?'}`).join('; ');
    return { kind: 'not-fired', outcome: { verdict: 'FAIL', detail: `no inbound log entry from ${leg.from} for the reply ${leg.messageId} (found ${seen})`, evidence } };
  }
  const ms = entry.managedSender;
  if (ms?.allow && AUTO_ENTRY.test(ms.info) && !MANUAL_ENTRY.test(ms.info)) {
    return { kind: 'fired', outcome: { verdict: 'PASS', detail: `the inbound reply from ${leg.from} (${entry.id}) was let through by an auto-learnt managed-sender entry: ${ms.info}`, evidence } };
  }
  if (ms?.allow) {
    return { kind: 'not-fired', outcome: { verdict: 'FAIL', detail: `the reply from ${leg.from} (${entry.id}) was allowed, but not by an auto-learnt entry ("${ms.info}"): a manual permit proves nothing about auto allow`, evidence } };
  }
  return { kind: 'not-fired', outcome: { verdict: 'FAIL', detail: `the reply from ${leg.from} (${entry.id}) got no auto allow: managed sender ${ms ? `"${ms.info}"` : 'not reported'}`, evidence } };
}
