/**
 * Every lab fault flips exactly the cases it concerns, through the real CLI on
 * the real lab (issue 2 §7); the healthy lab passes everything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { latestResults, runCli, verdictMap } from './run-cli.test-helper.ts';

const ALL_PASS = { MAN07: 'PASS', MAN08: 'PASS', MAN10: 'PASS', MAN11: 'PASS', MAN12: 'PASS', MAN13: 'PASS' };
const UNDELIVERED = { MAN10: 'NOT_RUN', MAN11: 'NOT_RUN', MAN12: 'NOT_RUN', MAN13: 'NOT_RUN' };

const EXPECTED: Record<string, Record<string, string>> = {
  healthy: ALL_PASS,
  'no-tls-in': { ...ALL_PASS, MAN10: 'FAIL' },
  'no-tls-out': { ...ALL_PASS, MAN11: 'FAIL' },
  'no-dkim': { ...ALL_PASS, MAN13: 'FAIL' },
  'spf-missing-gateway': { ...ALL_PASS, MAN12: 'FAIL' },
  'gateway-rejects': { MAN07: 'FAIL', MAN08: 'FAIL', ...UNDELIVERED },
  'delivery-fails': { MAN07: 'PASS', MAN08: 'FAIL', ...UNDELIVERED },
  // Transient faults: ridden out, every verdict still right.
  'smtp-tempfail': ALL_PASS,
  'imap-drop': ALL_PASS,
};

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe.concurrent('mailflow run on the lab', () => {
  for (const [fault, expected] of Object.entries(EXPECTED)) {
    test(fault, async () => {
      const out = await mkdtemp(path.join(tmpdir(), `mailflow-${fault}-`));
      dirs.push(out);
      const args = ['run', '--out', out, ...(fault === 'healthy' ? [] : ['--lab-fault', fault])];
      const r = await runCli(args);
      const results = await latestResults(out);
      expect(verdictMap(results), r.stderr).toEqual(expected);
      const mandatoryBroken = Object.values(expected).some((v) => v === 'FAIL' || v === 'ERROR');
      expect(r.code).toBe(mandatoryBroken ? 1 : 0);
      expect(results.run.complete).toBe(true);
      expect(results.run.labFaults).toEqual(fault === 'healthy' ? [] : [fault]);
      // One line per case on stdout.
      for (const id of Object.keys(expected)) expect(r.stdout).toMatch(new RegExp(`^${id}\\s+${expected[id]}`, 'm'));
      if (fault === 'smtp-tempfail') {
        // The 451 was retried, and the retry never counted as a second probe.
        expect(results.probes.every((p) => p.attempts === 2 && p.status === 'delivered')).toBe(true);
      }
      if (fault === 'gateway-rejects' || fault === 'delivery-fails') {
        const man08 = results.cases.find((c) => c.id === 'MAN08');
        expect(man08?.checks[0]?.detail).toMatch(/refused|5\.\d\.\d/);
      }
    });
  }
});
