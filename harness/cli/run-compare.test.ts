/**
 * A scheduled run names what regressed since the previous run in the same
 * reports folder: the real CLI, twice, on the real lab, the second time with a
 * fault switched on, then healthy again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { latestResults, runCli } from './run-cli.test-helper.ts';

let out = '';
beforeAll(async () => { out = await mkdtemp(path.join(tmpdir(), 'mailflow-compare-')); });
afterAll(async () => { await rm(out, { recursive: true, force: true }); });

const ONLY = ['--only', 'MAN10,MAN11'];

describe('run against the previous run', () => {
  test('a first run has no comparison; a fault run names the regression; the healthy run after it names the fix', async () => {
    const first = await runCli(['run', '--out', out, ...ONLY], { timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);
    expect((await latestResults(out)).comparison).toBeUndefined();

    const broken = await runCli(['run', '--out', out, ...ONLY, '--lab-fault', 'no-tls-in'], { timeoutMs: 120_000 });
    expect(broken.code).toBe(1);
    const regressed = await latestResults(out);
    expect(regressed.comparison).toMatchObject({ regressed: [{ id: 'MAN10', from: 'PASS', to: 'FAIL' }], fixed: [], changed: [] });
    expect(broken.stdout).toMatch(/Regressed since run \S+: MAN10 \(PASS → FAIL\)/);

    const healed = await runCli(['run', '--out', out, ...ONLY], { timeoutMs: 120_000 });
    expect(healed.code, healed.stderr).toBe(0);
    const fixed = await latestResults(out);
    expect(fixed.comparison).toMatchObject({ previousRunId: regressed.run.id, regressed: [], fixed: [{ id: 'MAN10', from: 'FAIL', to: 'PASS' }] });
    expect(healed.stdout).toMatch(/Fixed since run/);
  });
});
