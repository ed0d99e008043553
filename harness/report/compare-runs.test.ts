import { describe, expect, it } from 'vitest';
import { comparable, compareRuns, comparisonLines } from './compare-runs.ts';
import { renderHtmlReport } from './html-report.ts';
import type { Results, Verdict } from './model.ts';
import { sample } from './sample-results.test-helper.ts';


/** The sample with the given case verdicts, as a run that started `minutes` after the sample. */
function run(verdicts: Record<string, Verdict>, minutes = 0): Results {
  const r = sample();
  const startedAt = new Date(Date.parse(r.run.startedAt) + minutes * 60_000).toISOString();
  return { ...r, run: { ...r.run, id: `run-${minutes}`, startedAt }, cases: r.cases.map((c) => ({ ...c, verdict: verdicts[c.id] ?? 'PASS' })) };
}

describe('compareRuns', () => {
  it('names a case that passed before and does not now as regressed, and the reverse as fixed', () => {
    const c = compareRuns(run({ MAN12: 'FAIL' }), run({ MAN10: 'FAIL', MAN13: 'ERROR' }, 10));
    expect(c.regressed).toEqual([{ id: 'MAN10', from: 'PASS', to: 'FAIL' }, { id: 'MAN13', from: 'PASS', to: 'ERROR' }]);
    expect(c.fixed).toEqual([{ id: 'MAN12', from: 'FAIL', to: 'PASS' }]);
    expect(c.changed).toEqual([]);
    expect(comparisonLines(c)).toEqual(['Regressed since run run-0: MAN10 (PASS → FAIL), MAN13 (PASS → ERROR)', 'Fixed since run run-0: MAN12 (FAIL → PASS)']);
  });

  it('reports nothing between two runs with the same verdicts', () => {
    const c = compareRuns(run({ MAN12: 'FAIL' }), run({ MAN12: 'FAIL' }, 10));
    expect([c.regressed, c.fixed, c.changed]).toEqual([[], [], []]);
    expect(comparisonLines(c)).toEqual([]);
  });

  it('keeps moves between two non-passing verdicts apart, and skips cases only one run decided', () => {
    const before = run({ MAN12: 'FAIL' });
    const after = run({ MAN12: 'ERROR' }, 10);
    after.cases = after.cases.filter((c) => c.id !== 'MAN10');
    before.cases = before.cases.filter((c) => c.id !== 'MAN13');
    expect(compareRuns(before, after)).toMatchObject({ regressed: [], fixed: [], changed: [{ id: 'MAN12', from: 'FAIL', to: 'ERROR' }] });
  });

  it('compares only an earlier run of the same target and customer', () => {
    expect(comparable(run({}), run({}, 10))).toBe(true);
    expect(comparable(run({}, 10), run({}))).toBe(false);
    expect(comparable(run({}), { ...run({}, 10), run: { ...run({}, 10).run, target: 'other.yaml' } })).toBe(false);
    expect(comparable(run({}), run({}))).toBe(false);
  });

  it('is shown in the HTML summary, and absent for a first run', () => {
    const current = run({ MAN10: 'FAIL' }, 10);
    const html = renderHtmlReport({ ...current, comparison: compareRuns(run({}), current) });
    expect(html).toContain('Since the previous run');
    expect(html).toMatch(/<a href="#[^"]*MAN10[^"]*">MAN10<\/a><\/td><td>Regressed<\/td>/i);
    expect(renderHtmlReport(current)).not.toContain('Since the previous run');
  });
});
