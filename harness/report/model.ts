/**
 * The results model: the data contract between the plan runner and every
 * renderer (DESIGN.md "Commands (contract)"; STYLE.md §8). Renderers read this
 * and nothing else.
 */
export const VERDICTS = ['PASS', 'FAIL', 'NOT_RUN', 'NOT_APPLICABLE', 'ATTESTED', 'ERROR'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One piece of evidence, as data (STYLE.md §7). */
export type Evidence =
  | { kind: 'header'; label: string; lines: string[] }
  | { kind: 'transcript'; label: string; lines: string[] }
  | { kind: 'dns'; label: string; query: string; type: string; answers: string[] }
  | { kind: 'verifier'; label: string; data: unknown }
  | { kind: 'api'; label: string; request: string; response: unknown }
  | { kind: 'file'; label: string; path: string }
  | { kind: 'text'; label: string; text: string }
  | { kind: 'attestation'; label: string; by: string; date: string; note: string };

export interface CheckResult {
  name: string;
  domain?: string;
  format?: string;
  verdict: Verdict;
  /** One or two sentences a person can act on. */
  detail: string;
  evidence: Evidence[];
  durationMs?: number;
}

export interface CaseMeta {
  id: string;
  title: string;
  mandatory: boolean;
  section: string;
  description: string;
  actions: string[];
  expected: string;
  correctiveActions: string[];
  comments: string[];
}

export interface CaseResult extends CaseMeta {
  verdict: Verdict;
  checks: CheckResult[];
}

export interface RunInfo {
  id: string;
  startedAt: string;
  finishedAt?: string;
  /** 'lab' or the config file's name. */
  target: string;
  environment: string;
  customer: string;
  gateway: { vendor: string; region: string };
  domains: string[];
  labFaults: string[];
  executedBy?: string;
  overseenBy?: string;
  harnessVersion: string;
  /** SHA-256 of the resolved config (no secrets in it). */
  configDigest: string;
  /** Settings that weaken the run, printed in the report (e.g. TLS verification off). */
  warnings: string[];
  /** False while the run is in progress or if it died before finishing. */
  complete: boolean;
  /**
   * The case ids this run was asked to decide (`--only`), or every case of the
   * plan. A run that selected fewer than the whole plan is a partial plan.
   */
  selectedCases?: string[];
  /** Every case id of the plan, in the plan's order. */
  planCases?: string[];
}

export type Summary = Record<Verdict, number>;

/**
 * One Received hop of a delivered probe, oldest first, as the route picture
 * shows it. `role` places it on the customer MTA → gateway → recipient path.
 */
export interface RouteHop {
  /** The client as the receiver named it: PTR name, HELO name or address. */
  from: string;
  /** The receiving host. */
  by: string;
  /** The `with` protocol keyword (RFC 5321 §4.4, RFC 3848), as stamped. */
  with?: string;
  role: 'customer' | 'to-gateway' | 'gateway' | 'from-gateway' | 'recipient';
  /** Whether the hop was encrypted, as the stamp states it (analysis/tls-notation.ts). */
  tls: 'yes' | 'no' | 'unknown';
  tlsVersion?: string;
  cipher?: string;
}

export interface ProbeSummary {
  id: string;
  domain: string;
  format: string;
  messageId: string;
  status: string;
  attempts: number;
  latencyMs?: number;
  evidenceFile?: string;
  /** Hops of the delivered message, oldest first; absent when it was not delivered. */
  route?: RouteHop[];
}

export const SIGNOFF_ROLES = ['executed', 'overseen'] as const;
export type SignoffRole = (typeof SIGNOFF_ROLES)[number];

/**
 * A person's sign-off of the run, in the plan's roles ("executed by",
 * "overseen by"). Signing records who and when; it never changes a verdict.
 */
export interface Signoff {
  role: SignoffRole;
  by: string;
  /** ISO time of signing. */
  at: string;
  statement?: string;
  /**
   * Set when the signer accepted a partial plan (`signoff --partial`): the
   * run decided fewer cases than the plan has, and the sign-off says so.
   */
  partial?: boolean;
}

export interface Results {
  schemaVersion: 1;
  run: RunInfo;
  cases: CaseResult[];
  probes: ProbeSummary[];
  summary: Summary;
  /** Sign-offs in the order they were given (absent until the first). */
  signoffs?: Signoff[];
  /** What changed since the previous run against the same target (absent for a first run). */
  comparison?: RunComparison;
}

/** A case whose verdict moved between two runs. */
export interface VerdictChange {
  id: string;
  from: Verdict;
  to: Verdict;
}

/**
 * This run against the previous run of the same target and customer: what
 * regressed (was passing, is not), what was fixed, and what else moved. For
 * scheduled regression runs (DESIGN.md "Who uses it").
 */
export interface RunComparison {
  previousRunId: string;
  previousStartedAt: string;
  regressed: VerdictChange[];
  fixed: VerdictChange[];
  changed: VerdictChange[];
}

/** Order of precedence when a case aggregates its checks: the worst wins. */
const SEVERITY: Record<Verdict, number> = { FAIL: 5, ERROR: 4, NOT_RUN: 3, ATTESTED: 2, PASS: 1, NOT_APPLICABLE: 0 };

/** The worse of two verdicts (SEVERITY). */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/**
 * Whether a verdict lets acceptance stand: PASS, or a stated, reviewable
 * outcome (ATTESTED, NOT_APPLICABLE). FAIL, ERROR and NOT_RUN do not.
 */
export function isPassing(v: Verdict): boolean {
  return v === 'PASS' || v === 'ATTESTED' || v === 'NOT_APPLICABLE';
}

/** A case's verdict from its checks. No checks at all is NOT_RUN, never PASS. */
export function aggregateVerdict(checks: readonly { verdict: Verdict }[]): Verdict {
  if (checks.length === 0) return 'NOT_RUN';
  let worst: Verdict = 'NOT_APPLICABLE';
  for (const c of checks) if (SEVERITY[c.verdict] > SEVERITY[worst]) worst = c.verdict;
  return worst;
}

export function summarize(cases: readonly { verdict: Verdict }[]): Summary {
  const s: Summary = { PASS: 0, FAIL: 0, NOT_RUN: 0, NOT_APPLICABLE: 0, ATTESTED: 0, ERROR: 0 };
  for (const c of cases) s[c.verdict] += 1;
  return s;
}
