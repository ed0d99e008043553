import { describe, expect, test } from 'vitest';
import { outboundAddress } from '../gateway/snapshot.ts';
import { route } from './admin-api-routes.ts';
import { createGatewayState, type GatewayMessage } from './gateway-state.ts';

const state = () => createGatewayState({ authorizedOutbound: ['127.0.0.11/32', '127.0.0.12/32', '192.0.2.0/28'] });

/** Reads every page of the outbound list as the adapter does. */
function allPages(s: ReturnType<typeof state>): unknown[] {
  const items: unknown[] = [];
  let token: string | undefined;
  for (let i = 0; i < 10; i++) {
    const q = new URLSearchParams({ pageSize: '100', ...(token ? { pageToken: token } : {}) });
    const body = route(s, 'GET', '/email/cloud-gateway/v1/outbound-ip-addresses', q, {})?.body as { outboundIpAddresses: unknown[]; meta: { nextPage?: string } };
    items.push(...body.outboundIpAddresses);
    token = body.meta.nextPage;
    if (!token) break;
  }
  return items;
}

describe('lab admin API routes', () => {
  test('outbound addresses come in both documented shapes, alternating by page', () => {
    const items = allPages(state());
    expect(items).toEqual(['127.0.0.11/32', { outboundIpAddress: '127.0.0.12/32', comment: 'customer MTA' }, '192.0.2.0/28']);
    expect(items.map((x, i) => outboundAddress(x, i))).toEqual(['127.0.0.11/32', '127.0.0.12/32', '192.0.2.0/28']);
  });

  test('log-disagrees: the outbound delivery is logged as not encrypted although it used TLS', () => {
    const s = state();
    const tls = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' };
    const m: GatewayMessage = {
      id: 'eu-1', direction: 'outbound', from: 'alice@acme.test', to: ['bob@partner.test'], status: 'delivered',
      receipt: { at: '2025-01-01T00:00:00Z', remoteAddress: '127.0.0.11', helo: 'mail.acme.test', tls, reply: '250 ok' },
      deliveries: [{ at: '2025-01-01T00:00:01Z', recipient: 'bob@partner.test', status: 'delivered', remoteHost: 'mx.partner.test', remoteAddress: '127.0.0.30', tls, reply: '250 ok' }],
    };
    s.messages.push(m);
    const enc = (faults: Set<'log-disagrees'>) => {
      const body = route(s, 'POST', '/api/message-finder/get-message-info', new URLSearchParams(), { data: [{ id: 'eu-1' }] }, faults)?.body as { data: { deliveredMessage: Record<string, { deliveryMetaInfo: { encryptionInfo: string } }>; recipientInfo: { recipientMetaInfo: { encryptionInfo: string } } }[] };
      return [body.data[0]?.recipientInfo.recipientMetaInfo.encryptionInfo, body.data[0]?.deliveredMessage['bob@partner.test']?.deliveryMetaInfo.encryptionInfo];
    };
    expect(enc(new Set())).toEqual(['TLSv1.3 (TLS_AES_256_GCM_SHA384)', 'TLSv1.3 (TLS_AES_256_GCM_SHA384)']);
    expect(enc(new Set(['log-disagrees']))).toEqual(['TLSv1.3 (TLS_AES_256_GCM_SHA384)', 'Not encrypted']);
  });
});
