/**
 * The API 1.0 (HMAC) fallback end to end: `mailflow lab` writes its config and
 * env (the env holds the lab's API 1.0 keys too), the test switches
 * gateway.api.auth to type hmac, and `mailflow run --config` drives the lab
 * through the signed /api/... endpoints. What only API 2.0 serves (authorized
 * outbound addresses, DKIM definitions and policies) is NOT_RUN saying an
 * OAuth2 client is needed; everything else keeps its verdict.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { LAB_HMAC } from '../lab/lab-config.ts';
import { latestResults, readLabEnv, runCli, startLabProcess, verdictMap, type LabProcess } from './run-cli.test-helper.ts';

let dir = '';
let lab: LabProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mailflow-hmac-'));
  lab = await startLabProcess(dir, 90);
});

afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

const labEnv = () => readLabEnv(dir);

/** The written lab config with API 1.0 keys instead of the OAuth2 client. */
async function hmacConfig(): Promise<string> {
  const config = parse(await readFile(path.join(dir, 'lab.yaml'), 'utf8')) as { gateway: { api: { auth: unknown } } };
  const ref = (name: string) => `\${env:${name}}`;
  config.gateway.api.auth = { type: 'hmac', appId: LAB_HMAC.appId, appKey: ref(LAB_HMAC.appKeyEnv), accessKey: ref(LAB_HMAC.accessKeyEnv), secretKey: ref(LAB_HMAC.secretKeyEnv) };
  const file = path.join(dir, 'hmac.yaml');
  await writeFile(file, stringify(config));
  return file;
}

describe('mailflow run with gateway.api.auth.type hmac', () => {
  test('API 1.0 reads pass; API 2.0-only cases are NOT_RUN naming OAuth2; no key leaks', async () => {
    const env = await labEnv();
    expect(Object.keys(env)).toEqual(expect.arrayContaining([LAB_HMAC.appKeyEnv, LAB_HMAC.accessKeyEnv, LAB_HMAC.secretKeyEnv]));
    const out = path.join(dir, 'reports');
    const r = await runCli(['run', '--config', await hmacConfig(), '--out', out], { env, timeoutMs: 90_000 });
    const results = await latestResults(out).catch((e: Error) => {
      throw new Error(`${e.message}\n${r.stdout}\n${r.stderr}`);
    });
    const verdicts = verdictMap(results);
    const notRun = Object.entries(verdicts).filter(([, v]) => v !== 'PASS').map(([id]) => id).sort();
    expect(notRun, r.stderr).toEqual(['MAN01', 'OPT01']);
    expect(verdicts.MAN01).toBe('NOT_RUN');
    expect(verdicts.OPT01).toBe('NOT_RUN');
    const detail = (id: string) => results.cases.find((c) => c.id === id)?.checks[0]?.detail ?? '';
    expect(detail('MAN01')).toMatch(/API 2\.0 endpoint .*configure an API 2\.0 OAuth2 client/);
    expect(detail('MAN01')).toMatch(/relay from 127\.0\.0\.40 refused/);
    expect(detail('OPT01')).toMatch(/OAuth2/);
    // MAN02 (internal domains) and the message log (MAN07-MAN11, MAN09) went through signed API 1.0 calls.
    expect(detail('MAN02')).toMatch(/is internal/);
    expect(detail('MAN10')).toMatch(/message log: receipt/);
    // A mandatory case not run: exit 1.
    expect(r.code).toBe(1);
    const runDir = path.join(out, 'latest');
    for (const f of [...(await readdir(runDir)).filter((x) => x.includes('.')), ...(await readdir(path.join(runDir, 'evidence'))).map((x) => `evidence/${x}`)]) {
      if (!/\.(json|html|xml|txt|eml)$/.test(f)) continue;
      const text = await readFile(path.join(runDir, f), 'utf8');
      for (const name of [LAB_HMAC.appKeyEnv, LAB_HMAC.accessKeyEnv, LAB_HMAC.secretKeyEnv]) expect(text.includes(env[name] ?? '\0'), `${f} contains ${name}`).toBe(false);
    }
  });
});
