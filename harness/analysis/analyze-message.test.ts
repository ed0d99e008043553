import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { analyzeMessage, formatAnalyzeReport, recipientEntryHop } from './analyze-message.ts';
import { receivedChain } from './received-chain.ts';
import { loadFixture } from './fixtures/load-fixture.ts';
import type { Resolver } from '../dns/resolver.ts';

const MIMECAST = ['(^|\\.)mimecast\\.com$'];

describe('analyzeMessage', () => {
  it('reports hops with roles and TLS, headers, and A-R trust', async () => {
    const r = await analyzeMessage(loadFixture('mimecast-outbound.eml'), { gatewayPatterns: MIMECAST, trustedIds: ['lindbergh.monkeyblade.net'] });
    expect(r.messageId).toBe('<66ba8291b33e440280ead8418b8b21ee@AcuMS.aculab.com>');
    expect(r.subject).toContain('TPAUSE');
    expect(r.hops).toHaveLength(5);
    expect(r.hops[1]).toMatchObject({ from: 'eu-smtp-delivery-151.mimecast.com', by: 'lindbergh.monkeyblade.net', tls: 'yes', role: 'from-gateway' });
    expect(r.hops[2]).toMatchObject({ by: 'relay.mimecast.com', tls: 'yes', tlsVersion: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', role: 'to-gateway' });
    expect(r.reverification).toBeUndefined();
    expect(r.warnings).toContain('1 hop(s) without TLS');
    expect(r.warnings).toContain('no trusted Authentication-Results');
  });

  it('marks trusted and forged Authentication-Results', async () => {
    const raw = [
      'Received: from gw1.gateway.test (gw1.gateway.test [192.0.2.10]) by mx.partner.test with ESMTPS id R1; Mon, 1 Jan 2024 00:00:03 +0000',
      'Authentication-Results: mx.partner.test; spf=pass smtp.mailfrom=acme.test; dkim=pass header.d=acme.test; dmarc=pass header.from=acme.test',
      'Received: from mail.acme.test (mail.acme.test [192.0.2.5]) by gw1.gateway.test with ESMTPS id G1; Mon, 1 Jan 2024 00:00:02 +0000',
      'Authentication-Results: mx.partner.test; spf=pass; dkim=pass; dmarc=pass',
      'From: a@acme.test',
      '',
      'x',
    ].join('\r\n');
    const r = await analyzeMessage(raw, { gatewayPatterns: ['gateway\\.test$'], trustedIds: ['mx.partner.test'] });
    expect(r.authenticationResults).toEqual([
      { authservId: 'mx.partner.test', spf: 'pass', dkim: 'pass', dmarc: 'pass', trusted: true },
      { authservId: 'mx.partner.test', spf: 'pass', dkim: 'pass', dmarc: 'pass', trusted: false },
    ]);
    expect(r.warnings.some((w) => w.includes('possible forgery'))).toBe(true);
  });

  it('re-verifies with the recipient entry hop\'s address when a resolver is given', async () => {
    const asked: string[] = [];
    const resolver: Resolver = (name, type) => {
      asked.push(`${type} ${name}`);
      return Promise.reject(Object.assign(new Error('no'), { code: 'ENOTFOUND' }));
    };
    const r = await analyzeMessage(loadFixture('mimecast-outbound.eml'), { gatewayPatterns: MIMECAST, resolver });
    expect(r.reverification?.spf).toBeDefined();
    expect(r.reverification?.dkim).toBeDefined();
    expect(asked.some((q) => q.startsWith('TXT '))).toBe(true);
  });

  it('verifies DKIM on the bytes of an 8bit message, where a decoded copy would fail its body hash', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const zone: Record<string, string[][]> = { 'TXT s1._domainkey.acme.test': [[`v=DKIM1; k=rsa; p=${p}`]] };
    const resolver: Resolver = (name, type) => {
      const answer = zone[`${type} ${name.toLowerCase()}`];
      return answer ? Promise.resolve(answer) : Promise.reject(Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' }));
    };
    // RFC 6152 8BITMIME: UTF-8 bytes in the body as sent, no transfer encoding.
    const head = ['From: Jürgen <j@acme.test>', 'To: b@partner.test', 'Subject: Grüße', 'Message-ID: <8bit@acme.test>', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', ''].join('\r\n');
    const message = Buffer.from(`${head}\r\nSchöne Grüße aus Köln – ünïcødé\r\n`, 'utf8');
    const key = { signingDomain: 'acme.test', selector: 's1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), canonicalization: 'simple/simple' };
    const { signatures } = await dkimSign(message, { ...key, signatureData: [key] });
    const file = Buffer.concat([Buffer.from(signatures, 'utf8'), message]);
    const fromBytes = await analyzeMessage(file, { resolver });
    expect(fromBytes.reverification?.dkim[0]).toMatchObject({ domain: 'acme.test', result: 'pass' });
    expect(fromBytes.subject).toBe('Grüße');
    // The old way (file read as latin1, re-encoded as UTF-8 for mailauth) changes the body bytes: a false failure.
    const decoded = await analyzeMessage(file.toString('latin1'), { resolver });
    expect(decoded.reverification?.dkim[0]?.result).not.toBe('pass');
  });

  it('finds the recipient entry hop without gateway patterns by domain', () => {
    expect(recipientEntryHop(receivedChain(loadFixture('microsoft365.eml')), [])?.fromIp).toBe('216.228.118.232');
    expect(recipientEntryHop(receivedChain(loadFixture('gmail-inbound.eml')), [])?.fromIp).toBe('156.151.31.86');
  });

  it('formats a terminal table and neutralises control characters', async () => {
    const raw = 'Subject: \u001b]0;pwned\u0007 hi\u202e\r\nReceived: from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nx';
    const text = formatAnalyzeReport(await analyzeMessage(raw));
    expect(text).toContain('Hops (newest first)');
    expect(text).toMatch(/0\s+a\.example\s+b\.example\s+ESMTP\s+no/);
    const controls = Array.from(text).filter((ch) => { const c = ch.codePointAt(0) ?? 0; return (c < 0x20 && ch !== '\n') || c === 0x202e; });
    expect(controls).toEqual([]);
    expect(text).toContain('?]0;pwned? hi?');
  });

  it('never throws on garbage', async () => {
    for (const s of ['', '\r\n\r\n', 'Received:', 'Authentication-Results: ;;;', '\u0000'.repeat(1000)]) {
      const r = await analyzeMessage(s, { trustedIds: ['x'], gatewayPatterns: ['('] });
      expect(Array.isArray(r.warnings)).toBe(true);
      expect(typeof formatAnalyzeReport(r)).toBe('string');
    }
  });
});
