/**
 * What the probe-reading cases share: why a probe cannot be judged, and the
 * evidence items every case shows (transcript, Received lines, DSN).
 */
import { failedRecipient } from '../analysis/dsn.ts';
import { findGatewayHops } from '../analysis/hop-roles.ts';
import { receivedChain, type Hop } from '../analysis/received-chain.ts';
import type { Evidence } from '../report/model.ts';
import type { CheckOutcome } from './define-case.ts';
import type { PlanContext } from './plan-context.ts';
import { isHarnessCode, type DsnReport, type ProbeRecord } from './probe-types.ts';

/** One line naming the refusal in a DSN: who refused and what they said. */
export function dsnReason(dsn: DsnReport | undefined): string {
  if (!dsn) return 'a bounce arrived but could not be read as a delivery status notification';
  // The recipient that failed, not a delayed or delivered one listed before it (RFC 3464 §2.3.3).
  const r = failedRecipient(dsn) ?? dsn.recipients[0];
  const remote = r?.remoteMta ? `${mtaName(r.remoteMta)} refused it` : 'it was refused';
  const diag = (r?.diagnosticCode ?? r?.status ?? 'no diagnostic code').replace(/^smtp;\s*/i, '');
  return `${dsn.reportingMta ? mtaName(dsn.reportingMta) : 'an MTA'} reported that ${remote}: ${diag}`;
}

/** "dns; mx.example.com" (RFC 3464 §2.1.2 mta-name-type) as just the name. */
export function mtaName(field: string): string {
  return field.replace(/^\s*dns\s*;\s*/i, '').trim();
}

/**
 * Why the harness could not tell what happened to the probe, or undefined:
 * submission failed on our side (credentials, TLS, network, config: the
 * account or key is named), or the probe timed out while the sender's
 * mailbox, where a bounce would have arrived, could not be read. Cases that
 * would FAIL on a missing probe give ERROR instead (DESIGN.md verdicts).
 */
export function harnessFault(plan: PlanContext, probe: ProbeRecord | undefined): string | undefined {
  if (!probe) return undefined;
  const d = probe.delivery;
  if (d.status === 'not-sent') {
    const last = probe.submission.attempts.at(-1);
    const err = d.error ?? last?.error;
    if (!err || !isHarnessCode(err.code)) return undefined;
    const where = probe.senderKey ? `${probe.senderKey}.smtp (${probe.senderAccount ?? '?'})` : 'senders[]';
    return `the harness could not submit the probe through ${where}: ${err.code}: ${err.message}`;
  }
  if (d.status === 'timeout' && d.bounceWatchError) {
    const e = d.bounceWatchError;
    return `the probe did not reach ${probe.to} within ${plan.config.timeouts.deliverySeconds} s, and ${e.key}, where a bounce would arrive, could not be read (${e.code}: ${e.message})`;
  }
  return undefined;
}

/** Why the delivered message is not there, or undefined when it is. */
export function undeliveredReason(plan: PlanContext, probe: ProbeRecord | undefined): string | undefined {
  if (!probe) return 'no probe was planned for this domain';
  const d = probe.delivery;
  switch (d.status) {
    case 'delivered':
      return undefined;
    case 'bounced':
      return `the probe was not delivered: ${dsnReason(d.dsn)}`;
    case 'timeout':
      return `the probe did not reach ${probe.to} within ${plan.config.timeouts.deliverySeconds} s and no bounce came back`;
    case 'not-sent': {
      const last = probe.submission.attempts.at(-1);
      const why = d.error?.message ?? last?.response ?? last?.error?.message ?? 'unknown reason';
      return `the probe was never accepted for sending: ${why}`;
    }
    case 'error':
      return `the harness could not watch the mailbox: ${d.error?.message ?? 'unknown error'}`;
  }
}

/** NOT_RUN for cases that read the delivered message when there is none (never PASS on a probe that never arrived). */
export function requireDelivered(plan: PlanContext, probe: ProbeRecord | undefined): { raw: string; source?: Uint8Array; probe: ProbeRecord } | CheckOutcome {
  const fault = harnessFault(plan, probe);
  const reason = fault ?? undeliveredReason(plan, probe);
  if (reason !== undefined || !probe?.delivery.raw) {
    const verdict = probe?.delivery.status === 'error' || fault !== undefined ? 'ERROR' : 'NOT_RUN';
    return { verdict, detail: reason ?? 'the delivered message was not kept', evidence: probeEvidence(probe) };
  }
  const source = probe.delivery.source;
  return { raw: probe.delivery.raw, ...(source === undefined ? {} : { source }), probe };
}

