import { describe, expect, it } from 'vitest';
import { summarize } from './model.ts';
import { blockingCases, buildReportView, caseAnchor, formatDuration, formatTime, prettyJson } from './view-model.ts';
import { sample, greenSample } from './sample-results.test-helper.ts';


describe('buildReportView', () => {
  it('maps run, summary and cases', () => {
    const view = buildReportView(sample());
    expect(view.run.gateway).toBe('Mimecast, region EU');
    expect(view.run.environment).toBe('On-premises Exchange');
    expect(view.run.duration).toBe('39.8 s');
    expect(view.run.startedAt).toBe('2025-03-04 09:15:02 UTC');
    expect(view.summary.total).toBe(17);
    expect(view.summary.accepted).toBe(false);
    expect(view.summary.blocking.map((b) => b.id)).toEqual(['MAN04', 'MAN06', 'MAN09', 'MAN12', 'MAN13']);
    const man14 = view.cases.find((c) => c.id === 'MAN14')!;
    expect(man14.checks.map((c) => c.scope)).toContain('acme.test · html');
    expect(man14.showCorrective).toBe(false);
    expect(view.cases.find((c) => c.id === 'MAN06')!.showCorrective).toBe(true);
    const dns = view.cases.find((c) => c.id === 'MAN06')!.checks[0]!.evidence[0]!;
    expect(dns).toMatchObject({ kind: 'dns', kindLabel: 'DNS', meta: 'acme.test TXT' });
  });

  it('removes characters no report medium can carry', () => {
    const view = buildReportView(sample());
    const headers = view.cases.find((c) => c.id === 'MAN14')!.checks[0]!.evidence[0]!.body;
    expect(headers).toContain('X-Mailer: probe[2J v1');
    expect(JSON.stringify(view)).not.toMatch(/\\u00(0[0-8bcef]|1[0-9a-f])/);
  });

  it('accepts a complete run whose mandatory cases pass, are attested or do not apply', () => {
    const r = sample();
    r.cases = r.cases.filter((c) => !['FAIL', 'ERROR', 'NOT_RUN'].includes(c.verdict));
    r.summary = summarize(r.cases);
    r.run.selectedCases = r.run.planCases = r.cases.map((c) => c.id);
    expect(blockingCases(r)).toEqual([]);
    expect(buildReportView(r).summary.accepted).toBe(true);
    r.run.complete = false;
    expect(buildReportView(r).summary.outcome).toContain('incomplete');
  });
});

describe('helpers', () => {
  it('formats durations and times', () => {
    expect(formatDuration(undefined)).toBe('');
    expect(formatDuration(Number.NaN)).toBe('');
    expect(formatDuration(41)).toBe('41 ms');
    expect(formatDuration(1904)).toBe('1.9 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatTime('not a time')).toBe('not a time');
  });

  it('builds anchors that need no escaping', () => {
    expect(caseAnchor('MAN10')).toBe('case-MAN10');
    expect(caseAnchor('"><x javascript:')).toBe('case-___x_javascript_');
  });

  it('pretty-prints any value without throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(prettyJson({ n: 10n })).toBe('{\n  "n": "10"\n}');
    expect(prettyJson(undefined)).toBe('undefined');
    expect(prettyJson(circular)).toBe('[object Object]');
  });
});

