import type { PartStationery } from '../harness/analysis/disclaimer.ts';
import { defineCase, type CheckOutcome } from '../harness/plan/define-case.ts';
import { NO_MARKERS, partEvidence, partLine, stationeryMarkers, stationeryOf } from '../harness/plan/disclaimer-evidence.ts';
import type { ReplyChainRecord, ReplyLeg } from '../harness/plan/probe-types.ts';
import { dsnEvidence } from '../harness/plan/probe-evidence.ts';
import type { Evidence } from '../harness/report/model.ts';

const LEG_NAMES: Record<ReplyLeg['leg'], string> = { original: 'original', reply: 'external reply', 'second-reply': 'second reply' };

function legEvidence(leg: ReplyLeg, parts: PartStationery[] | undefined): Evidence[] {
  const d = leg.delivery;
  const lines = [
    `${leg.from} → ${leg.to}, read from ${leg.mailbox}`,
    `Message-ID ${leg.messageId}`,
    ...(leg.inReplyTo ? [`In-Reply-To ${leg.inReplyTo}`] : []),
    ...(leg.references.length > 0 ? [`References ${leg.references.join(' ')}`] : []),
    `status ${d.status}${d.latencyMs !== undefined ? ` after ${d.latencyMs} ms` : ''}${d.error ? `: ${d.error.message}` : ''}`,
    ...(parts ? parts.map(partLine) : []),
  ];
  const out: Evidence[] = [{ kind: 'text', label: `Leg: ${LEG_NAMES[leg.leg]}`, text: lines.join('\n') }];
  if (d.dsn) out.push(...dsnEvidence(d.dsn));
  if (d.evidenceFile) out.push({ kind: 'file', label: `${LEG_NAMES[leg.leg]} as delivered`, path: d.evidenceFile });
  return out;
}

/** RFC 5322 §3.6.4: each leg answers the one before it. */
function threadingProblem(legs: ReplyLeg[]): string | undefined {
  const [original, reply, second] = legs;
  if (!original || !reply || !second) return 'the conversation is incomplete';
  if (reply.inReplyTo !== original.messageId || !reply.references.includes(original.messageId)) {
    return `the external reply does not thread to the original (In-Reply-To ${reply.inReplyTo ?? 'missing'}, expected ${original.messageId})`;
  }
  if (second.inReplyTo !== reply.messageId || !second.references.includes(original.messageId)) {
    return `the second reply does not thread to the external reply (In-Reply-To ${second.inReplyTo ?? 'missing'}, expected ${reply.messageId})`;
  }
  return undefined;
}

/** The final message's parts judged against the original's. */
function judge(finalParts: PartStationery[], originalParts: PartStationery[]): Pick<CheckOutcome, 'verdict' | 'detail'> {
  const stamped = (type: string) => originalParts.some((p) => p.contentType === type && p.unique.length > 0);
  const repeated = finalParts.filter((p) => p.unique.length > 1);
  const lost = finalParts.filter((p) => p.unique.length === 0 && stamped(p.contentType));
  const never = finalParts.filter((p) => p.unique.length === 0 && !stamped(p.contentType));
  if (repeated.length > 0 || lost.length > 0) {
    const bits = [
      ...repeated.map((p) => `${p.contentType} part ${p.path} carries it ${p.unique.length} times`),
      ...lost.map((p) => `${p.contentType} part ${p.path} lost it`),
    ];
    return { verdict: 'FAIL', detail: `the stationery is not there exactly once in the second reply: ${bits.join('; ')}` };
  }
  if (never.length > 0 || finalParts.length === 0) {
    const which = never.map((p) => p.contentType).join(', ') || 'any';
    return { verdict: 'NOT_RUN', detail: `the gateway never put stationery on the original's ${which} part (see MAN14), so repetition cannot be judged` };
  }
  return { verdict: 'PASS', detail: `the second reply carries the stationery exactly once in each visible part, quoted copies counted: ${finalParts.map(partLine).join(' | ')}` };
}

function decide(chain: ReplyChainRecord, markers: NonNullable<ReturnType<typeof stationeryMarkers>>): CheckOutcome {
  const counted = chain.legs.map((leg) => ({ leg, parts: leg.delivery.raw !== undefined ? stationeryOf(leg.delivery.raw, markers) : undefined }));
  const evidence = counted.flatMap(({ leg, parts }) => legEvidence(leg, parts));
  if (chain.stoppedBecause !== undefined) {
    const broken = chain.legs.some((l) => l.delivery.status === 'error');
    return { verdict: broken ? 'ERROR' : 'NOT_RUN', detail: `the reply chain stopped: ${chain.stoppedBecause}`, evidence };
  }
  const problem = threadingProblem(chain.legs);
  if (problem) return { verdict: 'NOT_RUN', detail: problem, evidence };
  const original = counted.find((c) => c.leg.leg === 'original')?.parts ?? [];
  const final = counted.find((c) => c.leg.leg === 'second-reply')?.parts ?? [];
  const outcome = judge(final, original);
  return { ...outcome, evidence: [...partEvidence('second reply as delivered', final), ...evidence] };
}

defineCase({
  meta: {
    id: 'MAN15',
    title: 'Signature/disclaimer not repeated',
    mandatory: true,
    section: 'Verify Signatures / Disclaimers',
    description: 'As a conversation goes back and forth, the gateway must add the stationery once and not again: a reply that already quotes it must not get a second copy.',
    actions: [
      'Take the delivered probe of each sending domain and format as the start of a conversation.',
      "Reply to it from the external mailbox, quoting it, through the external provider's submission server; fetch the reply from the internal mailbox.",
      'Reply to that from the internal mailbox, quoting it, through the outbound route; fetch it from the external mailbox.',
      'Check that the three messages thread (Message-ID, In-Reply-To, References) and count the stationery in every visible part of each, quoted copies included.',
    ],
    expected: 'The final outbound reply shows the stationery exactly once in each visible body part.',
    correctiveActions: [
      "Set the stationery layout's unique identification text to a string that is part of the layout itself, so the gateway recognises a message that already carries it.",
      'Keep that text visible in both the text and the HTML version of the layout: mail clients keep visible text when they quote.',
    ],
    comments: [
      'Replies are written the way Gmail (external user) and Outlook or a plain-text client (internal user) write them.',
      'When the original never received stationery (see MAN14) repetition cannot be judged and the check is NOT_RUN.',
    ],
  },
  perFormat({ plan, domain, format }) {
    const markers = stationeryMarkers(plan.config);
    if (!markers) return { verdict: 'NOT_RUN', detail: NO_MARKERS, evidence: [] };
    const chain = plan.replyChains.find((c) => c.domain === domain && c.format === format);
    if (!chain) return { verdict: 'NOT_RUN', detail: `no reply chain was collected for ${domain} (${format})`, evidence: [] };
    return decide(chain, markers);
  },
});
