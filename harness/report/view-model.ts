/**
 * The results model mapped to what a human-facing report shows (STYLE.md §8:
 * report model apart from rendering). Every value here is a plain string,
 * number, boolean or array, already formatted, so a template does no logic
 * and the later signed-off report (Word, PDF) can reuse the same mapping.
 *
 * Nothing here escapes: the renderer does, for its own medium. What this layer
 * does bound is size, because evidence is hostile and may be huge.
 */
import type { CaseResult, CheckResult, Evidence, ProbeSummary, Results, RunInfo, Verdict } from './model.ts';
import { VERDICTS } from './model.ts';
import { stripXmlIllegal, truncate } from './sanitize.ts';

export interface VerdictView {
  code: Verdict;
  label: string;
  /** CSS class from a fixed table, never derived from data. */
  css: string;
}

export interface EvidenceView {
  kind: Evidence['kind'];
  kindLabel: string;
  label: string;
  /** Short context: a DNS query, an API request, who attested and when. */
  meta: string;
  /** Pre-formatted body (header lines, transcript, pretty JSON...). */
  body: string;
}

export interface CheckView {
  name: string;
  domain: string;
  format: string;
  /** "acme.test · html", or empty when the check is not per domain or format. */
  scope: string;
  verdict: VerdictView;
  detail: string;
  duration: string;
  evidence: EvidenceView[];
  evidenceCount: number;
}

export interface CaseView {
  id: string;
  /** Fragment id, restricted to [A-Za-z0-9_-]. */
  anchor: string;
  title: string;
  mandatory: boolean;
  kind: 'Mandatory' | 'Optional';
  section: string;
  description: string;
  actions: string[];
  expected: string;
  verdict: VerdictView;
  checks: CheckView[];
  correctiveActions: string[];
  /** Corrective actions are shown for a FAIL (the plan attaches them to FAIL results). */
  showCorrective: boolean;
  comments: string[];
}

export interface RunView {
  id: string;
  target: string;
  environment: string;
  customer: string;
  gateway: string;
  domains: string;
  faults: string;
  hasFaults: boolean;
  warnings: string[];
  startedAt: string;
  finishedAt: string;
  duration: string;
  executedBy: string;
  overseenBy: string;
  harnessVersion: string;
  configDigest: string;
  complete: boolean;
}

export interface SummaryView {
  items: { verdict: VerdictView; count: number }[];
  total: number;
  /** Mandatory cases that stop acceptance (FAIL, ERROR or NOT_RUN). */
  blocking: { id: string; anchor: string; title: string; verdict: VerdictView }[];
  accepted: boolean;
  outcome: string;
}

export interface ProbeView {
  id: string;
  domain: string;
  format: string;
  messageId: string;
  status: string;
  attempts: number;
  latency: string;
}

export interface ReportView {
  title: string;
  run: RunView;
  summary: SummaryView;
  cases: CaseView[];
  probes: ProbeView[];
  hasProbes: boolean;
}

export interface ViewOptions {
  /** Longest evidence body kept, in characters (default 64 KiB). */
  maxEvidenceChars?: number;
}

const VERDICT_VIEW: Record<Verdict, VerdictView> = {
  PASS: { code: 'PASS', label: 'Pass', css: 'v-pass' },
  FAIL: { code: 'FAIL', label: 'Fail', css: 'v-fail' },
  NOT_RUN: { code: 'NOT_RUN', label: 'Not run', css: 'v-notrun' },
  NOT_APPLICABLE: { code: 'NOT_APPLICABLE', label: 'Not applicable', css: 'v-na' },
  ATTESTED: { code: 'ATTESTED', label: 'Attested', css: 'v-attested' },
  ERROR: { code: 'ERROR', label: 'Error', css: 'v-error' },
};

/** The display form of a verdict. */
export function verdictView(v: Verdict): VerdictView {
  return VERDICT_VIEW[v];
}

const BLOCKING: readonly Verdict[] = ['FAIL', 'ERROR', 'NOT_RUN'];

/**
 * Mandatory cases that keep the run from being accepted. ATTESTED and
 * NOT_APPLICABLE do not block: both are a stated, reviewable outcome.
 */
export function blockingCases(results: Results): CaseResult[] {
  return results.cases.filter((c) => c.mandatory && BLOCKING.includes(c.verdict));
}

