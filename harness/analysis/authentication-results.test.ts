import { describe, expect, it } from 'vitest';
import { parseAuthenticationResults, parseReceivedSpf, trustedAuthenticationResults } from './authentication-results.ts';
import { headerBlock } from './header-block.ts';
import { loadFixture } from './fixtures/load-fixture.ts';

const arOf = (fixture: string, n = 0) => headerBlock(loadFixture(fixture)).filter((f) => f.name === 'Authentication-Results')[n]?.value ?? '';

describe('parseAuthenticationResults (RFC 8601 §2.2)', () => {
  it('reads Gmail: comments, smtp.mailfrom, header.i/s/b, header.from', () => {
    const ar = parseAuthenticationResults(arOf('gmail-inbound.eml'));
    expect(ar.authservId).toBe('mx.google.com');
    expect(ar.results).toEqual([
      { method: 'dkim', result: 'pass', props: { 'header.i': '@oracle.com', 'header.s': 'corp-2018-07-02', 'header.b': 'lhk5qU4z' } },
      { method: 'spf', result: 'pass', comment: 'google.com: domain of daniel.m.jordan@oracle.com designates 156.151.31.86 as permitted sender', props: { 'smtp.mailfrom': 'daniel.m.jordan@oracle.com' } },
      { method: 'dmarc', result: 'pass', comment: 'p=NONE sp=NONE dis=NONE', props: { 'header.from': 'oracle.com' } },
    ]);
  });

  it('reads a Postfix/OpenDMARC stamp with a quoted reason and a quoted header.b', () => {
    const ar = parseAuthenticationResults('smtp.subspace.kernel.org;\n\tdkim=fail reason="signature verification failed" (2048-bit key) header.d=marvell.com header.i=@marvell.com header.b="AG0IqWm/"');
    expect(ar.results[0]).toEqual({ method: 'dkim', result: 'fail', reason: 'signature verification failed', comment: '2048-bit key', props: { 'header.d': 'marvell.com', 'header.i': '@marvell.com', 'header.b': 'AG0IqWm/' } });
    expect(parseAuthenticationResults(arOf('exchange-onprem.eml', 2)).results[0]).toEqual({ method: 'spf', result: 'pass', props: { 'smtp.mailfrom': 'marvell.com' } });
  });

  it('reads Microsoft 365, which writes no authserv-id', () => {
    const ar = parseAuthenticationResults('spf=pass (sender IP is 216.228.118.232) smtp.mailfrom=nvidia.com; dkim=none (message not signed) header.d=none;dmarc=pass action=none header.from=nvidia.com;');
    expect(ar.authservId).toBe('');
    expect(ar.results.map((r) => [r.method, r.result])).toEqual([['spf', 'pass'], ['dkim', 'none'], ['dmarc', 'pass']]);
    expect(ar.results[2]?.props).toEqual({ action: 'none', 'header.from': 'nvidia.com' });
  });

  it('reads a version, a no-result, a method version, nested comments and base64 with =', () => {
    expect(parseAuthenticationResults('example.org 1; none')).toEqual({ authservId: 'example.org', version: '1', results: [] });
    const ar = parseAuthenticationResults('(c) "quoted.example" ; dkim/1 = pass (a (nested) comment) header.b=ab+/cd== ; spf=softfail smtp.helo=x.example');
    expect(ar.authservId).toBe('quoted.example');
    expect(ar.results).toEqual([
      { method: 'dkim', result: 'pass', comment: 'a (nested) comment', props: { 'header.b': 'ab+/cd==' } },
      { method: 'spf', result: 'softfail', props: { 'smtp.helo': 'x.example' } },
    ]);
  });

  it('never throws on garbage and bounds its work', () => {
    for (const s of ['', ';', '=', '((((', '"', 'a; =;=;=', 'x; spf=', `x; ${'dkim=pass; '.repeat(10_000)}`]) {
      const ar = parseAuthenticationResults(s);
      expect(ar.results.length).toBeLessThanOrEqual(64);
    }
  });
});

