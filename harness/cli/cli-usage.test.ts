/** Usage and configuration errors through the real CLI: exit code 2 and a message that names the problem. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from './run-cli.test-helper.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mailflow-usage-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mailflow usage errors', () => {
  test('a broken config names the file, every key path and what is expected, and runs nothing', async () => {
    const file = path.join(dir, 'broken.yaml');
    await writeFile(
      file,
      [
        'environment: onprem',
        'domains: [{ name: acme.example }]',
        'gateway: { region: eu, hopPatterns: ["\\\\.mimecast\\\\.com$"] }',
        'senders:',
        '  - address: alice@acme.example',
        '    smtp: { host: mail.acme.example, port: abc, auth: { type: password, user: alice, pass: hunter22 } }',
        'recipent: {}',
      ].join('\n'),
    );
    const r = await runCli(['run', '--config', file, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('broken.yaml');
    expect(r.stderr).toMatch(/senders\.0\.smtp\.port.*expected an integer/);
    expect(r.stderr).toMatch(/senders\.0\.smtp\.auth\.pass.*\$\{env:NAME\}/);
    expect(r.stderr).toMatch(/recipent.*recipient/);
    expect(r.stderr).not.toContain('hunter22');
  });

  test('a secret reference that is not set says which variable to set', async () => {
    const file = path.join(dir, 'unset.yaml');
    await writeFile(
      file,
      [
        'environment: onprem',
        'domains: [{ name: acme.example }]',
        'gateway: { region: eu, hopPatterns: ["mimecast"] }',
        'senders: [{ address: alice@acme.example, smtp: { host: mail.acme.example, port: 587, auth: { type: password, user: alice, pass: "${env:MAILFLOW_TEST_UNSET_PASS}" } } }]',
        'recipient: { address: bob@partner.example, imap: { host: imap.partner.example, port: 993, security: tls }, authservIds: [mx.partner.example] }',
      ].join('\n'),
    );
    const r = await runCli(['run', '--config', file, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/senders\.0\.smtp\.auth\.pass.*MAILFLOW_TEST_UNSET_PASS/);
  });

  test.each([
    [['run', '--lab-fault', 'no-such-fault'], /unknown lab fault no-such-fault \(known: .*no-tls-in/],
    [['run', '--only', 'MAN99'], /--only MAN99: no such case/],
    [['run', '--config', 'x.yaml', '--lab-fault', 'no-dkim'], /--lab-fault applies to the embedded lab only/],
    [['run', '--lab-faults', 'no-dkim'], /unknown option --lab-faults/],
    [['analyze'], /Missing required positional argument/],
    [['no-such-command'], /Unknown command/],
  ])('%j is a usage error', async (args, message) => {
    const r = await runCli([...args, '--out', dir].filter((a) => !(args[0] !== 'run' && (a === '--out' || a === dir))));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
