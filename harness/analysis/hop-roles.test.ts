import { describe, expect, it } from 'vitest';
import { findGatewayHops } from './hop-roles.ts';
import { receivedChain } from './received-chain.ts';
import { loadFixture } from './fixtures/load-fixture.ts';

const MIMECAST = ['(^|\\.)mimecast\\.com$'];

describe('findGatewayHops', () => {
  it('finds both legs of an outbound message through Mimecast', () => {
    const hops = receivedChain(loadFixture('mimecast-outbound.eml'));
    const roles = findGatewayHops(hops, MIMECAST);
    expect(roles.toGateway).toMatchObject({ index: 2, by: 'relay.mimecast.com', fromIp: '156.67.243.121', tls: 'yes', tlsVersion: 'TLSv1.2' });
    expect(roles.fromGateway).toMatchObject({ index: 1, fromHost: 'eu-smtp-delivery-151.mimecast.com', by: 'lindbergh.monkeyblade.net', tls: 'yes' });
    expect(roles.gatewayHops.map((h) => h.index)).toEqual([1, 2]);
  });

  it('takes the oldest gateway-stamped hop and the recipient hop next to the gateway', () => {
    // Two Mimecast stamps: the list's inbound relay (index 1) and the sender's outbound one (index 5).
    const roles = findGatewayHops(receivedChain(loadFixture('postfix-mimecast.eml')), MIMECAST);
    expect(roles.toGateway?.index).toBe(5);
    expect(roles.toGateway?.fromHost).toBe('smtp-out1.suse.de');
    expect(roles.fromGateway?.index).toBe(0);
    expect(roles.fromGateway?.by).toBe('mail.lfdr.de');
  });

  it('matches patterns case-insensitively against the HELO name too', () => {
    const hops = receivedChain('Received: from GW1.EXAMPLE.NET ([192.0.2.9]) by mx.partner.test with ESMTPS id 1; Mon, 1 Jan 2024 00:00:00 +0000\n\n');
    expect(findGatewayHops(hops, ['gw\\d\\.example\\.net']).fromGateway?.fromIp).toBe('192.0.2.9');
  });

  it('returns nothing for no patterns, unmatched patterns, or invalid ones', () => {
    const hops = receivedChain(loadFixture('gmail-inbound.eml'));
    expect(findGatewayHops(hops, [])).toEqual({ gatewayHops: [] });
    expect(findGatewayHops(hops, ['mimecast\\.com'])).toEqual({ gatewayHops: [] });
    expect(findGatewayHops(hops, ['(unclosed'])).toEqual({ gatewayHops: [] });
  });

  it('never takes a forged hop below the gateway\'s own as the recipient\'s hop from the gateway', () => {
    // The sender wrote the bottom line before the gateway saw the message: a TLS hop "from" the gateway.
    const chain = receivedChain(
      [
        'Received: from relay.mimecast.com (relay.mimecast.com [192.0.2.20]) by mx.partner.test with SMTP id R1; Mon, 1 Jan 2024 00:00:03 +0000',
        'Received: from mail.acme.test (mail.acme.test [192.0.2.10]) by relay.mimecast.com with ESMTPS id G1; Mon, 1 Jan 2024 00:00:02 +0000',
        'Received: from eu-smtp.mimecast.com (eu-smtp.mimecast.com [192.0.2.99]) by mx.partner.test (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384) with ESMTPS id F1; Mon, 1 Jan 2024 00:00:01 +0000',
        '',
        '',
      ].join('\n'),
    );
    const roles = findGatewayHops(chain, MIMECAST);
    expect(roles.toGateway?.index).toBe(1);
    expect(roles.fromGateway?.index).toBe(0);
    expect(roles.fromGateway?.tls).toBe('no');
  });

  it('has no hop from the gateway when the only candidate sits below the gateway\'s own', () => {
    const chain = receivedChain(
      [
        'Received: from relay.mimecast.com (relay.mimecast.com [192.0.2.20]) by relay2.mimecast.com with ESMTPS id R2; Mon, 1 Jan 2024 00:00:03 +0000',
        'Received: from mail.acme.test (mail.acme.test [192.0.2.10]) by relay.mimecast.com with ESMTPS id G1; Mon, 1 Jan 2024 00:00:02 +0000',
        'Received: from eu-smtp.mimecast.com ([192.0.2.99]) by mx.partner.test with ESMTPS id F1; Mon, 1 Jan 2024 00:00:01 +0000',
        '',
        '',
      ].join('\n'),
    );
    const roles = findGatewayHops(chain, MIMECAST);
    expect(roles.toGateway?.index).toBe(1);
    expect(roles.fromGateway).toBeUndefined();
  });

  it('picks the recipient hop nearest the gateway when several name it as client', () => {
    const chain = receivedChain(
      [
        'Received: from relay.mimecast.com ([192.0.2.20]) by store.partner.test with LMTP id S1; Mon, 1 Jan 2024 00:00:04 +0000',
        'Received: from relay.mimecast.com (relay.mimecast.com [192.0.2.20]) by mx.partner.test with ESMTPS id R1; Mon, 1 Jan 2024 00:00:03 +0000',
        'Received: from mail.acme.test ([192.0.2.10]) by relay.mimecast.com with ESMTPS id G1; Mon, 1 Jan 2024 00:00:02 +0000',
        '',
        '',
      ].join('\n'),
    );
    expect(findGatewayHops(chain, MIMECAST).fromGateway?.by).toBe('mx.partner.test');
  });
});
