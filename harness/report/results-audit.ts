/**
 * What a renderer may trust in a results file, recomputed rather than read:
 * each case's verdict from its checks (aggregateVerdict, the runner's own
 * rule), the summary from the cases, and whether the run covered the plan.
 * results.json can be hand-edited or written by a buggy runner; a report
 * that copied the stored verdicts would show a PASS its evidence does not
 * support (DESIGN.md: "Never report PASS on missing evidence").
 */
import { aggregateVerdict, summarize, VERDICTS, worseVerdict } from './model.ts';
import type { CaseResult, Results, Summary } from './model.ts';


export interface PlanCoverage {
  /** Cases the run was asked to decide (selectedCases, else planCases, else what it holds). */
  selected: number;
  /** Cases of the whole plan, when the run recorded them. */
  planned: number;
  /** Fewer cases selected than the plan has. */
  partial: boolean;
  /** Selected cases with no result in the file. */
  missing: string[];
}

export interface ResultsAudit {
  /** The cases with the verdict a report shows: the worse of stored and recomputed. */
  cases: CaseResult[];
  /** Counts recomputed from `cases`. */
  summary: Summary;
  /** Every disagreement between stored and recomputed values, one sentence each. */
  inconsistencies: string[];
  /** Case ids whose stored verdict disagrees with their checks. */
  inconsistentCases: string[];
  coverage: PlanCoverage;
  /** The run holds no case at all. */
  empty: boolean;
}

const countsLine = (s: Summary): string => VERDICTS.map((v) => `${v} ${s[v]}`).join(', ');

function coverage(results: Results): PlanCoverage {
  const held = results.cases.map((c) => c.id);
  const plan = results.run.planCases;
  const selected = results.run.selectedCases ?? plan ?? held;
  const wanted = new Set(selected);
  const partial = plan !== undefined && plan.some((id) => !wanted.has(id));
  const have = new Set(held);
  return { selected: selected.length, planned: plan?.length ?? selected.length, partial, missing: selected.filter((id) => !have.has(id)) };
}

/** Recomputes verdicts, summary and plan coverage from the cases and their checks. */
export function auditResults(results: Results): ResultsAudit {
  const inconsistencies: string[] = [];
  const inconsistentCases: string[] = [];
  const cases = results.cases.map((c): CaseResult => {
    const fromChecks = aggregateVerdict(c.checks);
    if (fromChecks === c.verdict) return c;
    const shown = worseVerdict(c.verdict, fromChecks);
    inconsistentCases.push(c.id);
    inconsistencies.push(`${c.id}: recorded as ${c.verdict}, but its checks aggregate to ${fromChecks}; shown as ${shown}.`);
    return { ...c, verdict: shown };
  });
  const stored = summarize(results.cases);
  const summary = summarize(cases);
  if (VERDICTS.some((v) => results.summary[v] !== stored[v])) {
    inconsistencies.push(`summary: recorded counts (${countsLine(results.summary)}) do not match the cases (${countsLine(stored)}); the counts shown are recomputed.`);
  }
  return { cases, summary, inconsistencies, inconsistentCases, coverage: coverage(results), empty: results.cases.length === 0 };
}

/** The results with recomputed verdicts and summary: what every renderer draws from. */
export function trustedResults(results: Results): { results: Results; audit: ResultsAudit } {
  const audit = auditResults(results);
  return { results: { ...results, cases: audit.cases, summary: audit.summary }, audit };
}

/**
 * Why the run cannot be accepted as a whole plan, beyond its verdicts: empty,
 * cases missing, partial, inconsistent. Empty when none applies.
 */
export function coverageProblems(audit: ResultsAudit): string[] {
  const out: string[] = [];
  if (audit.empty) out.push('The run holds no case results.');
  const { missing, partial, selected, planned } = audit.coverage;
  if (missing.length > 0) out.push(`${missing.length} selected case${missing.length === 1 ? ' has' : 's have'} no result: ${missing.join(', ')}.`);
  if (partial) out.push(`Partial plan: ${selected} of ${planned} cases were selected.`);
  return out;
}
