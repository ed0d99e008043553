/**
 * One piece of evidence as the report shows it: a label, a line of context
 * and a pre-formatted body, bounded in size (evidence is hostile and may be
 * huge). Attestations are also pulled out whole, because the check row shows
 * them unfolded: who confirmed what, and when, is part of the verdict.
 */
import type { Evidence } from './model.ts';
import { truncate } from './sanitize.ts';
import { prettyJson } from './view-format.ts';

export interface EvidenceView {
  kind: Evidence['kind'];
  kindLabel: string;
  label: string;
  /** Short context: a DNS query, an API request, who attested and when. */
  meta: string;
  /** Pre-formatted body (header lines, transcript, pretty JSON...). */
  body: string;
}

export interface AttestationView {
  by: string;
  date: string;
  note: string;
}

const KIND_LABEL: Record<Evidence['kind'], string> = {
  header: 'Headers', transcript: 'SMTP transcript', dns: 'DNS', verifier: 'Verifier result',
  api: 'Gateway API', file: 'File', text: 'Note', attestation: 'Attestation',
};

function evidenceParts(e: Evidence): { meta: string; body: string } {
  switch (e.kind) {
    case 'header':
    case 'transcript':
      return { meta: '', body: e.lines.join('\n') };
    case 'dns':
      return { meta: `${e.query} ${e.type}`, body: e.answers.length > 0 ? e.answers.join('\n') : '(no answer)' };
    case 'verifier':
      return { meta: '', body: prettyJson(e.data) };
    case 'api':
      return { meta: e.request, body: prettyJson(e.response) };
    case 'file':
      return { meta: '', body: e.path };
    case 'text':
      return { meta: '', body: e.text };
    case 'attestation':
      return { meta: `${e.by}, ${e.date}`, body: e.note };
  }
}

/** The display form of one piece of evidence, its body cut to `max` characters. */
export function evidenceView(e: Evidence, max: number): EvidenceView {
  const { meta, body } = evidenceParts(e);
  return { kind: e.kind, kindLabel: KIND_LABEL[e.kind], label: truncate(e.label, 500), meta: truncate(meta, 2000), body: truncate(body, max) };
}

/** The attestations among a check's evidence, for the check row. */
export function attestationViews(evidence: readonly Evidence[]): AttestationView[] {
  return evidence.flatMap((e) => (e.kind === 'attestation' ? [{ by: truncate(e.by, 200), date: truncate(e.date, 100), note: truncate(e.note, 4000) }] : []));
}
