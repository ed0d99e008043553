import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { dkimSign } from 'mailauth';
import { reverify } from './reverify.ts';
import type { Resolver } from '../dns/resolver.ts';

/** A declared zone behind mailauth's resolver signature (STYLE.md §3): no network. */
function zoneResolver(zone: Record<string, string[][] | string[]>): { resolver: Resolver; queries: string[] } {
  const queries: string[] = [];
  const resolver: Resolver = (name, rrtype) => {
    queries.push(`${rrtype} ${name}`);
    const answer = zone[`${rrtype} ${name.toLowerCase()}`];
    if (answer) return Promise.resolve(answer);
    const err = new Error(`queryTxt ENOTFOUND ${name}`) as NodeJS.ErrnoException;
    err.code = 'ENOTFOUND';
    return Promise.reject(err);
  };
  return { resolver, queries };
}

const chunks = (s: string) => s.match(/.{1,255}/g) ?? [];

let signed = '';
let zone: Record<string, string[][]> = {};

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  zone = {
    'TXT sel1._domainkey.acme.test': [chunks(`v=DKIM1; k=rsa; p=${p}`)],
    'TXT acme.test': [['v=spf1 ip4:192.0.2.10 -all']],
    'TXT _dmarc.acme.test': [['v=DMARC1; p=reject']],
  };
  // Trailing spaces and an empty last line: "simple" body canonicalization keeps them (RFC 6376 §3.4.3).
  const message = ['From: Alice <alice@acme.test>', 'To: bob@partner.test', 'Subject: probe', 'Date: Mon, 10 Jun 2024 10:00:00 +0000', 'Message-ID: <p1@acme.test>', '', 'line with trailing spaces   ', '', ''].join('\r\n');
  const key = { signingDomain: 'acme.test', selector: 'sel1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), canonicalization: 'relaxed/simple' };
  const { signatures } = await dkimSign(message, { ...key, signatureData: [key] });
  expect(signatures).toMatch(/^DKIM-Signature:/);
  signed = `Received: from gw.gateway.test ([192.0.2.10]) by mx.partner.test with ESMTPS; Mon, 10 Jun 2024 10:00:01 +0000\r\n${signatures}${message}`;
});

describe('reverify', () => {
  it('passes SPF, DKIM (aligned, key size) and DMARC on the message as delivered', async () => {
    const { resolver } = zoneResolver(zone);
    const r = await reverify(signed, { resolver, ip: '192.0.2.10', helo: 'gw.gateway.test', mailFrom: 'alice@acme.test', mta: 'mx.partner.test' });
    expect(r.error).toBeUndefined();
    expect(r.spf).toMatchObject({ result: 'pass', domain: 'acme.test' });
    expect(r.dkim).toEqual([expect.objectContaining({ domain: 'acme.test', selector: 'sel1', result: 'pass', aligned: true, keyBits: 2048 })]);
    expect(r.dmarc).toMatchObject({ result: 'pass', policy: 'reject', domain: 'acme.test' });
  });

  it('reports SPF fail for an address the record does not authorize', async () => {
    const r = await reverify(signed, { resolver: zoneResolver(zone).resolver, ip: '198.51.100.7', mailFrom: 'alice@acme.test' });
    expect(r.spf?.result).toBe('fail');
    // DKIM alone still carries DMARC.
    expect(r.dmarc?.result).toBe('pass');
  });

  it('fails DKIM when the body changed after signing (a disclaimer added past the signer)', async () => {
    const altered = signed.replace('line with trailing spaces   ', 'line with trailing spaces   \r\n-- disclaimer');
    const r = await reverify(altered, { resolver: zoneResolver(zone).resolver, ip: '192.0.2.10', mailFrom: 'alice@acme.test' });
    // mailauth's lenient mode reports a body hash mismatch as neutral, strict mode as fail.
    expect(r.dkim[0]?.result).toMatch(/^(neutral|fail)$/);
    expect(r.dkim[0]?.comment).toMatch(/body hash/i);
    expect(r.dmarc?.result).toBe('pass'); // SPF aligned still passes DMARC
  });

  it('leaves SPF out without a client address and reports temperror-free DKIM from bytes', async () => {
    const { resolver, queries } = zoneResolver(zone);
    const r = await reverify(Buffer.from(signed), { resolver });
    expect(r.spf).toBeUndefined();
    expect(r.dkim[0]?.result).toBe('pass');
    expect(queries).toContain('TXT sel1._domainkey.acme.test');
  });

  it('turns DNS failure into results, not exceptions', async () => {
    const failing: Resolver = () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' }));
    const r = await reverify(signed, { resolver: failing, ip: '192.0.2.10', mailFrom: 'alice@acme.test' });
    expect(r.error).toBeUndefined();
    expect(r.spf?.result).toBe('temperror');
    expect(r.dkim[0]?.result).toMatch(/temperror|neutral|fail/);
  });

  it('never throws on garbage input', async () => {
    const r = await reverify('\u0000garbage without headers', { resolver: zoneResolver({}).resolver });
    expect(r.error).toBeUndefined();
    expect(r.dkim.every((d) => d.result === 'none')).toBe(true);
  });
});