export function isOutcome(x: object): x is CheckOutcome {
  return 'verdict' in x;
}

export function submissionEvidence(probe: ProbeRecord): Evidence[] {
  return probe.submission.attempts.map((a, i) => ({
    kind: 'transcript' as const,
    label: `SMTP submission, attempt ${i + 1} of ${probe.submission.attempts.length}`,
    lines: a.transcript.map((l) => `${l.dir}: ${l.line}`),
  }));
}

export function dsnEvidence(dsn: DsnReport): Evidence[] {
  const fields = dsn.recipients.flatMap((r) =>
    Object.entries(r)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${String(v)}`),
  );
  const out: Evidence[] = [{ kind: 'text', label: 'Delivery status notification', text: [`Reporting-MTA: ${dsn.reportingMta ?? '?'}`, ...fields].join('\n') }];
  if (dsn.evidenceFile) out.push({ kind: 'file', label: 'Bounce as received', path: dsn.evidenceFile });
  return out;
}

/** The evidence that says what happened to a probe, whatever happened. */
export function probeEvidence(probe: ProbeRecord | undefined): Evidence[] {
  if (!probe) return [];
  const out: Evidence[] = [{ kind: 'text', label: 'Probe', text: `Message-ID ${probe.messageId}\nfrom ${probe.from} to ${probe.to}\nformat ${probe.format}, status ${probe.delivery.status}` }];
  out.push(...submissionEvidence(probe));
  if (probe.delivery.dsn) out.push(...dsnEvidence(probe.delivery.dsn));
  for (const n of probe.delivery.notices ?? []) out.push(...dsnEvidence(n).map((e) => ({ ...e, label: `${e.label} (${n.recipients.map((r) => r.action ?? '?').join(', ')}: not a bounce)` })));
  const w = probe.delivery.bounceWatchError;
  if (w) out.push({ kind: 'text', label: "Sender's mailbox", text: `${w.key} could not be read: ${w.code}: ${w.message}` });
  if (probe.delivery.evidenceFile) out.push({ kind: 'file', label: 'Message as delivered', path: probe.delivery.evidenceFile });
  return out;
}

export function hopEvidence(label: string, hops: (Hop | undefined)[]): Evidence {
  return { kind: 'header', label, lines: hops.filter((h): h is Hop => h !== undefined).map((h) => `Received: ${h.raw}`) };
}

export function gatewayHops(plan: PlanContext, raw: string) {
  const hops = receivedChain(raw);
  return { hops, ...findGatewayHops(hops, plan.config.gateway.hopPatterns) };
}

/** "TLSv1.3, TLS_AES_256_GCM_SHA384" or what is known of it. */
export function describeTls(h: Hop): string {
  return [h.tlsVersion, h.cipher].filter(Boolean).join(', ') || 'version not stated';
}

/**
 * MAN07/MAN08's verdict where the probe itself cannot say: NOT_RUN with no
 * probe, ERROR when its mailbox failed or the harness could not submit it
 * (credentials refused, host unreachable, a sender mailbox that could not be
 * read: we could not tell, the route did not refuse). Undefined otherwise,
 * with the evidence the case goes on with.
 */
export function unjudgedProbe(plan: PlanContext, probe: ProbeRecord | undefined): { outcome: CheckOutcome } | { probe: ProbeRecord; reason: string | undefined; evidence: Evidence[] } {
  const reason = undeliveredReason(plan, probe);
  const evidence = probeEvidence(probe);
  if (!probe) return { outcome: { verdict: 'NOT_RUN', detail: reason ?? 'no probe', evidence } };
  if (probe.delivery.status === 'error') return { outcome: { verdict: 'ERROR', detail: reason ?? 'mailbox error', evidence } };
  const fault = harnessFault(plan, probe);
  return fault === undefined ? { probe, reason, evidence } : { outcome: { verdict: 'ERROR', detail: fault, evidence } };
}
