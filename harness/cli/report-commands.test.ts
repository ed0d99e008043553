/** `mailflow run` on the lab, then `report`, `signoff` and `verify`, black-box (STYLE.md §10). */
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../report/browser.ts';
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
});
