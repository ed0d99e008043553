import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Results } from './model.ts';
import { blockingCases, buildReportView, caseAnchor, formatDuration, formatTime, prettyJson } from './view-model.ts';

const sample = (): Results => JSON.parse(readFileSync(new URL('./sample/results.json', import.meta.url), 'utf8')) as Results;

describe('buildReportView', () => {
  it('maps run, summary and cases', () => {
    const view = buildReportView(sample());
    expect(view.run.gateway).toBe('mimecast, region eu');
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
