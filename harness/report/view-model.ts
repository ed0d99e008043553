/**
 * The results model mapped to what a human-facing report shows (STYLE.md §8:
 * report model apart from rendering). Every value here is a plain string,
 * number, boolean or array, already formatted, so a template does no logic
 * and the later signed-off report (Word, PDF) can reuse the same mapping.
 *
 * Nothing here escapes: the renderer does, for its own medium. What this layer
 * does bound is size, because evidence is hostile and may be huge.
 */
import type { CaseResult, CheckResult, ProbeSummary, Results, RunInfo, Verdict } from './model.ts';
import { VERDICTS } from './model.ts';
import { cleanText, truncate } from './sanitize.ts';
import { acceptance } from './acceptance.ts';
import { trustedResults, type ResultsAudit } from './results-audit.ts';
import { attestationViews, evidenceView, type AttestationView, type EvidenceView } from './evidence-view.ts';
import { environmentName, formatDuration, formatTime, gatewayName } from './view-format.ts';

export { blockingCases } from './acceptance.ts';
export { formatDuration, formatTime, prettyJson } from './view-format.ts';
export type { AttestationView, EvidenceView } from './evidence-view.ts';

export interface VerdictView {
  code: Verdict;
  label: string;
  /** CSS class from a fixed table, never derived from data. */
  css: string;
}
export interface CheckView {
  name: string;
  /** The sending domain as recorded; empty for a whole-gateway check. */
  domain: string;
  /** What the Domain column shows. */
  domainLabel: string;
  format: string;
  /** "acme.test · html", or empty when the check is not per domain or format. */
  scope: string;
  verdict: VerdictView;
  detail: string;
  duration: string;
  evidence: EvidenceView[];
  evidenceCount: number;
  /** Shown unfolded in the check row: who confirmed, when, and what they noted. */
  attestations: AttestationView[];
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
  /** The corrective-action cell when the list is not shown: "None needed." or why nothing is decided. */
  correctiveNote: string;
  comments: string[];
  /** Set when the recorded verdict disagrees with the checks (results-audit.ts). */
  inconsistency: string;
}

