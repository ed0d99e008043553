import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MailflowError } from '../errors.ts';
import { loadConfig, parseConfigText } from './load-config.ts';
import type { LoadConfigOptions } from './load-config.ts';
import { collectSecretRefs } from './secrets.ts';

const FILE = 'config/t.yaml';
const ENV = { T_ALICE_PASS: 'alice-secret-1', T_BOB_PASS: 'bob-secret-22' };

// Line numbers matter: the assertions below name them.
const BASE = `environment: onprem
domains:
  - name: acme.test
gateway:
  region: eu
  hopPatterns: ['\\.mimecast\\.test$']
senders:
  - address: alice@acme.test
    smtp:
      host: mail.acme.test
      port: 587
      auth:
        type: password
        user: alice
        pass: \${env:T_ALICE_PASS}
recipient:
  address: bob@partner.test
  imap:
    host: imap.partner.test
    port: 993
    security: tls
    auth:
      type: password
      user: bob
      pass: \${env:T_BOB_PASS}
  authservIds: [mx.partner.test]
`;

/** BASE with line `n` (1-based) replaced by `text` (null deletes it). */
function edit(n: number, text: string | null, base = BASE): string {
  const lines = base.split('\n');
  if (text === null) lines.splice(n - 1, 1);
  else lines[n - 1] = text;
  return lines.join('\n');
}