describe('parseReceivedSpf (RFC 7208 §9.1)', () => {
  it('reads Gmail and Microsoft forms', () => {
    expect(parseReceivedSpf('pass (google.com: domain of a@oracle.com designates 156.151.31.86 as permitted sender) client-ip=156.151.31.86;')).toEqual({
      result: 'pass', comment: 'google.com: domain of a@oracle.com designates 156.151.31.86 as permitted sender', props: { 'client-ip': '156.151.31.86' },
    });
    const ms = parseReceivedSpf('Pass (protection.outlook.com: domain of nvidia.com designates\n 216.228.118.232 as permitted sender) receiver=protection.outlook.com;\n client-ip=216.228.118.232; helo=mail.nvidia.com; pr=C');
    expect(ms.result).toBe('pass');
    expect(ms.props).toEqual({ receiver: 'protection.outlook.com', 'client-ip': '216.228.118.232', helo: 'mail.nvidia.com', pr: 'C' });
    expect(parseReceivedSpf('softfail identity=mailfrom; envelope-from="a b"@x.example').props['envelope-from']).toBe('a b');
  });
});

/** A delivered message: recipient MX ← gateway ← customer MTA, with a forged A-R the sender wrote. */
function message(opts: { genuine: boolean; forgedAboveSender?: boolean }): string {
  return [
    'Received: from gw1.gateway.test (gw1.gateway.test [192.0.2.10]) by mx.partner.test with ESMTPS id R1; Mon, 1 Jan 2024 00:00:03 +0000',
    ...(opts.genuine ? ['Authentication-Results: mx.partner.test; spf=fail smtp.mailfrom=acme.test; dkim=none; dmarc=fail header.from=acme.test'] : []),
    'Received: from mail.acme.test (mail.acme.test [192.0.2.5]) by gw1.gateway.test with ESMTPS id G1; Mon, 1 Jan 2024 00:00:02 +0000',
    // Written by the sender (or a relay before the gateway), claiming the recipient's id:
    'Authentication-Results: mx.partner.test; spf=pass smtp.mailfrom=acme.test; dkim=pass header.d=acme.test; dmarc=pass header.from=acme.test',
    'Received: from pc.acme.test ([192.0.2.77]) by mail.acme.test with ESMTPSA id C1; Mon, 1 Jan 2024 00:00:01 +0000',
    'From: a@acme.test',
    'Subject: probe',
    '',
    'body',
  ].join('\r\n');
}

describe('trustedAuthenticationResults', () => {
  it('ignores an Authentication-Results forged with the recipient\'s id below the gateway hop', () => {
    const trusted = trustedAuthenticationResults(message({ genuine: true }), ['mx.partner.test'], ['gateway\\.test$']);
    expect(trusted).toHaveLength(1);
    expect(trusted[0]?.results.find((r) => r.method === 'spf')?.result).toBe('fail');
    expect(trusted[0]?.headerIndex).toBe(1);
  });

  it('trusts nothing when only the forged field carries the id', () => {
    expect(trustedAuthenticationResults(message({ genuine: false }), ['mx.partner.test'], ['gateway\\.test$'])).toEqual([]);
    // Without gateway patterns the domain heuristic still stops at the first foreign hop.
    expect(trustedAuthenticationResults(message({ genuine: false }), ['mx.partner.test'], [])).toEqual([]);
  });

  it('trusts Gmail\'s own stamp between its hop and the sender\'s hops', () => {
    const trusted = trustedAuthenticationResults(loadFixture('gmail-inbound.eml'), ['MX.GOOGLE.COM'], []);
    expect(trusted.map((t) => t.authservId)).toEqual(['mx.google.com']);
  });

  it('trusts only ids in the list, and the gateway\'s own stamp is not the recipient\'s', () => {
    const raw = loadFixture('exchange-onprem.eml');
    expect(trustedAuthenticationResults(raw, ['smtp.subspace.kernel.org'], [])).toHaveLength(3);
    expect(trustedAuthenticationResults(raw, ['mx.google.com'], [])).toEqual([]);
    // Mimecast's own A-R sits below its Received: it is the gateway's claim, never the recipient's.
    expect(trustedAuthenticationResults(loadFixture('postfix-mimecast.eml'), ['relay.mimecast.com'], ['mimecast\\.com$'])).toEqual([]);
  });

  it('trusts nothing in a message without Received fields', () => {
    expect(trustedAuthenticationResults('Authentication-Results: mx.partner.test; spf=pass\r\n\r\n', ['mx.partner.test'], [])).toEqual([]);
  });
});