export interface RunView {
  id: string;
  target: string;
  /** As the customer names it: "Microsoft 365". */
  environment: string;
  customer: string;
  /** "Mimecast, region EU". */
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

export interface ComparisonView {
  previousRunId: string;
  previousStartedAt: string;
  hasRows: boolean;
  rows: { id: string; anchor: string; kind: string; from: VerdictView; to: VerdictView }[];
}

export interface SummaryView {
  items: { verdict: VerdictView; count: number }[];
  total: number;
  /** Mandatory cases that stop acceptance (FAIL, ERROR or NOT_RUN). */
  blocking: { id: string; anchor: string; title: string; verdict: VerdictView }[];
  /** Mandatory cases whose verdict is FAIL. */
  mandatoryFailed: number;
  accepted: boolean;
  outcome: string;
  /** "Partial plan: 5 of 17 cases", or empty. */
  partial: string;
  /** Empty run, missing cases: why the plan is not covered (the partial line aside). */
  coverage: string[];
  /** What moved since the previous run of the same target (results.comparison). */
  hasComparison: boolean;
  comparison: ComparisonView;
  /** Disagreements between recorded and recomputed verdicts or counts. */
  inconsistencies: string[];
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

function checkView(c: CheckResult, max: number): CheckView {
  const evidence = c.evidence.map((e) => evidenceView(e, max));
  return {
    // A check with no domain is a whole-gateway check (MAN01: the plan does not repeat it per domain).
    name: c.name, domain: c.domain ?? '', domainLabel: c.domain ?? 'whole gateway', format: c.format ?? '',
    scope: [c.domain, c.format].filter((x) => x !== undefined && x !== '').join(' · '),
    verdict: verdictView(c.verdict), detail: truncate(c.detail, 4000), duration: formatDuration(c.durationMs),
    evidence, evidenceCount: evidence.length, attestations: attestationViews(c.evidence),
  };
}

/** A fragment id for a case: only characters that need no escaping in any context. */
export function caseAnchor(id: string): string {
  return `case-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The corrective-action cell for anything but a FAIL with listed actions. */
function correctiveNote(v: Verdict, listed: number): string {
  switch (v) {
    case 'PASS':
    case 'ATTESTED':
    case 'NOT_APPLICABLE':
      return 'None needed.';
    case 'FAIL':
      return listed > 0 ? '' : 'The plan lists no corrective action for this case: see the check details below.';
    case 'ERROR':
      return 'Not decided: the result is Error (the harness could not run a check). See the check details below, fix the cause and re-run.';
    case 'NOT_RUN':
      return 'Not decided: the result is Not run (a precondition is missing). See the check details below for what is missing.';
  }
}

function caseView(c: CaseResult, max: number, audit: ResultsAudit): CaseView {
  return {
    id: c.id, anchor: caseAnchor(c.id), title: c.title, mandatory: c.mandatory, kind: c.mandatory ? 'Mandatory' : 'Optional',
    section: c.section, description: c.description, actions: c.actions, expected: c.expected,
    verdict: verdictView(c.verdict), checks: c.checks.map((k) => checkView(k, max)),
    correctiveActions: c.correctiveActions, showCorrective: c.verdict === 'FAIL' && c.correctiveActions.length > 0,
    correctiveNote: correctiveNote(c.verdict, c.correctiveActions.length),
    comments: c.comments,
    inconsistency: audit.inconsistencies.find((s) => audit.inconsistentCases.includes(c.id) && s.startsWith(`${c.id}: `)) ?? '',
  };
}

function runView(r: RunInfo): RunView {
  const start = Date.parse(r.startedAt);
  const end = r.finishedAt === undefined ? Number.NaN : Date.parse(r.finishedAt);
  return {
    id: r.id, target: r.target, environment: environmentName(r.environment), customer: r.customer,
    gateway: gatewayName(r.gateway), domains: r.domains.join(', '),
    faults: r.labFaults.join(', '), hasFaults: r.labFaults.length > 0, warnings: r.warnings,
    startedAt: formatTime(r.startedAt), finishedAt: formatTime(r.finishedAt), duration: formatDuration(end - start),
    executedBy: r.executedBy ?? '', overseenBy: r.overseenBy ?? '', harnessVersion: r.harnessVersion,
    configDigest: r.configDigest, complete: r.complete,
  };
}

function summaryView(results: Results, audit: ResultsAudit): SummaryView {
  const a = acceptance(results, audit);
  return {
    items: VERDICTS.map((v) => ({ verdict: verdictView(v), count: results.summary[v] })),
    total: VERDICTS.reduce((n, v) => n + results.summary[v], 0),
    blocking: a.blocking.map((c) => ({ id: c.id, anchor: caseAnchor(c.id), title: c.title, verdict: verdictView(c.verdict) })),
    mandatoryFailed: a.mandatoryFailed, accepted: a.accepted, outcome: a.outcome, partial: a.partialLine,
    coverage: a.coverage.filter((s) => !s.startsWith('Partial plan')), inconsistencies: audit.inconsistencies,
    hasComparison: results.comparison !== undefined, comparison: comparisonView(results.comparison),
  };
}

function comparisonView(c: Results['comparison']): ComparisonView {
  const kinds = [['Regressed', c?.regressed ?? []], ['Fixed', c?.fixed ?? []], ['Changed', c?.changed ?? []]] as const;
  const rows = kinds.flatMap(([kind, xs]) => xs.map((x) => ({ id: x.id, anchor: caseAnchor(x.id), kind, from: verdictView(x.from), to: verdictView(x.to) })));
  return { previousRunId: c?.previousRunId ?? '', previousStartedAt: c?.previousStartedAt ?? '', hasRows: rows.length > 0, rows };
}

function probeView(p: ProbeSummary): ProbeView {
  return { id: p.id, domain: p.domain, format: p.format, messageId: p.messageId, status: p.status, attempts: p.attempts, latency: formatDuration(p.latencyMs) };
}

/**
 * Everything a human-facing report shows, derived from the results model only.
 * Verdicts and counts are recomputed (results-audit.ts), never copied.
 */
export function buildReportView(stored: Results, opts: ViewOptions = {}): ReportView {
  const max = opts.maxEvidenceChars ?? 64 * 1024;
  const { results, audit } = trustedResults(stored);
  return cleanStrings({
    title: `Outbound acceptance test report: ${results.run.customer}`,
    run: runView(results.run),
    summary: summaryView(results, audit),
    cases: results.cases.map((c) => caseView(c, max, audit)),
    probes: results.probes.map(probeView),
    hasProbes: results.probes.length > 0,
  });
}

/**
 * Cleans every string of a view (sanitize.ts cleanText): characters no HTML
 * or XML output may carry (NUL, ESC, lone surrogates...) are removed, since
 * the Word report (XML inside) would be rejected outright; bidi controls are
 * made visible, so hostile text cannot reorder what a reader sees.
 */
export function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => cleanStrings(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)])) as T;
  }
  return value;
}
