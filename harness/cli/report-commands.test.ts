/** `mailflow run` on the lab, then `report`, `signoff` and `verify`, black-box (STYLE.md §10). */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../report/browser.ts';
import { summarize } from '../report/model.ts';
import { unzip } from '../report/unzip.test-helper.ts';
import { latestResults, runCli } from './run-cli.test-helper.ts';

let out: string;
let run: string;
const hasChromium = (await findChromium()) !== undefined;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'mailflow-report-cli-'));
  const r = await runCli(['run', '--out', out], { timeoutMs: 90_000 });
  expect(r.code, r.stderr).toBe(0);
  run = path.join(out, (await latestResults(out)).run.id);
}, 120_000);
afterAll(async () => { await rm(out, { recursive: true, force: true }); });

const exists = (f: string) => access(f).then(() => true, () => false);

describe('report, signoff and verify on a real lab run', () => {
  it('run wrote every output, with each probe route', async () => {
    for (const f of ['results.json', 'report.html', 'report.docx', 'junit.xml']) expect(await exists(path.join(run, f)), f).toBe(true);
    expect(await exists(path.join(run, 'report.pdf'))).toBe(hasChromium);
    const results = await latestResults(out);
    expect(results.probes[0]?.route?.map((h) => h.role)).toEqual(['customer', 'to-gateway', 'from-gateway']);
    const html = await readFile(path.join(run, 'report.html'), 'utf8');
    for (const c of results.cases) expect(html).toContain(`id="case-${c.id}"`);
    expect(html).toContain('3 hops, all encrypted.');
  });

  it('signs off twice, verifies, and reports a tampered file', async () => {
    const s1 = await runCli(['signoff', run, '--by', 'Dana Whitfield', '--role', 'executed', '--statement', 'Executed on the lab.'], { timeoutMs: 60_000 });
    expect(s1.code, s1.stderr).toBe(0);
    expect(s1.stdout).toContain('signed as executed by Dana Whitfield');
    const s2 = await runCli(['signoff', run, '--by', 'Priya Raman', '--role', 'overseen'], { timeoutMs: 60_000 });
    expect(s2.code, s2.stderr).toBe(0);
    expect(await readFile(path.join(run, 'report.html'), 'utf8')).toContain('Executed on the lab.');
    const ok = await runCli(['verify', run]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('OK: nothing changed since sign-off.');
    const again = await runCli(['report', run]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is signed off; re-render elsewhere with --out DIR');
    const elsewhere = await runCli(['report', run, '--out', path.join(out, 'copy')], { timeoutMs: 60_000 });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    const html = path.join(run, 'report.html');
    await writeFile(html, (await readFile(html, 'utf8')).replace('Pass', 'Pasr'));
    const bad = await runCli(['verify', run]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/CHANGED[\s\S]*changed {2}report\.html/);
  }, 120_000);

  it('verify without a seal and signoff with a bad role are usage errors', async () => {
    expect((await runCli(['verify', out])).code).toBe(2);
    const r = await runCli(['signoff', run, '--by', 'X', '--role', 'approver']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected one of executed, overseen');
  });

  it('re-renders on Letter paper with --paper letter, and rejects an unknown paper', async () => {
    const copy = path.join(out, 'letter');
    const r = await runCli(['report', run, '--out', copy, '--paper', 'letter'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const xml = unzip(await readFile(path.join(copy, 'report.docx'))).get('word/document.xml')!.toString('utf8');
    expect(xml).toMatch(/<w:pgSz w:w="12240" w:h="15840"/);
    const bad = await runCli(['report', run, '--out', copy, '--paper', 'a3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--paper a3: expected a4 or letter');
  }, 90_000);

  it('refuses to sign a partial plan without --partial, and says partial with it', async () => {
    const partial = path.join(out, 'partial-run');
    await mkdir(partial, { recursive: true });
    const results = await latestResults(out);
    results.cases = results.cases.filter((c) => c.id === 'MAN10');
    results.summary = summarize(results.cases);
    results.run.planCases = ['MAN10', 'MAN11'];
    results.run.selectedCases = ['MAN10'];
    delete results.signoffs;
    await writeFile(path.join(partial, 'results.json'), JSON.stringify(results));
    const refused = await runCli(['signoff', partial, '--by', 'Dana Whitfield', '--role', 'executed']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is a partial plan (1 of 2 cases): run the whole plan, or sign it as partial with --partial');
    const ok = await runCli(['signoff', partial, '--by', 'Dana Whitfield', '--role', 'executed', '--partial'], { timeoutMs: 60_000 });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('(partial plan)');
    const html = await readFile(path.join(partial, 'report.html'), 'utf8');
    expect(html).toContain('Partial plan: 1 of 2 cases');
    expect(html).toContain('Signed for a partial plan (1 of 2 cases)');
  }, 90_000);
});
