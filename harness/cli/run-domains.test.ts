/**
 * "Repeat the test for each sending domain": with two lab domains every case
 * decides once per domain (once per domain and format for the format cases),
 * healthy and under a fault, through the real CLI on the real lab.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Results } from '../report/model.ts';
import { PLAN_ORDER } from '../plan/plan-catalogue.ts';
import { latestResults, runCli, verdictMap } from './run-cli.test-helper.ts';

const DOMAINS = ['acme.test', 'acme2.test'];
// The healthy lab has nothing to attest and nothing that does not apply: every check must PASS.
const PASSING = ['PASS'];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function run(extra: string[]): Promise<{ code: number; stderr: string; results: Results }> {
  const out = await mkdtemp(path.join(tmpdir(), 'mailflow-domains-'));
  dirs.push(out);
  const r = await runCli(['run', '--lab-domains', '2', '--out', out, ...extra], { timeoutMs: 180_000 });
  if (r.code !== 0 && r.code !== 1) throw new Error(`mailflow run exited ${r.code}:\n${r.stderr}`);
  return { code: r.code, stderr: r.stderr, results: await latestResults(out) };
}

/** Cases judged once for the whole gateway (define-case `once`). */
const WHOLE_GATEWAY = new Set(['MAN01']);

/** Each case has a check for every domain, and every check's verdict is the case's expected one for that domain. */
function expectPerDomain(results: Results, expected: Record<string, string>): void {
  expect(results.run.domains).toEqual(DOMAINS);
  expect(results.cases.map((c) => c.id).sort()).toEqual([...PLAN_ORDER].sort());
  for (const c of results.cases) {
    if (WHOLE_GATEWAY.has(c.id)) {
      // The plan does not repeat these per domain: one check, with no domain.
      expect(c.checks.map((k) => k.domain), `${c.id} is one whole-gateway check`).toEqual([undefined]);
      continue;
    }
    const domains = new Set(c.checks.map((k) => k.domain));
    expect([...domains].sort(), `${c.id} checks per domain`).toEqual(DOMAINS);
    const perDomain = DOMAINS.map((d) => c.checks.filter((k) => k.domain === d).length);
    expect(perDomain[0], `${c.id}: as many checks for each domain`).toBe(perDomain[1]);
    for (const k of c.checks) {
      const label = `${c.id} ${k.domain ?? ''} ${k.format ?? ''}`;
      if (expected[c.id]) expect(`${label} ${k.verdict}`).toBe(`${label} ${expected[c.id]}`);
      else expect(PASSING, `${label} ${k.verdict}: ${k.detail}`).toContain(k.verdict);
    }
  }
}

describe('two sending domains', () => {
  test('healthy: every case passes once per domain', async () => {
    const { code, stderr, results } = await run([]);
    expect(code, stderr).toBe(0);
    expectPerDomain(results, {});
    expect(results.probes.filter((p) => p.status === 'delivered').map((p) => p.domain).sort()).toEqual(expect.arrayContaining(DOMAINS));
  });

  test('no-tls-in: MAN10 fails for each domain, nothing else moves', async () => {
    const { code, results } = await run(['--lab-fault', 'no-tls-in']);
    expect(code).toBe(1);
    expectPerDomain(results, { MAN10: 'FAIL' });
    expect(Object.entries(verdictMap(results)).filter(([, v]) => v !== 'PASS')).toEqual([['MAN10', 'FAIL']]);
  });
});
