/**
 * The message log as a second witness for the header cases (MAN07, MAN08,
 * MAN10, MAN11) and for MAN03's secure-delivery proof. The header verdict
 * stands when the log agrees or cannot be read (said in the detail). When the
 * two sources disagree the case says so and never PASSes (DESIGN.md): a PASS
 * the log contradicts becomes FAIL, and a FAIL the log contradicts stays FAIL
 * but names the disagreement. A log that cannot tell (unreadable field) is
 * said in the detail and changes nothing.
 */
import type { LogDelivery, MessageLogEntry } from '../gateway/message-log.ts';
import type { Evidence } from '../report/model.ts';
import type { CheckOutcome } from './define-case.ts';
import { logEvidence, logLookup, logUnavailable } from './gateway-evidence.ts';
import type { PlanContext } from './plan-context.ts';
import { describeTls, gatewayHops, hopEvidence } from './probe-evidence.ts';
import type { ProbeRecord } from './probe-types.ts';

export interface LogJudgement {
  /** Does the log show what a PASS needs (accepted, delivered with 250, TLS)? */
  agrees: boolean;
  /** The log has the entry but its field cannot be read either way: no second witness. */
  unknown?: boolean;
  detail: string;
}

export type LogJudge = (entries: MessageLogEntry[], probe: ProbeRecord) => LogJudgement;

export function corroborate(plan: PlanContext, probe: ProbeRecord | undefined, outcome: CheckOutcome, judge: LogJudge): CheckOutcome {
  if (!probe || (outcome.verdict !== 'PASS' && outcome.verdict !== 'FAIL')) return outcome;
  const lookup = logLookup(plan, probe.messageId);
  const unavailable = logUnavailable(plan, lookup);
  if (unavailable !== undefined) return { ...outcome, detail: `${outcome.detail} (message log not consulted: ${unavailable})` };
  const evidence = [...outcome.evidence, ...logEvidence(lookup)];
  const entries = lookup?.entries ?? [];
  const j: LogJudgement = entries.length === 0 ? { agrees: false, detail: `the message log has no entry for ${probe.messageId}` } : judge(entries, probe);
  if (j.unknown) return { ...outcome, detail: `${outcome.detail}; the message log cannot tell: ${j.detail}`, evidence };
  if (outcome.verdict === 'PASS' && !j.agrees) {
    return { verdict: 'FAIL', detail: `the headers and the gateway's message log disagree: ${outcome.detail}; but ${j.detail}`, evidence };
  }
  if (outcome.verdict === 'FAIL' && j.agrees) {
    return { verdict: 'FAIL', detail: `the headers and the gateway's message log disagree: ${outcome.detail}; yet the log says ${j.detail}`, evidence };
  }
  return { ...outcome, detail: `${outcome.detail}; message log: ${j.detail}`, evidence };
}

/** The log's delivery of a probe to its recipient. */
export function deliveryTo(entries: readonly MessageLogEntry[], recipient: string): LogDelivery | undefined {
  return entries.flatMap((e) => e.deliveries).find((d) => d.recipient.toLowerCase() === recipient.toLowerCase());
}

/**
 * The entry for the probe's own passage through the gateway: a search by
 * Message-ID can also find other copies (an internal copy, a DSN, a journal),
 * so prefer the outbound entry that delivered to the probe's recipient.
 */
export function probeEntry(entries: readonly MessageLogEntry[], probe: Pick<ProbeRecord, 'to' | 'from'>): MessageLogEntry | undefined {
  const to = probe.to.toLowerCase();
  const toRecipient = (e: MessageLogEntry) => e.deliveries.some((d) => d.recipient.toLowerCase() === to) || e.to.some((t) => t.toLowerCase() === to);
  return entries.find((e) => e.route === 'outbound' && toRecipient(e)) ?? entries.find(toRecipient) ?? entries.find((e) => e.route === 'outbound');
}

/** MAN10's log leg: the receipt of the probe from the customer's MTA must show TLS. */
export const receiptTls: LogJudge = (entries, probe) => {
  const e = probeEntry(entries, probe);
  if (!e) return { agrees: false, detail: `no outbound entry to ${probe.to} among ${entries.length} log entries` };
  const r = e.receipt;
  const detail = `receipt from ${r.remoteIp ?? '?'} (${e.id}) recorded as "${r.encryptionInfo ?? 'no encryption info'}"`;
  return { agrees: r.tls === 'yes', ...(r.tls === 'unknown' ? { unknown: true } : {}), detail };
};

/** MAN11's log leg: the delivery to the recipient's server must show TLS. */
export const deliveryTls: LogJudge = (entries, probe) => {
  const d = deliveryTo(entries, probe.to);
  if (!d) return { agrees: false, detail: `no delivery to ${probe.to} in the log` };
  const detail = `delivery to ${d.remoteHost ?? d.remoteIp ?? '?'} recorded as "${d.encryptionInfo ?? 'no encryption info'}"`;
  return { agrees: d.tls === 'yes', ...(d.tls === 'unknown' ? { unknown: true } : {}), detail };
};

/**
 * MAN03: every outbound delivery of the run used TLS, in the recipient's
 * Received hop and in the message log; the two must agree. `undefined` when
 * nothing was delivered (the caller falls back to an attestation).
 */
export function judgeSecureDelivery(plan: PlanContext, domain: string): CheckOutcome | undefined {
  const delivered = plan.probes.filter((p) => p.domain === domain && p.delivery.status === 'delivered' && p.delivery.raw);
  if (delivered.length === 0) return undefined;
  const problems: string[] = [];
  const notes: string[] = [];
  const evidence: Evidence[] = [];
  for (const p of delivered) {
    const hop = gatewayHops(plan, p.delivery.raw ?? '').fromGateway;
    evidence.push(hopEvidence(`${p.format} probe: gateway → recipient`, [hop]));
    if (hop?.tls !== 'yes') problems.push(`${p.format} probe: the recipient's hop ${hop ? `records ${hop.tls === 'no' ? 'no TLS' : 'no TLS notation'}` : 'is missing'}`);
    const lookup = logLookup(plan, p.messageId);
    const unavailable = logUnavailable(plan, lookup);
    if (unavailable !== undefined) {
      notes.push(unavailable);
      continue;
    }
    evidence.push(...logEvidence(lookup));
    const d = deliveryTo(lookup?.entries ?? [], p.to);
    const disagree = (hop?.tls === 'yes') !== (d?.tls === 'yes') && d?.tls !== 'unknown' ? ' (the headers and the message log disagree)' : '';
    if (d?.tls === 'unknown') notes.push(`${p.format} probe: the log's encryption field "${d.encryptionInfo ?? ''}" cannot be read`);
    else if (d?.tls !== 'yes') problems.push(`${p.format} probe: the message log records the delivery as "${d?.encryptionInfo ?? 'absent'}"${disagree}`);
    else if (hop?.tls !== 'yes') problems.push(`${p.format} probe: the message log records TLS ("${d.encryptionInfo ?? ''}")${disagree}`);
  }
  if (problems.length > 0) return { verdict: 'FAIL', detail: problems.join('; '), evidence };
  const first = gatewayHops(plan, delivered[0]?.delivery.raw ?? '').fromGateway;
  const logNote = notes.length ? `; message log not consulted: ${[...new Set(notes)].join('; ')}` : ' and in the message log';
  return { verdict: 'PASS', detail: `all ${delivered.length} outbound deliveries used TLS (${first ? describeTls(first) : '?'}) in the headers${logNote}: the secure delivery policy is in force`, evidence };
}
