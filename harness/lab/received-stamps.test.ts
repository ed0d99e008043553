import { describe, expect, it } from 'vitest';
import { exchangeReceived, gmailReceived, mimecastReceived } from './received-stamps.ts';

const date = new Date('2025-07-18T09:19:30Z');
const tls = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' };
const unfold = (s: string) => s.replace(/\r\n[ \t]+/g, ' ');

describe('Received stamps in vendor notation', () => {
  it('Exchange: TLS1_3 spelling, build id, Frontend Transport on submission', () => {
    const s = unfold(exchangeReceived({ helo: '[127.0.0.1]', clientIp: '127.0.0.1', byHost: 'mail.acme.test', byIp: '127.0.0.10', tls, frontend: true, date }));
    expect(s).toBe('Received: from [127.0.0.1] (127.0.0.1) by mail.acme.test (127.0.0.10) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.2.1544.4 via Frontend Transport; Fri, 18 Jul 2025 09:19:30 +0000');
  });

  it('Mimecast: "with ESMTP with STARTTLS (version=..., cipher=...)", plain "with ESMTP" without TLS', () => {
    const base = { helo: 'mail.acme.test', ptr: 'mail.acme.test', clientIp: '127.0.0.11', byHost: 'relay.mimecast.test', id: 'eu-mta-1-abc-1', date };
    expect(unfold(mimecastReceived({ ...base, tls }))).toBe('Received: from mail.acme.test (mail.acme.test [127.0.0.11]) by relay.mimecast.test with ESMTP with STARTTLS (version=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384) id eu-mta-1-abc-1; Fri, 18 Jul 2025 09:19:30 +0000');
    expect(unfold(mimecastReceived({ ...base, tls: null }))).toBe('Received: from mail.acme.test (mail.acme.test [127.0.0.11]) by relay.mimecast.test with ESMTP id eu-mta-1-abc-1; Fri, 18 Jul 2025 09:19:30 +0000');
  });

  it('Gmail: ESMTPS with bits, ESMTP and no TLS clause when plaintext', () => {
    const base = { helo: 'eu-smtp-delivery-1.mimecast.test', ptr: 'eu-smtp-delivery-1.mimecast.test', clientIp: '127.0.0.21', byHost: 'mx.partner.test', id: 'x1si1.2', recipient: 'bob@partner.test', date };
    expect(unfold(gmailReceived({ ...base, tls }))).toBe('Received: from eu-smtp-delivery-1.mimecast.test (eu-smtp-delivery-1.mimecast.test. [127.0.0.21]) by mx.partner.test with ESMTPS id x1si1.2 for <bob@partner.test> (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); Fri, 18 Jul 2025 09:19:30 +0000');
    expect(unfold(gmailReceived({ ...base, tls: null }))).toBe('Received: from eu-smtp-delivery-1.mimecast.test (eu-smtp-delivery-1.mimecast.test. [127.0.0.21]) by mx.partner.test with ESMTP id x1si1.2 for <bob@partner.test>; Fri, 18 Jul 2025 09:19:30 +0000');
  });
});
