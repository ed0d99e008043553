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
});