describe('trusting nothing stored', () => {
  it('recomputes a case verdict from its checks and the summary from the cases, and flags both', () => {
    const r = sample();
    expect(buildReportView(r).summary.inconsistencies).toEqual([]);
    const man10 = r.cases.find((c) => c.id === 'MAN10')!;
    man10.checks[0]!.verdict = 'FAIL';
    r.summary.PASS += 5;
    const view = buildReportView(r);
    expect(view.cases.find((c) => c.id === 'MAN10')!.verdict.code).toBe('FAIL');
    expect(view.cases.find((c) => c.id === 'MAN10')!.inconsistency).toBe('MAN10: recorded as PASS, but its checks aggregate to FAIL; shown as FAIL.');
    expect(view.summary.items.find((i) => i.verdict.code === 'PASS')!.count).toBe(9);
    expect(view.summary.inconsistencies).toHaveLength(2);
    expect(view.summary.inconsistencies[1]).toMatch(/^summary: recorded counts \(PASS 15,/);
    expect(view.summary.blocking.map((b) => b.id)).toContain('MAN10');
  });

  it('never upgrades a recorded verdict its checks do not support', () => {
    const r = sample();
    r.cases.find((c) => c.id === 'MAN06')!.verdict = 'PASS';
    expect(buildReportView(r).cases.find((c) => c.id === 'MAN06')!.verdict.code).toBe('FAIL');
    const stale = sample();
    stale.cases.find((c) => c.id === 'MAN10')!.verdict = 'ERROR';
    expect(buildReportView(stale).cases.find((c) => c.id === 'MAN10')!.verdict.code).toBe('ERROR');
  });
});

describe('plan coverage', () => {
  const green = greenSample;

  it('marks a partial plan and never uses the acceptance wording for it', () => {
    expect(buildReportView(green()).summary).toMatchObject({ partial: '', accepted: true });
    const r = green();
    r.run.planCases = [...r.run.planCases!, 'MAN04', 'MAN06'];
    const s = buildReportView(r).summary;
    expect(s.partial).toBe(`Partial plan: ${r.cases.length} of ${r.cases.length + 2} cases`);
    expect(s.accepted).toBe(false);
    expect(s.outcome).not.toMatch(/every mandatory case passed/i);
    expect(s.outcome).toContain('partial run cannot accept the cutover');
  });

  it('does not accept a run with no cases or with a selected case missing', () => {
    const empty = green();
    empty.cases = [];
    empty.summary = summarize([]);
    empty.run.selectedCases = [];
    expect(buildReportView(empty).summary).toMatchObject({ accepted: false, outcome: 'The run holds no case results, so it cannot be accepted.' });
    const missing = green();
    missing.cases = missing.cases.slice(1);
    missing.summary = summarize(missing.cases);
    const s = buildReportView(missing).summary;
    expect(s.accepted).toBe(false);
    expect(s.coverage).toEqual([`1 selected case has no result: ${green().cases[0]!.id}.`]);
  });

  it('counts mandatory FAILs', () => {
    expect(buildReportView(sample()).summary.mandatoryFailed).toBe(3);
    expect(buildReportView(green()).summary.mandatoryFailed).toBe(0);
  });
});

describe('case cells', () => {
  it('says "None needed." only for PASS, ATTESTED and NOT_APPLICABLE; ERROR and NOT_RUN say the result', () => {
    const view = buildReportView(sample());
    const note = (id: string) => view.cases.find((c) => c.id === id)!;
    for (const id of ['MAN10', 'MAN03', 'OPT02']) expect(note(id).correctiveNote).toBe('None needed.');
    expect(note('MAN09').correctiveNote).toMatch(/^Not decided: the result is Error .*check details/);
    expect(note('MAN04').correctiveNote).toMatch(/^Not decided: the result is Not run .*check details/);
    expect(note('MAN06')).toMatchObject({ showCorrective: true });
  });

  it('pulls attestations out of the evidence for the check row', () => {
    const man03 = buildReportView(sample()).cases.find((c) => c.id === 'MAN03')!;
    expect(man03.checks[0]!.attestations).toEqual([{ by: 'Dana Whitfield', date: '2025-03-03', note: expect.stringContaining('Default secure delivery') as string }]);
    expect(buildReportView(sample()).cases.find((c) => c.id === 'MAN10')!.checks[0]!.attestations).toEqual([]);
  });

  it('neutralises bidi controls in every string', () => {
    const r = sample();
    r.cases[0]!.title = 'ok \u202Egnp.exe \u2066x\u2069';
    const title = buildReportView(r).cases[0]!.title;
    expect(title).toBe('ok [U+202E]gnp.exe [U+2066]x[U+2069]');
    expect(JSON.stringify(buildReportView(r))).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
