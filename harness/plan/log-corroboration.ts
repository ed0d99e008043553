/**
 * The message log as a second witness for the header cases (MAN07, MAN08,
 * MAN10, MAN11): the header verdict stands when the log agrees or cannot be
 * read (said in the detail); when the log contradicts a PASS, the case says
 * so and FAILs (DESIGN.md: two sources that disagree never PASS).
 */
import type { MessageLogEntry } from '../gateway/message-log.ts';
import type { CheckOutcome } from './define-case.ts';
import { logEvidence, logLookup, logUnavailable } from './gateway-evidence.ts';
import type { PlanContext } from './plan-context.ts';
import type { ProbeRecord } from './probe-types.ts';

export interface LogJudgement {
  /** Does the log show the same thing the headers are judged on? */
  agrees: boolean;
  detail: string;
}

export function corroborate(plan: PlanContext, probe: ProbeRecord | undefined, outcome: CheckOutcome, judge: (entries: MessageLogEntry[], probe: ProbeRecord) => LogJudgement): CheckOutcome {
  if (!probe || (outcome.verdict !== 'PASS' && outcome.verdict !== 'FAIL')) return outcome;
  const lookup = logLookup(plan, probe.messageId);
  const unavailable = logUnavailable(plan, lookup);
  if (unavailable !== undefined) return { ...outcome, detail: `${outcome.detail} (message log not consulted: ${unavailable})` };
  const evidence = [...outcome.evidence, ...logEvidence(lookup)];
  const entries = lookup?.entries ?? [];
  const j = entries.length === 0 ? { agrees: false, detail: `the message log has no entry for ${probe.messageId}` } : judge(entries, probe);
  if (outcome.verdict === 'PASS' && !j.agrees) {
    return { verdict: 'FAIL', detail: `the headers and the gateway's message log disagree: ${outcome.detail}; but ${j.detail}`, evidence };
  }
  return { ...outcome, detail: `${outcome.detail}; message log: ${j.detail}`, evidence };
}

/** The log's delivery of a probe to its recipient. */
export function deliveryTo(entries: readonly MessageLogEntry[], recipient: string) {
  return entries.flatMap((e) => e.deliveries).find((d) => d.recipient.toLowerCase() === recipient.toLowerCase());
}
