/**
 * What the gateway-reading cases share: the snapshot section a case needs (or
 * why it is missing), API responses as evidence, attestations as the last
 * resort, and the message log entry of a probe.
 */
import { findAttestation } from '../gateway/attestations.ts';
import { GATEWAY_EVIDENCE_FILE } from '../gateway/gateway-collector.ts';
import type { ApiExchange } from '../gateway/mimecast-client.ts';
import type { GatewaySnapshot, MessageLookup, Section } from '../gateway/snapshot.ts';
import type { Evidence } from '../report/model.ts';
import type { CheckOutcome } from './define-case.ts';
import type { PlanContext } from './plan-context.ts';

/** At most this many raw responses per check: the full set is in evidence/gateway-api.json. */
const MAX_EXCHANGES = 6;

export function apiEvidence(label: string, exchanges: readonly ApiExchange[]): Evidence[] {
  const shown = exchanges.slice(-MAX_EXCHANGES).map((x) => ({ kind: 'api' as const, label: `${label} (HTTP ${x.status})`, request: x.request, response: x.response }));
  const out: Evidence[] = [...shown];
  if (exchanges.length > MAX_EXCHANGES) out.push({ kind: 'file', label: `All ${exchanges.length} responses`, path: GATEWAY_EVIDENCE_FILE });
  return out;
}

/** The snapshot, or the outcome that says why there is none. */
export function requireSnapshot(plan: PlanContext): GatewaySnapshot | CheckOutcome {
  if (!plan.gateway) return { verdict: 'NOT_RUN', detail: 'the gateway collector did not run', evidence: [] };
  return plan.gateway;
}

/** A section's value, or NOT_RUN (API not configured) / ERROR (the API could not be read: we cannot tell). */
export function requireSection<T>(plan: PlanContext, pick: (s: GatewaySnapshot) => Section<T> | undefined, what: string): { value: T; evidence: Evidence[] } | CheckOutcome {
  const snap = requireSnapshot(plan);
  if ('verdict' in snap) return snap;
  if (snap.notConfigured) return { verdict: 'NOT_RUN', detail: `${what}: ${snap.notConfigured}`, evidence: [] };
  const section = pick(snap);
  if (!section) return { verdict: 'NOT_RUN', detail: `${what} was not read`, evidence: [] };
  const evidence = apiEvidence(what, section.evidence);
  // The credential cannot reach this endpoint at all: a missing precondition (NOT_RUN, with the reason), not a failure to read.
  if (!section.ok && section.unavailable) return { verdict: 'NOT_RUN', detail: section.error.message, evidence };
  if (!section.ok) return { verdict: 'ERROR', detail: `${what} could not be read: ${section.error.message}`, evidence };
  return { value: section.value, evidence };
}

export function isCheck(x: object): x is CheckOutcome {
  return 'verdict' in x && 'detail' in x;
}

/** An attestation for what nothing else shows: ATTESTED/FAIL when a valid one exists, else NOT_RUN saying what is missing. */
export function attestationOutcome(plan: PlanContext, caseId: string, domain: string, missing: string, evidence: Evidence[] = []): CheckOutcome {
  const list = plan.gateway?.attestations ?? [];
  const { valid, expired } = findAttestation(list, caseId, domain, new Date());
  if (valid) {
    const ev: Evidence = { kind: 'attestation', label: `Attested ${valid.result} (valid until ${valid.validUntil})`, by: valid.by, date: valid.date, note: valid.note };
    if (valid.result === 'pass') return { verdict: 'ATTESTED', detail: `${missing}; attested by ${valid.by} on ${valid.date.slice(0, 10)}: ${valid.note}`, evidence: [ev, ...evidence] };
    return { verdict: 'FAIL', detail: `attested as failing by ${valid.by} on ${valid.date.slice(0, 10)}: ${valid.note}`, evidence: [ev, ...evidence] };
  }
  const exp = expired ? `; the attestation by ${expired.by} expired on ${expired.validUntil.slice(0, 10)}` : '';
  const problems = plan.gateway?.attestationProblems.length ? `; attestations file: ${plan.gateway.attestationProblems.join('; ')}` : '';
  return { verdict: 'NOT_RUN', detail: `${missing}, and there is no valid attestation (mailflow attest ${caseId} --by NAME --result pass|fail --note TEXT)${exp}${problems}`, evidence };
}

/** The message-log lookup for a Message-ID, when the collector made one. */
export function logLookup(plan: PlanContext, messageId: string): MessageLookup | undefined {
  return plan.gateway?.messages.find((m) => m.messageId === messageId);
}

/** Why the log cannot corroborate, or undefined when it can (API configured and the lookup succeeded). */
export function logUnavailable(plan: PlanContext, lookup: MessageLookup | undefined): string | undefined {
  if (!plan.gateway) return 'the gateway collector did not run';
  if (plan.gateway.notConfigured) return plan.gateway.notConfigured;
  if (!lookup) return 'the message was not looked up in the message log';
  if (lookup.error) return `the message log could not be read: ${lookup.error.message}`;
  return undefined;
}

export function logEvidence(lookup: MessageLookup | undefined): Evidence[] {
  return lookup ? apiEvidence(`Message log: ${lookup.messageId}`, lookup.evidence) : [];
}
