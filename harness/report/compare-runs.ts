/**
 * The diff a scheduled run is read for: which cases regressed since the
 * previous run of the same target, which were fixed, and what else moved.
 * Pure: reads two results models, opens nothing.
 */
import { isPassing, type Results, type RunComparison, type VerdictChange } from './model.ts';

/** Whether `previous` is an earlier run of the same environment, so comparing the two means something. */
export function comparable(previous: Results, current: Results): boolean {
  return previous.run.id !== current.run.id
    && previous.run.target === current.run.target
    && previous.run.customer === current.run.customer
    && Date.parse(previous.run.startedAt) < Date.parse(current.run.startedAt);
}

/**
 * Case by case, for the cases both runs decided: regressed (passing before,
 * not now), fixed (not passing before, passing now), changed (any other move,
 * e.g. FAIL to ERROR). Cases only one run decided are not compared.
 */
export function compareRuns(previous: Results, current: Results): RunComparison {
  const before = new Map(previous.cases.map((c) => [c.id, c.verdict]));
  const out: RunComparison = { previousRunId: previous.run.id, previousStartedAt: previous.run.startedAt, regressed: [], fixed: [], changed: [] };
  for (const c of current.cases) {
    const from = before.get(c.id);
    if (from === undefined || from === c.verdict) continue;
    const change: VerdictChange = { id: c.id, from, to: c.verdict };
    if (isPassing(from) && !isPassing(c.verdict)) out.regressed.push(change);
    else if (!isPassing(from) && isPassing(c.verdict)) out.fixed.push(change);
    else out.changed.push(change);
  }
  return out;
}

/** One line per kind of move, for the console; empty when nothing moved. */
export function comparisonLines(c: RunComparison): string[] {
  const list = (xs: VerdictChange[]) => xs.map((x) => `${x.id} (${x.from} → ${x.to})`).join(', ');
  const head = `since run ${c.previousRunId}`;
  return [
    ...(c.regressed.length > 0 ? [`Regressed ${head}: ${list(c.regressed)}`] : []),
    ...(c.fixed.length > 0 ? [`Fixed ${head}: ${list(c.fixed)}`] : []),
    ...(c.changed.length > 0 ? [`Changed ${head}: ${list(c.changed)}`] : []),
  ];
}
