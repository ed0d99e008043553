/**
 * A run that never got to decide anything must not read as accepted: a
 * set-up crash becomes a SETUP case with verdict ERROR (exit 1), results.json
 * exists from the first moment, and bad domain counts are usage errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import setup from '../plan/global-setup.ts';
import { PlanReporter } from '../plan/plan-reporter.ts';
import { RUN_OPTIONS_ENV } from '../plan/run-options.ts';
import { exitCodeOf } from '../plan/run-plan.ts';
import { readRunState } from '../plan/run-state.ts';
import type { Results } from '../report/model.ts';
import { runCli } from './run-cli.test-helper.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'mailflow-setup-'));
  dirs.push(d);
  return d;
}

describe('a set-up crash', () => {
  test('is recorded by the global setup and reported as a SETUP ERROR case, exit code 1', async () => {
    const runDir = path.join(await tempDir(), 'run1');
    const saved = process.env[RUN_OPTIONS_ENV];
    process.env[RUN_OPTIONS_ENV] = JSON.stringify({ runId: 'run1', runDir, labDomains: 'abc' });
    try {
      await expect(setup({ provide: () => undefined } as never)).rejects.toThrow(/labDomains/);
    } finally {
      if (saved === undefined) delete process.env[RUN_OPTIONS_ENV];
      else process.env[RUN_OPTIONS_ENV] = saved;
    }
    expect((await readRunState(runDir))?.setupError).toMatch(/labDomains/);

    const reporter = new PlanReporter({ runDir });
    await reporter.start();
    const early = JSON.parse(await readFile(path.join(runDir, 'results.json'), 'utf8')) as Results;
    expect(early.run.complete).toBe(false);
    await reporter.onTestRunEnd([], []);
    const results = await reporter.results();
    expect(results.cases.map((c) => [c.id, c.verdict])).toEqual([['SETUP', 'ERROR']]);
    expect(results.cases[0]?.checks[0]?.detail).toMatch(/labDomains/);
    expect(results.summary.ERROR).toBe(1);
    expect(exitCodeOf(results)).toBe(1);
    const written = JSON.parse(await readFile(path.join(runDir, 'results.json'), 'utf8')) as Results;
    expect(written.cases[0]?.verdict).toBe('ERROR');
  });

  test('a healthy run has no SETUP case', async () => {
    const runDir = path.join(await tempDir(), 'run2');
    const reporter = new PlanReporter({ runDir });
    reporter.recordSetupErrors([]);
    await reporter.onTestRunEnd([], []);
    expect((await reporter.results()).cases).toEqual([]);
  });
});

describe('lab domain counts', () => {
  test.each([
    [['run', '--lab-domains', 'abc'], '--lab-domains: got "abc"'],
    [['run', '--lab-domains', '0'], '--lab-domains: got "0"'],
    [['run', '--lab-domains=2.5'], '--lab-domains: got "2.5"'],
    [['lab', '--domains', '21'], '--domains: got "21"'],
  ])('%j is a usage error naming the flag and the range', async (args, message) => {
    const r = await runCli(args, { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('expected a whole number from 1 to 20');
  });
});
