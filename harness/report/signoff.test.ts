import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRenderers, type RunRenderer } from './render-all.ts';
import { summarize, type Results } from './model.ts';
import { formatVerifyReport } from './seal-verify.ts';
import { readResults } from './results-writer.ts';
import { SEAL_FILE, writeSeal } from './seal.ts';
import { readSeal, verifyRun } from './seal-verify.ts';
import { signOff } from './signoff.ts';

// PDF printing is covered by report-browser.test.ts; here it only costs time.
const renderers = defaultRenderers.filter((r) => r.name !== 'pdf');
const SAMPLE = new URL('./sample/results.json', import.meta.url);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mailflow-signoff-'));
  await cp(SAMPLE, path.join(dir, 'results.json'));
  await mkdir(path.join(dir, 'evidence', 'probes'), { recursive: true });
  await writeFile(path.join(dir, 'evidence', 'probes', 'acme.test-html.eml'), 'Received: from a by b\r\n\r\nbody\r\n');
  await writeFile(path.join(dir, 'evidence', 'dsn.eml'), 'bounce');
  await writeFile(path.join(dir, 'run-state.json'), '{"runId":"x"}');
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const sign = (by: string, role: string, extra: Partial<Parameters<typeof signOff>[1]> = {}) =>
  signOff(dir, { by, role, renderers, now: new Date('2025-03-05T10:00:00Z'), ...extra });

async function flipOneByte(file: string): Promise<Buffer> {
  const data = await readFile(file);
  const copy = Buffer.from(data);
  const at = Math.floor(copy.length / 2);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  await writeFile(file, copy);
  return data;
}

