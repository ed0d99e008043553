import { describe, expect, it } from 'vitest';
import { summarize, type Results } from './model.ts';
import { formatCaseLine, formatSummary, shouldColor } from './console-summary.ts';
import { greenSample, sample } from './sample-results.test-helper.ts';

const byId = (r: Results, id: string) => r.cases.find((c) => c.id === id)!;

describe('formatCaseLine', () => {
  it('prints a PASS case as id, verdict and title', () => {
    expect(formatCaseLine(byId(sample(), 'MAN10'))).toBe('MAN10 PASS  TLS encryption on email sent to the gateway');
  });

  it('adds the deciding check and its scope for other verdicts', () => {
    const line = formatCaseLine(byId(sample(), 'MAN12'));
    expect(line).toMatch(/^MAN12 FAIL {2}SPF passes at the recipient - acme\.test: Recipient reported spf=fail/);
    expect(formatCaseLine(byId(sample(), 'OPT02'))).toMatch(/^OPT02 NOT_APPLICABLE Stationery layouts and policy - The config sets/);
  });

  it('says so when a case has no checks', () => {
    const c = { ...byId(sample(), 'MAN04'), checks: [] };
    expect(formatCaseLine(c)).toBe('MAN04 NOT_RUN Auto allow policy - no checks recorded');
  });

  it('keeps hostile text on one line without control sequences', () => {
    const c = byId(sample(), 'MAN06');
    c.checks[0]!.detail = 'bad\u001b[2J\u001b]8;;http://x\u0007link\r\nFAKE PASS line\u009b';
    const line = formatCaseLine(c, { maxReason: 500 });
    // eslint-disable-next-line no-control-regex -- asserting control characters are absent
    expect(line).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('bad [2J ]8;;http://x link FAKE PASS line');
  });

  it('shortens long reasons', () => {
    const c = byId(sample(), 'MAN06');
    c.checks[0]!.detail = 'x'.repeat(1000);
    expect(formatCaseLine(c, { maxReason: 40 }).endsWith('…')).toBe(true);
    expect(formatCaseLine(c, { maxReason: 40 }).length).toBeLessThan(100);
  });

  it('colours the verdict only when asked', () => {
    const c = byId(sample(), 'MAN06');
    expect(formatCaseLine(c)).not.toContain('\u001b[');
    expect(formatCaseLine(c, { color: true })).toContain('\u001b[31mFAIL\u001b[0m');
  });
});

describe('formatSummary', () => {
  it('lists every case aligned, the counts and the blocking cases', () => {
    const text = formatSummary(sample());
    const lines = text.split('\n');
    expect(lines[0]).toBe('Run 20250304T091502Z-lab-7f3a: Acme (lab) (lab, onprem)');
    expect(text).toContain('Lab faults: spf-missing-gateway, no-dkim');
    expect(text).toContain('MAN10 PASS           TLS encryption on email sent to the gateway');
    expect(text).toContain('PASS 10  FAIL 3  NOT_RUN 1  NOT_APPLICABLE 1  ATTESTED 1  ERROR 1  (39.8 s)');
    expect(text).toContain('Mandatory cases not passed: MAN04 NOT_RUN, MAN06 FAIL, MAN09 ERROR, MAN12 FAIL, MAN13 FAIL');
    expect(text).not.toContain('\u001b');
  });

  it('flags an incomplete run and a fully passing one', () => {
    const partial = sample();
    partial.run.complete = false;
    expect(formatSummary(partial)).toContain('INCOMPLETE');
    expect(formatSummary(greenSample())).toContain('Every mandatory case passed');
  });
});

describe('formatSummary on coverage and consistency', () => {
  const green = greenSample;

  it('counts mandatory failures', () => {
    expect(formatSummary(sample())).toContain('Mandatory cases failed: 3');
    expect(formatSummary(green())).toContain('Mandatory cases failed: 0');
  });

  it('says Partial plan and never the acceptance line for a partial run', () => {
    expect(formatSummary(green())).not.toContain('Partial plan');
    const r = green();
    r.run.planCases = [...r.run.planCases!, 'MAN04'];
    const text = formatSummary(r);
    expect(text).toContain(`Partial plan: ${r.cases.length} of ${r.cases.length + 1} cases: only the selected cases were run.`);
    expect(text).not.toContain('Every mandatory case passed');
    expect(text).toContain('a partial run cannot accept the cutover');
  });

  it('never accepts an empty run or one with a selected case missing', () => {
    const empty = green();
    empty.cases = [];
    empty.summary = summarize([]);
    empty.run.selectedCases = [];
    expect(formatSummary(empty)).toContain('The run holds no case results.');
    expect(formatSummary(empty)).not.toContain('Every mandatory case passed');
    const missing = green();
    missing.cases = missing.cases.slice(1);
    missing.summary = summarize(missing.cases);
    expect(formatSummary(missing)).toContain('1 selected case has no result');
    expect(formatSummary(missing)).not.toContain('Every mandatory case passed');
  });

  it('prints recomputed verdicts and flags a stored one the checks contradict', () => {
    const r = green();
    r.cases.find((c) => c.id === 'MAN10')!.checks[0]!.verdict = 'FAIL';
    const text = formatSummary(r);
    expect(text).toContain('INCONSISTENT: MAN10: recorded as PASS, but its checks aggregate to FAIL; shown as FAIL.');
    expect(text).toMatch(/^MAN10 FAIL/m);
    expect(text).not.toContain('Every mandatory case passed');
  });
});

describe('shouldColor', () => {
  it('needs a TTY and no NO_COLOR', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
  });
});
