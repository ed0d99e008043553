/**
 * The same cases run unchanged against an environment described by a config
 * file: `mailflow lab` runs standalone and writes a config for itself, and
 * `mailflow run --config` drives it like any real environment. The delivered
 * message then goes through `mailflow analyze`.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { latestResults, readLabEnv, runCli, startLabProcess, verdictMap, type LabProcess } from './run-cli.test-helper.ts';

let dir = '';
let lab: LabProcess | undefined;
let printed = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mailflow-labcmd-'));
  lab = await startLabProcess(dir, 60);
  printed = lab.printed;
});

afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

const labEnv = () => readLabEnv(dir);

describe('mailflow lab + run --config', () => {
  test('prints the endpoints and accounts', () => {
    expect(printed).toMatch(/SMTP\s+127\.0\.0\.10:\d+\s+mail\.acme\.test/);
    expect(printed).toMatch(/IMAP\s+127\.0\.0\.32:\d+/);
    expect(printed).toContain('swaks --server 127.0.0.10:');
  });

  test('the plan passes against the lab described by a config file, and analyze reads its message', async () => {
    const out = path.join(dir, 'reports');
    const r = await runCli(['run', '--config', path.join(dir, 'lab.yaml'), '--out', out], { env: await labEnv() });
    const results = await latestResults(out);
    expect(r.code, r.stderr).toBe(0);
    expect(results.run.target).toBe(path.join(dir, 'lab.yaml'));
    expect(Object.values(verdictMap(results)).every((v) => v === 'PASS')).toBe(true);
    // No secret from the environment reaches the results or the reports.
    const env = await labEnv();
    const runDir = path.join(out, 'latest');
    for (const f of await readdir(runDir)) {
      if (!f.includes('.')) continue;
      const text = await readFile(path.join(runDir, f), 'utf8');
      for (const secret of Object.values(env)) expect(text.includes(secret), `${f} contains a lab secret`).toBe(false);
    }

    // The primary probe as delivered (evidence/ also holds MAN15's reply legs, which took other routes).
    const eml = path.join(runDir, results.probes.find((p) => p.evidenceFile)?.evidenceFile ?? 'evidence/missing.eml');
    const a = await runCli(['analyze', eml, '--json', '--offline', '--trust', 'mx.partner.test', '--gateway', '\\.mimecast\\.test$']);
    expect(a.code, a.stderr).toBe(0);
    const report = JSON.parse(a.stdout) as { hops: { by: string; tls: string; tlsVersion?: string }[]; authenticationResults: { authservId: string; spf: string; dkim: string; dmarc: string }[] };
    expect(report.hops.map((h) => h.by)).toEqual(['mx.partner.test', 'relay.mimecast.test', 'mail.acme.test']);
    expect(report.hops.every((h) => h.tls === 'yes' && h.tlsVersion)).toBe(true);
    expect(report.authenticationResults[0]).toMatchObject({ authservId: 'mx.partner.test', spf: 'pass', dkim: 'pass', dmarc: 'pass' });

    const text = await runCli(['analyze', eml, '--offline']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Hops \(newest first\)/);
  });

  test('a refused mailbox login is ERROR naming the account, never FAIL', async () => {
    const out = path.join(dir, 'reports-badpass');
    const r = await runCli(['run', '--config', path.join(dir, 'lab.yaml'), '--out', out], { env: { ...(await labEnv()), MAILFLOW_LAB_BOB_PASS: 'wrong-password' } });
    const results = await latestResults(out);
    expect(r.code).toBe(1);
    const verdicts = verdictMap(results);
    for (const id of ['MAN07', 'MAN08', 'MAN10', 'MAN11', 'MAN12', 'MAN13']) expect(verdicts[id], id).toBe('ERROR');
    expect(results.cases.find((c) => c.id === 'MAN07')?.checks[0]?.detail).toMatch(/login refused for bob@partner\.test/);
    expect(JSON.stringify(results)).not.toContain('wrong-password');
  });

  test('a refused submission login is ERROR naming the sender account, never FAIL', async () => {
    const out = path.join(dir, 'reports-badsmtp');
    const args = ['run', '--config', path.join(dir, 'lab.yaml'), '--out', out, '--only', 'MAN07,MAN08', '--set', 'senders.0.smtp.auth.pass=${env:MF_TEST_WRONG}'];
    const r = await runCli(args, { env: { ...(await labEnv()), MF_TEST_WRONG: 'wrong-smtp-pass' } });
    const results = await latestResults(out);
    expect(r.code).toBe(1);
    expect(verdictMap(results)).toEqual({ MAN07: 'ERROR', MAN08: 'ERROR' });
    for (const id of ['MAN07', 'MAN08']) {
      expect(results.cases.find((c) => c.id === id)?.checks[0]?.detail).toMatch(/senders\[0\]\.smtp \(alice@acme\.test at 127\.0\.0\.10:\d+\): EAUTH/);
    }
    expect(JSON.stringify(results)).not.toContain('wrong-smtp-pass');
  });

  test('a sender mailbox that cannot be read makes a probe that never came ERROR, with a run warning', async () => {
    const out = path.join(dir, 'reports-badbounce');
    const args = ['run', '--config', path.join(dir, 'lab.yaml'), '--out', out, '--only', 'MAN07,MAN08'];
    // The probe goes to a mailbox nobody watches, so it never arrives; its bounce would land where we cannot read.
    for (const set of ['senders.0.imap.auth.pass=${env:MF_TEST_WRONG}', 'recipient.address=nobody@partner.test', 'timeouts.deliverySeconds=4']) args.push('--set', set);
    const r = await runCli(args, { env: { ...(await labEnv()), MF_TEST_WRONG: 'wrong-imap-pass' } });
    const results = await latestResults(out);
    expect(r.code).toBe(1);
    expect(verdictMap(results)).toEqual({ MAN07: 'ERROR', MAN08: 'ERROR' });
    expect(results.cases.find((c) => c.id === 'MAN08')?.checks[0]?.detail).toMatch(/senders\[0\]\.imap \(alice@acme\.test at 127\.0\.0\.\d+:\d+\)/);
    expect(results.run.warnings.some((w) => w.startsWith('senders[0].imap'))).toBe(true);
    expect(JSON.stringify(results)).not.toContain('wrong-imap-pass');
  });
});
