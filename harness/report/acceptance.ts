/**
 * Whether a run accepts the cutover, in one place for every report (HTML,
 * Word, console): only a complete, consistent run of the whole plan, every
 * selected case present, with no mandatory case FAIL, ERROR or NOT_RUN.
 * Reads trusted (recomputed) results only (results-audit.ts).
 */
import { isPassing, type CaseResult, type Results } from './model.ts';
import { coverageProblems, type ResultsAudit } from './results-audit.ts';

/**
 * Mandatory cases that keep the run from being accepted. ATTESTED and
 * NOT_APPLICABLE do not block: both are a stated, reviewable outcome.
 */
export function blockingCases(results: Results): CaseResult[] {
  return results.cases.filter((c) => c.mandatory && !isPassing(c.verdict));
}

export interface Acceptance {
  accepted: boolean;
  /** One sentence for the banner and the console. */
  outcome: string;
  blocking: CaseResult[];
  /** Mandatory cases whose verdict is FAIL. */
  mandatoryFailed: number;
  /** "Partial plan: 5 of 17 cases", or empty for the whole plan. */
  partialLine: string;
  /** Empty run, missing cases, partial plan: why the plan is not covered. */
  coverage: string[];
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function outcomeOf(results: Results, audit: ResultsAudit, blocking: number): string {
  const { coverage } = audit;
  if (blocking > 0) return `${plural(blocking, 'mandatory case', 'mandatory cases')} did not pass.`;
  if (audit.empty) return 'The run holds no case results, so it cannot be accepted.';
  if (coverage.missing.length > 0) return `${plural(coverage.missing.length, 'selected case has', 'selected cases have')} no result, so the run cannot be accepted.`;
  if (!results.run.complete) return 'The run is incomplete, so it cannot be accepted.';
  if (audit.inconsistencies.length > 0) return 'The results file is inconsistent (see below), so the run cannot be accepted.';
  if (coverage.partial) {
    return `No selected mandatory case failed, but only ${coverage.selected} of ${coverage.planned} cases of the plan were run: a partial run cannot accept the cutover.`;
  }
  return 'Every mandatory case passed, was attested or does not apply.';
}

/** The acceptance of trusted results and their audit. */
export function acceptance(results: Results, audit: ResultsAudit): Acceptance {
  const blocking = blockingCases(results);
  const { coverage } = audit;
  const accepted = results.run.complete && blocking.length === 0 && coverageProblems(audit).length === 0 && audit.inconsistencies.length === 0;
  return {
    accepted,
    outcome: outcomeOf(results, audit, blocking.length),
    blocking,
    mandatoryFailed: results.cases.filter((c) => c.mandatory && c.verdict === 'FAIL').length,
    partialLine: coverage.partial ? `Partial plan: ${coverage.selected} of ${coverage.planned} cases` : '',
    coverage: coverageProblems(audit),
  };
}