function problems(text: string, opts: Partial<LoadConfigOptions> = {}): string[] {
  try {
    parseConfigText(text, { file: FILE, env: ENV, ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(MailflowError);
    const err = e as MailflowError;
    expect(err.code).toBe('ECONFIG');
    expect(err.context.file).toBe(FILE);
    return [...err.issues];
  }
  return [];
}

describe('parseConfigText: a valid config', () => {
  it('parses, applies defaults and returns no warnings', () => {
    const { config, warnings, secrets } = parseConfigText(BASE, { file: FILE, env: ENV });
    expect(config.senders[0]?.smtp.port).toBe(587);
    expect(config.senders[0]?.smtp.security).toBe('starttls');
    expect(config.timeouts.deliverySeconds).toBe(180);
    expect(warnings).toEqual([]);
    expect(secrets.reveal('${env:T_BOB_PASS}')).toBe('bob-secret-22');
  });
});

describe('parseConfigText: each kind of problem, with file, line, key path and expectation', () => {
  it('wrong type', () => {
    expect(problems(edit(11, '      port: abc'))).toEqual(['config/t.yaml:11: senders.0.smtp.port: got "abc" (expected an integer 0–65535)']);
  });

  it('missing key (located at its parent)', () => {
    expect(problems(edit(19, null))).toEqual(['config/t.yaml:18: recipient.imap.host: missing (expected a non-empty string)']);
  });

  it('unknown key with a suggestion', () => {
    expect(problems(edit(20, '    prot: 993'))).toEqual([
      'config/t.yaml:18: recipient.imap.port: missing (expected an integer 0–65535)',
      'config/t.yaml:20: recipient.imap.prot: unknown key (did you mean "port"?)',
    ]);
  });

  it('unknown key with no close match lists the known keys', () => {
    expect(problems(`${BASE}colour: blue\n`)).toEqual([
      'config/t.yaml:27: colour: unknown key (expected one of customer, environment, domains, gateway, senders, recipient, dns, stationery, probes, timeouts, attestations, secretsFile)',
    ]);
  });

  it('bad enum value, with a suggestion when close', () => {
    expect(problems(edit(21, '    security: ssl'))).toEqual(['config/t.yaml:21: recipient.imap.security: got "ssl" (expected one of starttls, tls, none)']);
    expect(problems(edit(21, '    security: starttsl'))).toEqual([
      'config/t.yaml:21: recipient.imap.security: got "starttsl" (expected one of starttls, tls, none; did you mean "starttls"?)',
    ]);
  });

  it('unset environment variable behind a reference', () => {
    expect(problems(BASE, { env: { T_ALICE_PASS: 'x-secret' } })).toEqual([
      'config/t.yaml:25: recipient.imap.auth.pass: ${env:T_BOB_PASS} is not set (set the environment variable T_BOB_PASS)',
    ]);
  });

  it('a literal password where a reference belongs, never echoed', () => {
    const issues = problems(edit(25, '      pass: hunter2hunter2'));
    expect(issues).toEqual([
      'config/t.yaml:25: recipient.imap.auth.pass: holds a literal value, not a reference (expected a secret reference: ${env:NAME} or ${secret:NAME}; keep the secret itself in the environment or the secrets file)',
    ]);
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('malformed YAML with its line and column', () => {
    const issues = problems(edit(10, '      host: [mail.acme.test'));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(/^config\/t\.yaml:1[01]:\d+: not valid YAML: \S/);
  });

  it('a duplicated key is a YAML error', () => {
    expect(problems(edit(11, '      port: 587\n      port: 25'))[0]).toMatch(/^config\/t\.yaml:12:\d+: not valid YAML: Map keys must be unique/);
  });

  it('a file that is not a mapping', () => {
    expect(problems('- a\n- b\n')).toEqual([expect.stringMatching(/^config\/t\.yaml:1: \(top level\): got a list \(expected a mapping/)]);
  });

  it('several problems at once, in file order', () => {
    let text = edit(5, '  region: eu\n  regoin: us');
    text = edit(12, '      port: 99999', text);
    text = edit(22, '    security: ssl', text);
    const issues = problems(text, { env: {} });
    expect(issues).toEqual([
      'config/t.yaml:6: gateway.regoin: unknown key (did you mean "region"?)',
      'config/t.yaml:12: senders.0.smtp.port: got 99999 (expected an integer 0–65535)',
      'config/t.yaml:16: senders.0.smtp.auth.pass: ${env:T_ALICE_PASS} is not set (set the environment variable T_ALICE_PASS)',
      'config/t.yaml:22: recipient.imap.security: got "ssl" (expected one of starttls, tls, none)',
      'config/t.yaml:26: recipient.imap.auth.pass: ${env:T_BOB_PASS} is not set (set the environment variable T_BOB_PASS)',
    ]);
  });

  it('the thrown message carries the summary and every issue', () => {
    try {
      parseConfigText(edit(11, '      port: abc'), { file: FILE, env: ENV });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('config/t.yaml: the configuration has 1 problem:\n  config/t.yaml:11: senders.0.smtp.port: got "abc" (expected an integer 0–65535)');
    }
  });

  it('a sender outside the configured domains (cross-field check), and the domain left without one', () => {
    expect(problems(edit(8, '  - address: alice@other.test'))).toEqual([
      'config/t.yaml:3: domains.0.name: acme.test has no sender (expected a senders[] entry with an address @acme.test: its probes are sent from there)',
      'config/t.yaml:8: senders.0.address: domain other.test is not one of domains[].name (acme.test)',
    ]);
  });

  it('reports cross-field problems together with every other problem, in one pass', () => {
    const text = edit(6, "  hopPatterns: ['(unclosed']", edit(8, '  - address: alice@other.test', edit(11, '      port: abc')));
    const found = problems(text);
    expect(found).toContain('config/t.yaml:11: senders.0.smtp.port: got "abc" (expected an integer 0–65535)');
    expect(found).toContain('config/t.yaml:8: senders.0.address: domain other.test is not one of domains[].name (acme.test)');
    expect(found.some((p) => p.startsWith('config/t.yaml:6: gateway.hopPatterns.0: not a valid regular expression'))).toBe(true);
    expect(found.some((p) => p.startsWith('config/t.yaml:3: domains.0.name: acme.test has no sender'))).toBe(true);
  });

  it('a second domain without a sender is a problem', () => {
    expect(problems(edit(3, '  - name: acme.test\n  - name: beta.test'))).toEqual([
      'config/t.yaml:4: domains.1.name: beta.test has no sender (expected a senders[] entry with an address @beta.test: its probes are sent from there)',
    ]);
  });
});

describe('port 0', () => {
  it('is rejected in a loaded file', () => {
    expect(problems(edit(20, '    port: 0'))).toEqual(['config/t.yaml:20: recipient.imap.port: got 0, which only the embedded lab may use (expected the real port, 1–65535)']);
  });
  it('is accepted with allowPortZero', () => {
    expect(parseConfigText(edit(20, '    port: 0'), { file: FILE, env: ENV, allowPortZero: true }).config.recipient.imap.port).toBe(0);
  });
});

describe('precedence: file < environment < --set', () => {
  it('environment overrides the file, --set overrides both', () => {
    const env = { ...ENV, MAILFLOW__senders__0__smtp__port: '2525' };
    expect(parseConfigText(BASE, { file: FILE, env }).config.senders[0]?.smtp.port).toBe(2525);
    const both = parseConfigText(BASE, { file: FILE, env, overrides: ['senders.0.smtp.port=465'] });
    expect(both.config.senders[0]?.smtp.port).toBe(465);
  });

  it('coerces by what the key expects: text stays text, booleans and lists parse', () => {
    const env = { ...ENV, MAILFLOW__recipient__imap__auth__user: '12345', MAILFLOW__customer: 'true' };
    const { config, warnings } = parseConfigText(BASE, {
      file: FILE,
      env,
      overrides: ['recipient.imap.tls.rejectUnauthorized=false', 'probes.formats=[html, text]', 'timeouts.deliverySeconds=30'],
    });
    expect(config.recipient.imap.auth?.user).toBe('12345');
    expect(config.customer).toBe('true');
    expect(config.recipient.imap.tls.rejectUnauthorized).toBe(false);
    expect(config.probes.formats).toEqual(['html', 'text']);
    expect(config.timeouts.deliverySeconds).toBe(30);
    expect(warnings).toEqual([
      'config/t.yaml: recipient.imap.tls.rejectUnauthorized: set to false: the server certificate is not verified, so a man in the middle would go unnoticed (the report states this) [from --set recipient.imap.tls.rejectUnauthorized]',
    ]);
  });

  it('names the override a bad value came from', () => {
    expect(problems(BASE, { overrides: ['senders.0.smtp.port=abc'] })).toEqual([
      'config/t.yaml: senders.0.smtp.port: got "abc" (expected an integer 0–65535) [from --set senders.0.smtp.port]',
    ]);
    expect(problems(BASE, { env: { ...ENV, MAILFLOW__recipient__imap__security: 'ssl' } })).toEqual([
      'config/t.yaml: recipient.imap.security: got "ssl" (expected one of starttls, tls, none) [from MAILFLOW__recipient__imap__security]',
    ]);
  });

  it('rejects a malformed --set', () => {
    expect(problems(BASE, { overrides: ['recipient.imap.port'] })).toEqual(['--set recipient.imap.port: expected key.path=value, e.g. --set recipient.imap.port=993']);
  });

  it('matches environment key segments without regard to case', () => {
    const env = { ...ENV, MAILFLOW__RECIPIENT__IMAP__HOST: 'imap2.partner.test', MAILFLOW__timeouts__DELIVERYSECONDS: '60' };
    const { config } = parseConfigText(BASE, { file: FILE, env });
    expect(config.recipient.imap.host).toBe('imap2.partner.test');
    expect(config.timeouts.deliverySeconds).toBe(60);
  });

  it('redacts every referenced secret as soon as the config is loaded', () => {
    const { secrets } = parseConfigText(BASE, { file: FILE, env: ENV });
    expect(secrets.redact('alice-secret-1 bob-secret-22')).toBe('[redacted] [redacted]');
  });

  it('ignores ordinary MAILFLOW_ variables (single underscore)', () => {
    expect(parseConfigText(BASE, { file: FILE, env: { ...ENV, MAILFLOW_DEBUG: '1' } }).config.customer).toBe('unnamed customer');
  });
});

describe('warnings', () => {
  it('names security none on an endpoint', () => {
    const { warnings } = parseConfigText(edit(21, '    security: none'), { file: FILE, env: ENV });
    expect(warnings).toEqual(['config/t.yaml:21: recipient.imap.security: set to none: no TLS, so mail and credentials cross the network in clear text (the report states this)']);
  });
});

describe('files next to the config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailflow-config-'));
    await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    await writeFile(join(dir, 'not-a-ca.pem'), 'hello\n');
    await writeFile(join(dir, 'secrets.env'), '# test secrets\nBOB_PASS=from-the-file-77\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves caFile and secretsFile relative to the config file, and makes them absolute', async () => {
    const text = `${edit(25, '      pass: ${secret:BOB_PASS}\n    tls:\n      caFile: ca.pem')}secretsFile: secrets.env\n`;
    await writeFile(join(dir, 'ok.yaml'), text);
    const loaded = await loadConfig({ file: join(dir, 'ok.yaml'), env: ENV });
    expect(loaded.config.recipient.imap.tls.caFile).toBe(join(dir, 'ca.pem'));
    expect(loaded.config.secretsFile).toBe(join(dir, 'secrets.env'));
    expect(loaded.secrets.reveal('${secret:BOB_PASS}')).toBe('from-the-file-77');
  });

  it('reports an unreadable caFile, a caFile without a certificate, and a missing secrets file', async () => {
    // Edited bottom-up so the original line numbers still hold.
    let text = edit(25, '      pass: ${secret:BOB_PASS}');
    text = edit(22, '    tls:\n      caFile: not-a-ca.pem\n    auth:', text);
    text = `${edit(11, '      port: 587\n      tls:\n        caFile: missing.pem', text)}secretsFile: nope.env\n`;
    const file = join(dir, 'bad.yaml');
    await writeFile(file, text);
    const err = await loadConfig({ file, env: ENV }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailflowError);
    expect((err as MailflowError).issues).toEqual([
      `${file}:13: senders.0.smtp.tls.caFile: cannot read ${join(dir, 'missing.pem')} (ENOENT) (expected a readable PEM file of CA certificates)`,
      `${file}:25: recipient.imap.tls.caFile: ${join(dir, 'not-a-ca.pem')} holds no certificate (expected PEM text with -----BEGIN CERTIFICATE-----)`,
      `${file}:31: secretsFile: cannot read the secrets file ${join(dir, 'nope.env')} (ENOENT)`,
    ]);
  });

  it('reports a config file that cannot be read', async () => {
    const err = await loadConfig({ file: join(dir, 'absent.yaml'), env: ENV }).catch((e: unknown) => e);
    expect((err as MailflowError).code).toBe('ECONFIG');
    expect((err as MailflowError).issues).toEqual([`${join(dir, 'absent.yaml')}: cannot read the config file (ENOENT)`]);
  });
});

describe('the example configs', () => {
  it('comment every key (on the line before it or after its value)', async () => {
    const { readFile } = await import('node:fs/promises');
    for (const name of ['m365', 'google', 'onprem']) {
      const lines = (await readFile(new URL(`../../config/${name}.example.yaml`, import.meta.url), 'utf8')).split('\n');
      const bare = lines.flatMap((line, i) => {
        const isKey = /^\s*(- )?[A-Za-z][A-Za-z0-9]*:/.test(line);
        const commented = (lines[i - 1] ?? '').trim().startsWith('#') || / #/.test(line);
        return isKey && !commented ? [`${name}:${i + 1}: ${line.trim()}`] : [];
      });
      expect(bare).toEqual([]);
    }
  });

  for (const name of ['m365', 'google', 'onprem']) {
    it(`${name}.example.yaml loads with its references set`, async () => {
      const file = new URL(`../../config/${name}.example.yaml`, import.meta.url).pathname;
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(file, 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./mailflow.schema.json');
      // The example's own secrets file and CA live next to the real config; stand them up in a temp dir.
      const dir = await mkdtemp(join(tmpdir(), `mailflow-${name}-`));
      try {
        const refs = collectSecretRefs(parseYaml(text));
        const env: Record<string, string> = {};
        const fileSecrets: string[] = [];
        for (const { ref } of refs) {
          const [, kind, n = ''] = /^\$\{(env|secret):(.+)\}$/.exec(ref) ?? [];
          if (kind === 'env') env[n] = `value-of-${n}`;
          else fileSecrets.push(`${n}=value-of-${n}`);
        }
        await writeFile(join(dir, 'secrets.env'), `${fileSecrets.join('\n')}\n`);
        await writeFile(join(dir, 'northwind-root-ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
        await writeFile(join(dir, `${name}.yaml`), text);
        const loaded = await loadConfig({ file: join(dir, `${name}.yaml`), env });
        expect(loaded.config.environment).toBe(name);
        expect(loaded.warnings).toEqual([]);
        expect(refs.length).toBeGreaterThan(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
