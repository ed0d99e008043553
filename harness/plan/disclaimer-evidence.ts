/**
 * What MAN14 and MAN15 share: the markers the config names, and the evidence
 * of where the stationery is in each body part (which part, which line,
 * quoted or not, the lines around it) and at each leg of a reply chain.
 */
import { countStationery, describePart, type Occurrence, type PartStationery, type StationeryMarkers } from '../analysis/disclaimer.ts';
import type { Config } from '../config/schema.ts';
import type { Evidence } from '../report/model.ts';
import { dsnEvidence } from './probe-evidence.ts';
import type { ReplyLeg } from './probe-types.ts';

/** The markers to count by: the unique text, or failing that the disclaimer wording; undefined when neither is configured. */
export function stationeryMarkers(config: Config): StationeryMarkers | undefined {
  const { uniqueText, disclaimerText } = config.stationery;
  const marker = uniqueText ?? disclaimerText;
  if (marker === undefined) return undefined;
  return { uniqueText: marker, disclaimerText: uniqueText !== undefined ? disclaimerText : undefined };
}

export const NO_MARKERS = 'stationery.uniqueText (or stationery.disclaimerText) is not configured, so the stationery cannot be recognised';

function where(o: Occurrence): string {
  return `line ${o.line}${o.quoted ? ' (quoted)' : ''}`;
}

/** "part 2 text/html (quoted-printable, utf-8): unique text ×1 at line 8; disclaimer ×1 at line 7; 1 hidden copy not counted" */
export function partLine(p: PartStationery): string {
  const list = (os: Occurrence[]) => (os.length === 0 ? '×0' : `×${os.length} at ${os.map(where).join(', ')}`);
  const bits = [`unique text ${list(p.unique)}`];
  if (p.disclaimer) bits.push(`disclaimer ${list(p.disclaimer)}`);
  if (p.hiddenUnique > 0) bits.push(`${p.hiddenUnique} hidden cop${p.hiddenUnique === 1 ? 'y' : 'ies'} (comment or hidden element) not counted`);
  return `${describePart(p)}: ${bits.join('; ')}`;
}

/** One evidence item per part: the counts, then the lines around each visible match. */
export function partEvidence(label: string, parts: readonly PartStationery[]): Evidence[] {
  if (parts.length === 0) return [{ kind: 'text', label, text: 'no text/plain or text/html body part' }];
  return parts.map((p) => {
    const context = mergeContexts([...p.unique, ...(p.disclaimer ?? [])]);
    return { kind: 'text' as const, label: `${label}: ${describePart(p)}`, text: [partLine(p), context.join('\n')].filter(Boolean).join('\n\n') };
  });
}

/** The context lines of several matches as one excerpt: overlaps merged, matched lines kept marked, gaps shown as "…". */
function mergeContexts(occurrences: readonly Occurrence[]): string[] {
  const byLine = new Map<number, string>();
  for (const line of occurrences.flatMap((o) => o.context)) {
    const n = Number(/^.\s*(\d+)\|/.exec(line)?.[1] ?? NaN);
    if (Number.isNaN(n)) continue;
    if (!byLine.has(n) || line.startsWith('>')) byLine.set(n, line);
  }
  const out: string[] = [];
  let previous: number | undefined;
  for (const n of [...byLine.keys()].sort((a, b) => a - b)) {
    if (previous !== undefined && n > previous + 1) out.push('     …');
    out.push(byLine.get(n) ?? '');
    previous = n;
  }
  return out;
}

/**
 * The parts of a delivered message with their counts (empty when nothing was
 * delivered), read from the bytes as fetched when they were kept: an 8bit
 * body in a legacy charset survives only there, not in the UTF-8 text.
 */
export function stationeryOf(message: { raw?: string | undefined; source?: Uint8Array | undefined }, markers: StationeryMarkers): PartStationery[] {
  if (message.source !== undefined) return countStationery(Buffer.from(message.source.buffer, message.source.byteOffset, message.source.byteLength), markers);
  return message.raw === undefined ? [] : countStationery(message.raw, markers);
}

export const LEG_NAMES: Readonly<Record<ReplyLeg['leg'], string>> = { original: 'original', reply: 'external reply', 'second-reply': 'second reply' };

/** A reply-chain leg as evidence: who to whom, the threading fields, the delivery, and the counts per part. */
export function legEvidence(leg: ReplyLeg, parts: readonly PartStationery[] | undefined): Evidence[] {
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
