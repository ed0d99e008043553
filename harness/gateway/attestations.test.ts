import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { addAttestation, findAttestation, readAttestations } from './attestations.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function file(content?: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mailflow-att-'));
  dirs.push(dir);
  const f = path.join(dir, 'attestations.json');
  if (content !== undefined) await writeFile(f, content);
  return f;
}

describe('attestations file', () => {
  test('only the cases that read attestations can be attested', async () => {
    const f = await file();
    for (const id of ['MAN03', 'man04', 'MAN05', 'OPT02']) await expect(addAttestation(f, { case: id, by: 'Eve', result: 'pass', note: 'console checked', validityDays: 30 })).resolves.toBeTruthy();
    for (const id of ['MAN07', 'MAN01', 'OPT01', 'MAN99']) await expect(addAttestation(f, { case: id, by: 'Eve', result: 'pass', note: 'n', validityDays: 30 })).rejects.toThrow(/only MAN03, MAN04, MAN05, OPT02 can be attested/);
    expect((await readAttestations(f)).attestations.map((a) => a.case)).toEqual(['MAN03', 'MAN04', 'MAN05', 'OPT02']);
  });

  test('a rewrite keeps entries it cannot read, and reports them', async () => {
    const unknown = { case: 'MAN07', by: 'Old tool', result: 'pass', note: 'x', date: '2024-01-01T00:00:00.000Z', validUntil: '2024-02-01T00:00:00.000Z', extra: true };
    const f = await file(JSON.stringify({ attestations: [unknown, 'garbage'] }));
    await addAttestation(f, { case: 'MAN03', by: 'Eve', result: 'fail', note: 'no TLS policy', validityDays: 7 });
    const stored = JSON.parse(await readFile(f, 'utf8')) as { attestations: unknown[] };
    expect(stored.attestations.slice(0, 2)).toEqual([unknown, 'garbage']);
    const read = await readAttestations(f);
    expect(read.attestations.map((a) => `${a.case} ${a.result}`)).toEqual(['MAN03 fail']);
    expect(read.problems).toHaveLength(2);
  });

  test('a file that is not JSON is never rewritten', async () => {
    const f = await file('{ not json');
    await expect(addAttestation(f, { case: 'MAN03', by: 'Eve', result: 'pass', note: 'n', validityDays: 7 })).rejects.toThrow(/not JSON.*was not rewritten/);
    expect(await readFile(f, 'utf8')).toBe('{ not json');
  });

  test('validity: valid from its date until validUntil, then expired', async () => {
    const f = await file();
    const a = await addAttestation(f, { case: 'OPT02', by: 'Eve', result: 'pass', note: 'layouts checked', validityDays: 10, now: new Date('2025-03-01T00:00:00Z') });
    expect(a.validUntil).toBe('2025-03-11T00:00:00.000Z');
    const list = (await readAttestations(f)).attestations;
    expect(findAttestation(list, 'OPT02', 'acme.test', new Date('2025-03-05T00:00:00Z')).valid).toEqual(a);
    expect(findAttestation(list, 'OPT02', 'acme.test', new Date('2025-03-11T00:00:00Z'))).toEqual({ expired: a });
    expect(findAttestation(list, 'OPT02', 'acme.test', new Date('2025-02-28T00:00:00Z'))).toEqual({});
  });
});
