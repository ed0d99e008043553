/**
 * Every lab fault flips exactly the cases it concerns, through the real CLI on
 * the real lab (issue 2 §7); the healthy lab passes everything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { latestResults, runCli, verdictMap } from './run-cli.test-helper.ts';

const GATEWAY_PASS = { MAN01: 'PASS', MAN02: 'PASS', MAN03: 'PASS', MAN04: 'PASS', MAN05: 'PASS', MAN06: 'PASS', OPT01: 'PASS', OPT02: 'PASS', MAN09: 'PASS' };
const ALL_PASS = { ...GATEWAY_PASS, MAN07: 'PASS', MAN08: 'PASS', MAN10: 'PASS', MAN11: 'PASS', MAN12: 'PASS', MAN13: 'PASS', MAN14: 'PASS', MAN15: 'PASS' };
// Nothing delivered: the behaviour-proven cases have nothing to read (and no attestation in the lab).
const UNDELIVERED = { MAN01: 'PASS', MAN02: 'PASS', OPT01: 'PASS', MAN03: 'NOT_RUN', MAN04: 'NOT_RUN', MAN05: 'NOT_RUN', MAN06: 'NOT_RUN', OPT02: 'NOT_RUN', MAN09: 'NOT_RUN', MAN10: 'NOT_RUN', MAN11: 'NOT_RUN', MAN12: 'NOT_RUN', MAN13: 'NOT_RUN', MAN14: 'NOT_RUN', MAN15: 'NOT_RUN' };

const EXPECTED: Record<string, Record<string, string>> = {
  healthy: ALL_PASS,
  'no-tls-in': { ...ALL_PASS, MAN10: 'FAIL' },
  'no-tls-out': { ...ALL_PASS, MAN03: 'FAIL', MAN11: 'FAIL' },
  'no-dkim': { ...ALL_PASS, OPT01: 'FAIL', MAN13: 'FAIL' },
  'spf-missing-gateway': { ...ALL_PASS, MAN06: 'FAIL', MAN12: 'FAIL' },
  'gateway-rejects': { MAN07: 'FAIL', MAN08: 'FAIL', ...UNDELIVERED },
  'delivery-fails': { MAN07: 'PASS', MAN08: 'FAIL', ...UNDELIVERED },
  // Stationery: MAN15 is never PASS on a chain that never had stationery (NOT_RUN, with the reason).
  'no-stationery': { ...ALL_PASS, OPT02: 'FAIL', MAN14: 'FAIL', MAN15: 'NOT_RUN' },
  'no-html-stationery': { ...ALL_PASS, OPT02: 'FAIL', MAN14: 'FAIL', MAN15: 'NOT_RUN' },
  'stationery-repeat': { ...ALL_PASS, MAN15: 'FAIL' },
  // Transient faults: ridden out, every verdict still right.
  'smtp-tempfail': ALL_PASS,
  'imap-drop': ALL_PASS,
  // Gateway configuration and the vendor API (issue 4).
  'open-relay': { ...ALL_PASS, MAN01: 'FAIL' },
  'authorized-ip-missing': { ...ALL_PASS, MAN01: 'FAIL' },
  // The gateway really refuses the unregistered domain's mail as relay: its mail cases fail too.
  'internal-domain-missing': { MAN07: 'FAIL', MAN08: 'FAIL', ...UNDELIVERED, MAN02: 'FAIL' },
  'spf-not-first': { ...ALL_PASS, MAN06: 'FAIL' },
  'spf-too-many-lookups': { ...ALL_PASS, MAN06: 'FAIL' },
  // A key in DNS that is not the signing key, or no policy to sign: DKIM fails at the recipient too.
  'dkim-dns-mismatch': { ...ALL_PASS, OPT01: 'FAIL', MAN13: 'FAIL' },
  'no-dkim-policy': { ...ALL_PASS, OPT01: 'FAIL', MAN13: 'FAIL' },
  'no-auto-allow': { ...ALL_PASS, MAN04: 'FAIL', MAN05: 'FAIL', MAN09: 'FAIL' },
  // The message log and the headers disagree on the outbound leg's TLS: neither case may PASS.
  'log-disagrees': { ...ALL_PASS, MAN03: 'FAIL', MAN11: 'FAIL' },
  'api-ratelimit': ALL_PASS,
  // We could not tell: ERROR (naming the credential), never FAIL; header cases keep their header verdict.
  'api-bad-credentials': { ...ALL_PASS, MAN01: 'ERROR', MAN02: 'ERROR', MAN04: 'ERROR', MAN05: 'ERROR', OPT01: 'ERROR', MAN09: 'ERROR' },
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
      if (fault === 'no-html-stationery') {
        // Only the formats with an HTML part fail; plain text keeps its stationery.
        const man14 = results.cases.find((c) => c.id === 'MAN14');
        expect(Object.fromEntries((man14?.checks ?? []).map((c) => [c.format, c.verdict]))).toEqual({ html: 'FAIL', text: 'PASS', 'html-only': 'FAIL', 'rich-text': 'FAIL' });
        // MAN15: the text chain is judged (and passes); where the original's HTML part never had stationery it is not judged.
        const man15 = results.cases.find((c) => c.id === 'MAN15');
        expect(Object.fromEntries((man15?.checks ?? []).map((c) => [c.format, c.verdict]))).toEqual({ html: 'NOT_RUN', text: 'PASS', 'html-only': 'NOT_RUN', 'rich-text': 'NOT_RUN' });
      }
      if (fault === 'no-stationery') {
        const man15 = results.cases.find((c) => c.id === 'MAN15');
        expect(man15?.checks.length).toBeGreaterThan(0);
        for (const c of man15?.checks ?? []) expect([c.verdict, c.detail], c.format).toEqual(['NOT_RUN', expect.stringMatching(/^no stationery on the original: /)]);
      }
      if (fault === 'stationery-repeat') {
        const man15 = results.cases.find((c) => c.id === 'MAN15');
        expect(man15?.checks.length).toBeGreaterThan(0);
        // Both the unique text and the disclaimer wording are counted twice: the layout stamped again over the quoted one.
        for (const c of man15?.checks ?? []) expect([c.verdict, c.detail], c.format).toEqual(['FAIL', expect.stringMatching(/carries it 2 times.*carries the disclaimer wording 2 times/)]);
      }
      if (fault === 'api-bad-credentials') {
        const man02 = results.cases.find((c) => c.id === 'MAN02');
        expect(man02?.checks[0]?.detail).toMatch(/gateway\.api\.auth\.clientSecret/);
      }
      if (fault === 'log-disagrees') {
        for (const id of ['MAN03', 'MAN11']) expect(results.cases.find((c) => c.id === id)?.checks[0]?.detail, id).toMatch(/disagree/);
      }
      if (fault === 'open-relay') {
        const man01 = results.cases.find((c) => c.id === 'MAN01');
        expect(man01?.checks[0]?.evidence.some((e) => e.kind === 'transcript' && e.lines.some((l) => l.includes('MAIL FROM:<relay-check@acme.test>')))).toBe(true);
      }
      if (fault === 'spf-too-many-lookups') {
        const man06 = results.cases.find((c) => c.id === 'MAN06');
        expect(man06?.checks[0]?.detail).toMatch(/needs 1[1-9] DNS lookups/);
      }
      if (fault === 'gateway-rejects' || fault === 'delivery-fails') {
        const man08 = results.cases.find((c) => c.id === 'MAN08');
        expect(man08?.checks[0]?.detail).toMatch(/refused|5\.\d\.\d/);
      }
    });
  }
});