/** "1.9 s", "2 min 05 s"; empty for an unknown duration. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** ISO time as "2025-03-04 09:15:02 UTC"; unparseable input is shown as given. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** JSON for people: indented; bigint as text; never throws. */
export function prettyJson(data: unknown): string {
  try {
    return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? String(data);
  } catch {
    return String(data);
  }
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

function evidenceView(e: Evidence, max: number): EvidenceView {
  const { meta, body } = evidenceParts(e);
  return { kind: e.kind, kindLabel: KIND_LABEL[e.kind], label: truncate(e.label, 500), meta: truncate(meta, 2000), body: truncate(body, max) };
}

function checkView(c: CheckResult, max: number): CheckView {
  const evidence = c.evidence.map((e) => evidenceView(e, max));
  return {
    name: c.name, domain: c.domain ?? '', format: c.format ?? '',
    scope: [c.domain, c.format].filter((x) => x !== undefined && x !== '').join(' · '),
    verdict: verdictView(c.verdict), detail: truncate(c.detail, 4000), duration: formatDuration(c.durationMs),
    evidence, evidenceCount: evidence.length,
  };
}

/** A fragment id for a case: only characters that need no escaping in any context. */
export function caseAnchor(id: string): string {
  return `case-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function caseView(c: CaseResult, max: number): CaseView {
  return {
    id: c.id, anchor: caseAnchor(c.id), title: c.title, mandatory: c.mandatory, kind: c.mandatory ? 'Mandatory' : 'Optional',
    section: c.section, description: c.description, actions: c.actions, expected: c.expected,
    verdict: verdictView(c.verdict), checks: c.checks.map((k) => checkView(k, max)),
    correctiveActions: c.correctiveActions, showCorrective: c.verdict === 'FAIL' && c.correctiveActions.length > 0,
    comments: c.comments,
  };
}

function runView(r: RunInfo): RunView {
  const start = Date.parse(r.startedAt);
  const end = r.finishedAt === undefined ? Number.NaN : Date.parse(r.finishedAt);
  return {
    id: r.id, target: r.target, environment: r.environment, customer: r.customer,
    gateway: `${r.gateway.vendor}, region ${r.gateway.region}`, domains: r.domains.join(', '),
    faults: r.labFaults.join(', '), hasFaults: r.labFaults.length > 0, warnings: r.warnings,
    startedAt: formatTime(r.startedAt), finishedAt: formatTime(r.finishedAt), duration: formatDuration(end - start),
    executedBy: r.executedBy ?? '', overseenBy: r.overseenBy ?? '', harnessVersion: r.harnessVersion,
    configDigest: r.configDigest, complete: r.complete,
  };
}

function summaryView(results: Results): SummaryView {
  const blocking = blockingCases(results).map((c) => ({ id: c.id, anchor: caseAnchor(c.id), title: c.title, verdict: verdictView(c.verdict) }));
  const accepted = results.run.complete && blocking.length === 0;
  const outcome = accepted
    ? 'Every mandatory case passed, was attested or does not apply.'
    : blocking.length > 0
      ? `${blocking.length} mandatory case${blocking.length === 1 ? '' : 's'} did not pass.`
      : 'The run is incomplete, so it cannot be accepted.';
  return {
    items: VERDICTS.map((v) => ({ verdict: verdictView(v), count: results.summary[v] })),
    total: VERDICTS.reduce((n, v) => n + results.summary[v], 0),
    blocking, accepted, outcome,
  };
}

function probeView(p: ProbeSummary): ProbeView {
  return { id: p.id, domain: p.domain, format: p.format, messageId: p.messageId, status: p.status, attempts: p.attempts, latency: formatDuration(p.latencyMs) };
}

/** Everything a human-facing report shows, derived from the results model only. */
export function buildReportView(results: Results, opts: ViewOptions = {}): ReportView {
  const max = opts.maxEvidenceChars ?? 64 * 1024;
  return cleanStrings({
    title: `Outbound acceptance test report: ${results.run.customer}`,
    run: runView(results.run),
    summary: summaryView(results),
    cases: results.cases.map((c) => caseView(c, max)),
    probes: results.probes.map(probeView),
    hasProbes: results.probes.length > 0,
  });
}

/**
 * Removes, from every string of the view, characters no HTML or XML output
 * may carry (NUL, ESC, lone surrogates...): HTML turns NUL into U+FFFD at
 * best, and the Word report (XML inside) would be rejected outright.
 */
function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return stripXmlIllegal(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => cleanStrings(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)])) as T;
  }
  return value;
}
