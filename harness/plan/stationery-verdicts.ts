/**
 * The decisions of MAN14 (stationery applied) and MAN15 (not repeated), as
 * pure functions over counted body parts and recorded reply chains: no
 * sockets, no vitest, so every branch is unit-tested on synthetic input and
 * the plan's test files only gather the inputs.
 */
import { describePart, type PartStationery, type StationeryMarkers } from '../analysis/disclaimer.ts';
import type { ProbeFormat } from '../config/schema.ts';
import type { CheckOutcome } from './define-case.ts';
import { legEvidence, NO_MARKERS, partEvidence, partLine, stationeryOf } from './disclaimer-evidence.ts';
import { isHarnessCode, type ReplyChainRecord, type ReplyLeg } from './probe-types.ts';

export type Judgement = Pick<CheckOutcome, 'verdict' | 'detail'>;

/** The reason MAN15 gives when the original carried no stationery: a repetition check on nothing proves nothing. */
export const NO_STATIONERY_ON_ORIGINAL = 'no stationery on the original';

function lacks(p: PartStationery, markers: StationeryMarkers): string {
  const missing = [p.unique.length === 0 ? `the unique text "${markers.uniqueText}"` : '', p.disclaimer?.length === 0 ? 'the disclaimer wording' : ''];
  // A copy in a comment or a hidden element is what a broken layout looks like to a reader: absent.
  const hidden = p.unique.length === 0 && p.hiddenUnique > 0 ? ` (present only where a reader cannot see it: ${p.hiddenUnique} hidden)` : '';
  return `${describePart(p)} does not show ${missing.filter(Boolean).join(' and ')}${hidden}`;
}

/**
 * MAN14 for one delivered probe: PASS when every visible body part shows the
 * unique text (and the disclaimer wording when configured); FAIL when a part
 * lacks it, or hides it, or there is no visible part at all.
 */
export function judgeApplied(format: ProbeFormat, parts: readonly PartStationery[], markers: StationeryMarkers): Judgement {
  if (parts.length === 0) return { verdict: 'FAIL', detail: `the delivered ${format} probe has no text or HTML body part to carry stationery` };
  const missing = parts.filter((p) => p.unique.length === 0 || p.disclaimer?.length === 0);
  if (missing.length > 0) return { verdict: 'FAIL', detail: `${missing.map((p) => lacks(p, markers)).join('; ')}.` };
  return { verdict: 'PASS', detail: `stationery shown in every visible part: ${parts.map(partLine).join(' | ')}` };
}

function endsWith(ids: readonly string[], id: string): boolean {
  return ids[ids.length - 1] === id;
}

/**
 * RFC 5322 §3.6.4: a reply's In-Reply-To is its parent's Message-ID, and its
 * References are the parent's References followed by the parent's
 * Message-ID. So the external reply must end its References with the
 * original's id, and the second reply must list the original's id and then
 * the external reply's, ending with it. Undefined when the chain threads.
 */
export function threadingProblem(legs: readonly ReplyLeg[]): string | undefined {
  const [original, reply, second] = legs;
  if (!original || !reply || !second) return `the conversation is incomplete (${legs.length} of 3 messages)`;
  const refs = (l: ReplyLeg) => (l.references.length > 0 ? l.references.join(' ') : 'missing');
  if (reply.inReplyTo !== original.messageId || !endsWith(reply.references, original.messageId)) {
    return `the external reply does not thread to the original (In-Reply-To ${reply.inReplyTo ?? 'missing'}, References ${refs(reply)}; both must name ${original.messageId}, RFC 5322 §3.6.4)`;
  }
  if (second.inReplyTo !== reply.messageId) {
    return `the second reply does not answer the external reply (In-Reply-To ${second.inReplyTo ?? 'missing'}, expected ${reply.messageId})`;
  }
  // Ending with the reply's id, the original's must come before it: the order of the conversation.
  if (!endsWith(second.references, reply.messageId) || !second.references.slice(0, -1).includes(original.messageId)) {
    return `the second reply's References (${refs(second)}) must list ${original.messageId} and then ${reply.messageId}, ending with it (RFC 5322 §3.6.4)`;
  }
  return undefined;
}

