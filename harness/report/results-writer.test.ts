import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMailflowError } from '../errors.ts';
import type { MailflowError } from '../errors.ts';
import { aggregateVerdict, summarize } from './model.ts';
import type { Results } from './model.ts';
import { createResultsWriter, readResults, RESULTS_FILE } from './results-writer.ts';
import { sample, SAMPLE_URL } from './sample-results.test-helper.ts';


let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'mailflow-results-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

async function rejection(p: Promise<unknown>): Promise<MailflowError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!isMailflowError(e)) throw new Error(`expected a MailflowError, got ${String(e)}`);
  return e;
}

describe('sample/results.json', () => {
  it('is valid and internally consistent', async () => {
    const results = await readResults(SAMPLE_URL.pathname);
    for (const c of results.cases) expect(aggregateVerdict(c.checks), c.id).toBe(c.verdict);
    expect(results.summary).toEqual(summarize(results.cases));
    expect(new Set(results.cases.map((c) => c.verdict)).size).toBe(6);
    const kinds = new Set(results.cases.flatMap((c) => c.checks.flatMap((k) => k.evidence.map((e) => e.kind))));
    expect(kinds.size).toBe(8);
  });
});

describe('createResultsWriter', () => {
  it('writes a file that reads back equal', async () => {
    const writer = createResultsWriter(join(dir, 'run-1'));
    await writer.update(sample());
    expect(writer.path).toBe(join(dir, 'run-1', RESULTS_FILE));
    expect(await readResults(join(dir, 'run-1'))).toEqual(sample());
  });

  it('writes the run\'s who and when as null until known, and reads them back as absent', async () => {
    const r = sample();
    const { executedBy: _e, overseenBy: _o, ...run } = r.run;
    const unsigned: Results = { ...r, run };
    await createResultsWriter(dir).update(unsigned);
    const json = JSON.parse(await readFile(join(dir, RESULTS_FILE), 'utf8')) as { run: Record<string, unknown> };
    expect(json.run.executedBy).toBeNull();
    expect(json.run.overseenBy).toBeNull();
    const back = await readResults(dir);
    expect('executedBy' in back.run).toBe(false);
    expect(back).toEqual(unsigned);
  });

  it('snapshots at call time', async () => {
    const writer = createResultsWriter(dir);
    const results = sample();
    const done = writer.update(results);
    results.run.id = 'mutated-after-update';
    await done;
    expect((await readResults(dir)).run.id).toBe(sample().run.id);
  });

  it('survives concurrent updates from two writers and keeps the newest', async () => {
    const a = createResultsWriter(dir);
    const b = createResultsWriter(dir);
    await a.update(sample());
    let settled = false;
    const updates: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      const r = sample();
      r.run.id = `run-${i}`;
      updates.push((i % 2 === 0 ? a : b).update(r));
      // Spread the updates over several event-loop turns so writes interleave with reads.
      if (i % 10 === 9) await new Promise<void>((resolve) => { setImmediate(resolve); });
    }
    const allDone = Promise.all(updates).finally(() => { settled = true; });
    // Meanwhile a reader must never see a torn or empty file.
    let reads = 0;
    while (!settled && reads < 500) {
      JSON.parse(await readFile(a.path, 'utf8'));
      reads += 1;
    }
    await allDone;
    expect(reads).toBeGreaterThan(0);
    expect((await readResults(dir)).run.id).toBe('run-59');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed write does not wedge later updates', async () => {
    const writer = createResultsWriter(dir);
    // A directory where the file should be makes rename() fail.
    await mkdir(writer.path);
    await expect(writer.update(sample())).rejects.toThrow();
    await rm(writer.path, { recursive: true });
    await writer.update(sample());
    expect((await readResults(dir)).run.id).toBe(sample().run.id);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('readResults', () => {
  it('names the file when it is missing', async () => {
    const e = await rejection(readResults(dir));
    expect(e.code).toBe('ECONFIG');
    expect(e.message).toContain(join(dir, RESULTS_FILE));
    expect(e.message).toContain('not found');
  });

  it('reports invalid JSON with the file name', async () => {
    await writeFile(join(dir, RESULTS_FILE), '{"schemaVersion": 1, "run": ');
    const e = await rejection(readResults(dir));
    expect(e.message).toMatch(/results\.json: not valid JSON/);
    expect(e.context.file).toBe(join(dir, RESULTS_FILE));
  });

  it('names the file and every bad key path', async () => {
    const bad = sample() as unknown as { cases: { verdict: string; checks: { evidence: { kind: string }[] }[] }[]; run: Record<string, unknown> };
    bad.cases[3]!.verdict = 'MAYBE';
    bad.cases[0]!.checks[0]!.evidence[0]!.kind = 'rumour';
    delete bad.run.configDigest;
    await writeFile(join(dir, RESULTS_FILE), JSON.stringify(bad));
    const e = await rejection(readResults(dir));
    expect(e.code).toBe('ECONFIG');
    expect(e.message).toContain(`${join(dir, RESULTS_FILE)}: `);
    expect(e.message).toContain('and 2 more problems');
    const all = e.issues.join('\n');
    expect(all).toContain('cases.3.verdict');
    expect(all).toContain('cases.0.checks.0.evidence.0.kind');
    expect(all).toContain('run.configDigest');
  });

  it('keeps keys it does not know, so a read-write cycle loses nothing', async () => {
    const newer = { ...sample(), signoff: { by: 'someone' } };
    await writeFile(join(dir, RESULTS_FILE), JSON.stringify(newer));
    const read = await readResults(join(dir, RESULTS_FILE));
    expect((read as unknown as { signoff: unknown }).signoff).toEqual({ by: 'someone' });
  });
});
