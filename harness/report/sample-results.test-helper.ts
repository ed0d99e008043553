/** The sample results file (harness/report/sample/results.json) that drives the renderers' tests, fresh per call. */
import { readFileSync } from 'node:fs';
import type { Results } from './model.ts';
import { summarize } from './model.ts';

export const SAMPLE_URL = new URL('./sample/results.json', import.meta.url);

export const sample = (): Results => JSON.parse(readFileSync(SAMPLE_URL, 'utf8')) as Results;

/** The sample without its FAIL, ERROR and NOT_RUN cases, covering exactly its own cases: an accepted run. */
export function greenSample(): Results {
  const r = sample();
  r.cases = r.cases.filter((c) => !['FAIL', 'ERROR', 'NOT_RUN'].includes(c.verdict));
  r.summary = summarize(r.cases);
  r.run.selectedCases = r.run.planCases = r.cases.map((c) => c.id);
  return r;
}