/** What is wrong with one part of the final message, measured against the original's parts of its type. */
function partProblems(p: PartStationery, originals: readonly PartStationery[]): string[] {
  const same = originals.filter((o) => o.contentType === p.contentType);
  const where = `${p.contentType} part ${p.path}`;
  const out: string[] = [];
  if (p.unique.length > 1) out.push(`${where} carries it ${p.unique.length} times`);
  if ((p.disclaimer?.length ?? 0) > 1) out.push(`${where} carries the disclaimer wording ${p.disclaimer?.length ?? 0} times`);
  if (p.unique.length === 0 && same.some((o) => o.unique.length > 0)) out.push(`${where} lost it`);
  if (p.disclaimer?.length === 0 && same.some((o) => (o.disclaimer?.length ?? 0) > 0)) out.push(`${where} lost the disclaimer wording`);
  return out;
}

/**
 * MAN15's verdict on the final message: FAIL when a visible part carries the
 * stationery (or the disclaimer wording) more than once, quoted copies
 * counted, or lost what the original had; NOT_RUN when the original never had
 * stationery in a part of that type (see MAN14); PASS otherwise.
 */
export function judgeRepetition(finalParts: readonly PartStationery[], originalParts: readonly PartStationery[]): Judgement {
  const problems = finalParts.flatMap((p) => partProblems(p, originalParts));
  if (problems.length > 0) return { verdict: 'FAIL', detail: `the stationery is not there exactly once in the second reply: ${problems.join('; ')}` };
  if (finalParts.length === 0) return { verdict: 'NOT_RUN', detail: 'the second reply as delivered has no text or HTML body part to count the stationery in' };
  const stamped = (type: string) => originalParts.some((o) => o.contentType === type && o.unique.length > 0);
  const never = finalParts.filter((p) => p.unique.length === 0 && !stamped(p.contentType));
  if (never.length > 0) {
    const which = never.map((p) => p.contentType).join(', ');
    return { verdict: 'NOT_RUN', detail: `${NO_STATIONERY_ON_ORIGINAL}: the gateway never put stationery on the original's ${which} part (see MAN14), so repetition cannot be judged` };
  }
  return { verdict: 'PASS', detail: `the second reply carries the stationery exactly once in each visible part, quoted copies counted: ${finalParts.map(partLine).join(' | ')}` };
}

/** A leg that was never sent for a reason on the harness's side. */
function notSubmitted(leg: ReplyLeg): boolean {
  return leg.delivery.status === 'not-sent' && isHarnessCode((leg.delivery.error ?? leg.submission?.attempts.at(-1)?.error)?.code);
}

/**
 * MAN15 for one recorded chain: ERROR when a mailbox or submission failed
 * (we could not tell), NOT_RUN when the chain stopped or does not thread,
 * otherwise the repetition verdict; the evidence shows the count at every leg.
 */
export function decideChain(chain: ReplyChainRecord, markers: StationeryMarkers): CheckOutcome {
  const counted = chain.legs.map((leg) => ({ leg, parts: leg.delivery.raw !== undefined ? stationeryOf(leg.delivery, markers) : undefined }));
  const evidence = counted.flatMap(({ leg, parts }) => legEvidence(leg, parts));
  if (chain.stoppedBecause !== undefined) {
    // A mailbox that failed, or a leg the harness could not submit (credentials, TLS, network: the same
    // codes that make MAN07/MAN08 ERROR), means we could not tell.
    const broken = chain.broken === true || chain.legs.some((l) => l.delivery.status === 'error' || notSubmitted(l));
    return { verdict: broken ? 'ERROR' : 'NOT_RUN', detail: `the reply chain stopped: ${chain.stoppedBecause}`, evidence };
  }
  const problem = threadingProblem(chain.legs);
  if (problem) return { verdict: 'NOT_RUN', detail: problem, evidence };
  const original = counted.find((c) => c.leg.leg === 'original')?.parts ?? [];
  const final = counted.find((c) => c.leg.leg === 'second-reply')?.parts ?? [];
  return { ...judgeRepetition(final, original), evidence: [...partEvidence('second reply as delivered', final), ...evidence] };
}

/** MAN15 for one (domain, format): the preconditions (markers configured, a chain recorded), then the chain's verdict. */
export function decideRepetition(chain: ReplyChainRecord | undefined, markers: StationeryMarkers | undefined, domain: string, format: ProbeFormat): CheckOutcome {
  if (!markers) return { verdict: 'NOT_RUN', detail: NO_MARKERS, evidence: [] };
  if (!chain) return { verdict: 'NOT_RUN', detail: `no reply chain was collected for ${domain} (${format})`, evidence: [] };
  return decideChain(chain, markers);
}
