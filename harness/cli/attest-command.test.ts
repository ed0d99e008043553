/** `mailflow attest` black-box: writes the file named by the config, with its validity, and refuses what cannot be attested. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { fillLabConfig, readLabTemplate } from '../lab/lab-config.ts';
import { runCli } from './run-cli.test-helper.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mailflow-attest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

type Stored = { attestations: { case: string; by: string; result: string; note: string; date: string; validUntil: string; domain?: string }[] };

describe('mailflow attest', () => {
  test('--file: records who, the result, the note, and a validity of --days', async () => {
    const file = path.join(dir, 'a.json');
    const r = await runCli(['attest', 'MAN03', '--by', 'Eve Engineer', '--result', 'pass', '--note', 'Secure Delivery policy "TLS out" in the console', '--file', file, '--days', '30']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^MAN03 attested pass by Eve Engineer, valid until \d{4}-/);
    const [a] = (JSON.parse(await readFile(file, 'utf8')) as Stored).attestations;
    expect(a).toMatchObject({ case: 'MAN03', by: 'Eve Engineer', result: 'pass' });
    expect(Date.parse(a?.validUntil ?? '') - Date.parse(a?.date ?? '')).toBe(30 * 86_400_000);
  });

  test('--config: the file and validityDays come from attestations.*; --domain limits it', async () => {
    const file = path.join(dir, 'from-config.json');
    // An ordinary config (real ports), as an engineer would have it.
    const imap = new Map([['alice@acme.test', 993], ['bob@partner.test', 993]]);
    const filled = fillLabConfig(await readLabTemplate(), { dns: '127.0.0.2:53', submission: 587, externalSubmission: 587, imap, gatewaySmtp: 25, gatewayApi: 443 }, 'not-a-real-ca');
    const config = { ...filled, attestations: { file, validityDays: 5 } };
    const cfg = path.join(dir, 'c.yaml');
    await writeFile(cfg, stringify(config));
    const r = await runCli(['attest', 'OPT02', '--by', 'Eve', '--result', 'fail', '--note', 'no text layout', '--domain', 'Acme.test', '--config', cfg], { env: { MAILFLOW_LAB_ALICE_PASS: 'x', MAILFLOW_LAB_BOB_PASS: 'x', MAILFLOW_LAB_MC_CLIENT_SECRET: 'x' } });
    expect(r.code, r.stderr).toBe(0);
    const [a] = (JSON.parse(await readFile(file, 'utf8')) as Stored).attestations;
    expect(a).toMatchObject({ case: 'OPT02', result: 'fail', domain: 'acme.test' });
    expect(Date.parse(a?.validUntil ?? '') - Date.parse(a?.date ?? '')).toBe(5 * 86_400_000);
  });

  test('a case with mail or API evidence, a bad result, or no file is a usage error (exit 2)', async () => {
    const file = path.join(dir, 'refused.json');
    const man07 = await runCli(['attest', 'MAN07', '--by', 'Eve', '--result', 'pass', '--note', 'n', '--file', file]);
    expect(man07.code).toBe(2);
    expect(man07.stderr).toMatch(/only MAN03, MAN04, MAN05, OPT02 can be attested/);
    expect((await runCli(['attest', 'MAN03', '--by', 'Eve', '--result', 'maybe', '--note', 'n', '--file', file])).code).toBe(2);
    expect((await runCli(['attest', 'MAN03', '--by', 'Eve', '--result', 'pass', '--note', 'n'])).code).toBe(2);
  });
});
