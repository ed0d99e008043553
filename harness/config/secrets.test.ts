import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailflowError } from '../errors.ts';
import { collectSecretRefs, createSecretStore, parseSecretsText } from './secrets.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('createSecretStore: resolving references', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailflow-secrets-'));
    await writeFile(join(dir, 'secrets.yaml'), 'API_KEY: k3y-from-yaml\nPIN: 482910\n');
    await writeFile(join(dir, 'secrets.env'), '# comment\nexport TOKEN="tok-from-env-file"\nEMPTY=\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads ${env:NAME} from the given environment', () => {
    const store = createSecretStore({ env: { PASS: 'pa55word' } });
    expect(store.reveal('${env:PASS}')).toBe('pa55word');
    expect(store.check(['${env:PASS}'])).toEqual([]);
  });

  it('reads ${secret:NAME} from a YAML map or NAME=value lines, relative to baseDir', () => {
    const yamlStore = createSecretStore({ env: {}, secretsFile: 'secrets.yaml', baseDir: dir });
    expect(yamlStore.reveal('${secret:API_KEY}')).toBe('k3y-from-yaml');
    expect(yamlStore.reveal('${secret:PIN}')).toBe('482910');
    const envStore = createSecretStore({ env: {}, secretsFile: join(dir, 'secrets.env') });
    expect(envStore.reveal('${secret:TOKEN}')).toBe('tok-from-env-file');
  });

  it('explains every unresolvable reference without any value', () => {
    const store = createSecretStore({ env: { BLANK: '' }, secretsFile: 'secrets.env', baseDir: dir });
    expect(store.check(['${env:NOPE}', '${env:BLANK}', '${secret:MISSING}', '${secret:EMPTY}', 'plain'])).toEqual([
      '${env:NOPE} is not set (set the environment variable NOPE)',
      '${env:BLANK} is set but empty (put the secret in the environment variable BLANK)',
      `\${secret:MISSING} is not in the secrets file ${join(dir, 'secrets.env')} (add MISSING to it)`,
      `\${secret:EMPTY} is empty in the secrets file ${join(dir, 'secrets.env')} (put the secret there)`,
      'not a secret reference (expected ${env:NAME} or ${secret:NAME})',
    ]);
    const noFile = createSecretStore({ env: {} });
    expect(noFile.check(['${secret:X}'])).toEqual(['${secret:X} needs a secrets file (set secretsFile in the config to a file that holds X)']);
    const badFile = createSecretStore({ env: {}, secretsFile: 'absent.env', baseDir: dir });
    expect(badFile.secretsFileProblem).toBe(`cannot read the secrets file ${join(dir, 'absent.env')} (ENOENT)`);
  });

  it('reveal throws ESECRET naming the reference', () => {
    const store = createSecretStore({ env: {} });
    expect(() => store.reveal('${env:NOPE}')).toThrow(MailflowError);
    try {
      store.reveal('${env:NOPE}');
    } catch (e) {
      expect((e as MailflowError).code).toBe('ESECRET');
      expect((e as MailflowError).context.ref).toBe('${env:NOPE}');
    }
  });
});

describe('parseSecretsText', () => {
  it('rejects nested values and never quotes a line of a broken file', () => {
    expect(parseSecretsText('A: [1, 2]\nB: ok-value\n').problem).toBe('A: expected a plain value (text), not a list or map');
    const broken = parseSecretsText('A: "unterminated s3cr3t-value\n');
    expect(broken.problem).toMatch(/^not valid YAML/);
    expect(broken.problem).not.toContain('s3cr3t');
  });
});

describe('redact', () => {
  const user = 'alice@acme.test';
  const pass = 'Tr0ub4dor&3-horse';
  const token = 'ya29.a0AfH6SMBexampletokenvalue';
  const env = { PASS: pass, TOKEN: token, SHORT: 'abc' };

  function store() {
    const s = createSecretStore({ env });
    s.reveal('${env:PASS}');
    s.reveal('${env:TOKEN}');
    s.reveal('${env:SHORT}');
    return s;
  }

  it('replaces the literal value, its base64 and its URL encoding', () => {
    const s = store();
    const text = `pass=${pass} b64=${b64(pass)} form=refresh_token=${encodeURIComponent(pass)}`;
    const out = s.redact(text);
    expect(out).toBe('pass=[redacted] b64=[redacted] form=refresh_token=[redacted]');
  });

  it('drops AUTH PLAIN and XOAUTH2 blobs that carry a secret', () => {
    const s = store();
    const plain = b64(`\0${user}\0${pass}`);
    const xoauth = b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`);
    const transcript = `C: AUTH PLAIN ${plain}\nS: 235 2.7.0 ok\nC: AUTH XOAUTH2 ${xoauth}\nC: AUTHx${plain}`;
    const out = s.redact(transcript);
    expect(out).toBe('C: AUTH PLAIN [redacted]\nS: 235 2.7.0 ok\nC: AUTH XOAUTH2 [redacted]\nC: [redacted]');
    for (const leak of [pass, token, plain, xoauth, b64(pass), b64(token)]) expect(out).not.toContain(leak);
  });

  it('leaves short values and unrelated base64 alone', () => {
    const s = store();
    expect(s.redact('abc is short; SGVsbG8gd29ybGQ= is hello world')).toBe('abc is short; SGVsbG8gd29ybGQ= is hello world');
  });

  it('redacts every value of the secrets file, even unrevealed ones, and remembered values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailflow-redact-'));
    try {
      await writeFile(join(dir, 's.env'), 'ONE=first-secret-1\nTWO=second-secret-22\n');
      const s = createSecretStore({ env: {}, secretsFile: join(dir, 's.env') });
      s.remember('runtime-access-token-xyz');
      expect(s.redact('first-secret-1 / second-secret-22 / runtime-access-token-xyz')).toBe('[redacted] / [redacted] / [redacted]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('replaces longest values first, so no tail of a longer secret survives', () => {
    const s = createSecretStore({ env: { A: 'abcd', B: 'abcdefgh-long' } });
    s.reveal('${env:A}');
    s.reveal('${env:B}');
    expect(s.redact('x abcdefgh-long y abcd')).toBe('x [redacted] y [redacted]');
  });

  it('never lets a secret through, whatever surrounds it (bounded property check)', () => {
    const s = store();
    const wrappers = ['', ' ', '"', "'", ':', '=', '\n', '\0', 'x', '\u00e9', '[', '+/'];
    const forms = [pass, token, b64(pass), b64(token), b64(`\0${user}\0${pass}`), b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`)];
    for (const before of wrappers) {
      for (const after of wrappers) {
        for (const form of forms) {
          const out = s.redact(`${before}${form}${after}`);
          expect(out).not.toContain(pass);
          expect(out).not.toContain(token);
          expect(out).not.toContain(b64(pass).replace(/=+$/, ''));
          expect(out).not.toContain(b64(token).replace(/=+$/, ''));
        }
      }
    }
  });
});

describe('collectSecretRefs', () => {
  it('finds every reference with its key path', () => {
    const config = {
      senders: [{ smtp: { auth: { pass: '${env:A}' } } }, { smtp: { auth: { refreshToken: '${secret:B}' } } }],
      customer: 'not ${env:C} a ref',
    };
    expect(collectSecretRefs(config)).toEqual([
      { path: 'senders.0.smtp.auth.pass', ref: '${env:A}' },
      { path: 'senders.1.smtp.auth.refreshToken', ref: '${secret:B}' },
    ]);
  });
});