describe('signOff and verifyRun', () => {
  it('records the signer, re-renders, seals, and leaves every verdict as it was', async () => {
    const before = await readResults(dir);
    const out = await sign('Dana Whitfield', 'executed', { statement: 'Ran on site.' });
    const after = await readResults(dir);
    expect(after.signoffs).toEqual([{ role: 'executed', by: 'Dana Whitfield', at: '2025-03-05T10:00:00.000Z', statement: 'Ran on site.' }]);
    expect(after.cases).toEqual(before.cases);
    expect(after.summary).toEqual(before.summary);
    expect(await readFile(path.join(dir, 'report.html'), 'utf8')).toContain('Ran on site.');
    expect(out.seal.files.map((f) => f.path)).toEqual([
      'junit.xml', 'report.docx', 'report.html', 'results.json', 'run-state.json', 'evidence/dsn.eml', 'evidence/probes/acme.test-html.eml',
    ]);
    expect((await verifyRun(dir)).ok).toBe(true);
  });

  it('detects a one-byte change to every sealed file, naming exactly that file', async () => {
    const { seal } = await sign('Dana Whitfield', 'executed');
    for (const f of seal.files) {
      const file = path.join(dir, ...f.path.split('/'));
      const original = await flipOneByte(file);
      const r = await verifyRun(dir);
      expect(r.ok, f.path).toBe(false);
      expect(r.changed.map((c) => c.path)).toEqual([f.path]);
      expect(r.missing).toEqual([]);
      await writeFile(file, original);
    }
    expect((await verifyRun(dir)).ok).toBe(true);
  });

  it('names the part of results.json that changed, and added or missing files', async () => {
    await sign('Dana Whitfield', 'executed');
    const results = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as { cases: { id: string; verdict: string }[] };
    results.cases.find((c) => c.id === 'MAN12')!.verdict = 'PASS';
    await writeFile(path.join(dir, 'results.json'), JSON.stringify(results, null, 2));
    await rm(path.join(dir, 'evidence', 'dsn.eml'));
    await writeFile(path.join(dir, 'evidence', 'extra.eml'), 'x');
    const r = await verifyRun(dir);
    expect(r.resultsChanges).toEqual(['case MAN12']);
    expect(r.missing).toEqual(['evidence/dsn.eml']);
    expect(r.added).toEqual(['evidence/extra.eml']);
  });

  it('signs the seal with Ed25519 when a key is given, and catches an edited seal or a foreign key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const trusted = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await sign('Dana Whitfield', 'executed', { privateKey });
    expect(await verifyRun(dir, { trustedKeyPem: trusted })).toMatchObject({ ok: true, signature: 'valid' });
    expect(await verifyRun(dir, { trustedKeyPem: other })).toMatchObject({ ok: false, signature: 'untrusted-key' });
    // Someone edits a file and rewrites its digest in seal.json: the signature no longer holds.
    await flipOneByte(path.join(dir, 'junit.xml'));
    const seal = await readSeal(dir);
    const fresh = (await import('./seal.ts')).digestFile;
    const idx = seal.files.findIndex((f) => f.path === 'junit.xml');
    seal.files[idx] = await fresh(dir, 'junit.xml');
    await writeSeal(dir, seal);
    expect(await verifyRun(dir)).toMatchObject({ ok: false, signature: 'invalid', changed: [] });
  });

  it('refuses what the plan does not allow', async () => {
    await sign('Dana Whitfield', 'executed');
    await expect(sign('Sam', 'executed')).rejects.toThrow(/already signed as executed by Dana Whitfield/);
    await expect(sign('dana whitfield', 'overseen')).rejects.toThrow(/must be someone else/);
    await expect(sign('Priya', 'approved')).rejects.toThrow(/expected one of executed, overseen/);
    await expect(sign('Priya\u001b[2J', 'overseen')).rejects.toThrow(/control characters/);
    await writeFile(path.join(dir, 'junit.xml'), 'tampered');
    await expect(sign('Priya Raman', 'overseen')).rejects.toThrow(/changed since it was sealed[\s\S]*changed {2}junit.xml/);
  });

  it('refuses an incomplete run', async () => {
    const results = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as { run: { complete: boolean } };
    results.run.complete = false;
    await writeFile(path.join(dir, 'results.json'), JSON.stringify(results));
    await expect(sign('Dana Whitfield', 'executed')).rejects.toThrow(/incomplete run cannot be signed off/);
    await expect(readFile(path.join(dir, SEAL_FILE))).rejects.toThrow();
  });

  async function editResults(edit: (r: Results) => void): Promise<void> {
    const r = await readResults(dir);
    edit(r);
    await writeFile(path.join(dir, 'results.json'), JSON.stringify(r));
  }

  it('refuses a partial plan unless told, and then says partial in the sign-off', async () => {
    await editResults((r) => {
      r.cases = r.cases.filter((c) => ['MAN10', 'MAN11'].includes(c.id));
      r.summary = summarize(r.cases);
      r.run.selectedCases = ['MAN10', 'MAN11'];
    });
    await expect(sign('Dana Whitfield', 'executed')).rejects.toMatchObject({
      code: 'EUSAGE', message: expect.stringContaining('is a partial plan (2 of 17 cases): run the whole plan, or sign it as partial with --partial') as string,
    });
    await expect(readFile(path.join(dir, SEAL_FILE))).rejects.toThrow();
    const out = await sign('Dana Whitfield', 'executed', { partial: true });
    expect(out.signoff.partial).toBe(true);
    expect(await readFile(path.join(dir, 'report.html'), 'utf8')).toContain('<strong>Signed for a partial plan (2 of 17 cases)</strong>');
    expect((await verifyRun(dir)).ok).toBe(true);
  });

  it('does not mark a whole-plan sign-off partial', async () => {
    const out = await sign('Dana Whitfield', 'executed', { partial: true });
    expect(out.signoff.partial).toBeUndefined();
    expect(await readFile(path.join(dir, 'report.html'), 'utf8')).not.toContain('Signed for a partial plan');
  });

  it('refuses a run with no cases, with a selected case missing, or with inconsistent verdicts', async () => {
    await editResults((r) => { r.cases = []; r.summary = summarize([]); r.run.selectedCases = []; });
    await expect(sign('Dana Whitfield', 'executed')).rejects.toThrow(/holds no case results/);
    await cp(SAMPLE, path.join(dir, 'results.json'));
    await editResults((r) => { r.cases = r.cases.filter((c) => c.id !== 'MAN12'); r.summary = summarize(r.cases); });
    await expect(sign('Dana Whitfield', 'executed')).rejects.toThrow(/no result for selected case\(s\) MAN12/);
    await cp(SAMPLE, path.join(dir, 'results.json'));
    await editResults((r) => { r.cases.find((c) => c.id === 'MAN12')!.verdict = 'PASS'; r.summary = summarize(r.cases); });
    await expect(sign('Dana Whitfield', 'executed')).rejects.toThrow(/inconsistent, refusing to sign it:\n {2}MAN12: recorded as PASS, but its checks aggregate to FAIL/);
    await cp(SAMPLE, path.join(dir, 'results.json'));
    await editResults((r) => { r.summary.PASS = 17; });
    await expect(sign('Dana Whitfield', 'executed')).rejects.toThrow(/summary: recorded counts/);
    await expect(readFile(path.join(dir, SEAL_FILE))).rejects.toThrow();
  });

  it('removes a report it could not re-render instead of sealing the stale one', async () => {
    await writeFile(path.join(dir, 'report.html'), '<p>before sign-off</p>');
    const broken: RunRenderer = { name: 'html', outputs: ['report.html'], write: () => Promise.reject(new Error('template exploded')) };
    const out = await sign('Dana Whitfield', 'executed', { renderers: [...renderers.filter((r) => r.name !== 'html'), broken] });
    expect(out.renderFailures).toEqual([{ renderer: 'html', error: 'template exploded' }]);
    expect(out.removed).toEqual(['report.html']);
    await expect(readFile(path.join(dir, 'report.html'))).rejects.toThrow();
    expect(out.seal.files.map((f) => f.path)).not.toContain('report.html');
    expect((await verifyRun(dir)).ok).toBe(true);
  });

  it('seals every top-level file the run wrote and names an unknown one added later', async () => {
    const { seal } = await sign('Dana Whitfield', 'executed');
    expect(seal.files.map((f) => f.path)).toContain('run-state.json');
    await flipOneByte(path.join(dir, 'run-state.json'));
    expect((await verifyRun(dir)).changed.map((c) => c.path)).toEqual(['run-state.json']);
    await writeFile(path.join(dir, 'run-state.json'), '{"runId":"x"}');
    await writeFile(path.join(dir, 'notes.txt'), 'added after sign-off');
    const r = await verifyRun(dir);
    expect(r).toMatchObject({ ok: false, added: ['notes.txt'] });
    expect(formatVerifyReport(r)).toContain('added    notes.txt (not part of the run when it was sealed)');
  });
});
