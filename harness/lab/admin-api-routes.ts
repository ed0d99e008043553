/**
 * What the lab's admin API answers, in the vendor's shapes (see
 * shared/reference/mimecast-api.md): API 2.0 REST lists paged with
 * `meta.nextPage`, API 1.0 `/api/...` POSTs with the `{meta, data, fail}`
 * envelope paged with `meta.pagination.next`, Message Finder search and
 * message info built from the gateway's real message log. Pure functions of
 * the gateway state; the HTTP server (admin-api.ts) does auth and transport.
 */
import type { FaultSet } from './faults.ts';
import type { GatewayMessage, GatewayState } from './gateway-state.ts';
import type { TlsInfo } from './message-util.ts';
import { GATEWAY_SPF_INCLUDE, LAB_HOST } from './topology.ts';

export interface ApiReply {
  status: number;
  body: unknown;
}

/** Lab lists are served in small pages so that both pagination styles are always exercised. */
export const LAB_PAGE_SIZE = 1;

function page<T>(items: readonly T[], token: string | null | undefined, requested: number | undefined): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) || 0 : 0;
  const size = Math.max(1, Math.min(requested ?? LAB_PAGE_SIZE, LAB_PAGE_SIZE));
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}) };
}

/** API 2.0 list: `{ <key>: [...], meta: { nextPage } }`; `shape` renders each item knowing its position in the whole list. */
function v2List(key: string, items: readonly unknown[], query: URLSearchParams, shape: (item: unknown, index: number) => unknown = (x) => x): ApiReply {
  const token = query.get('pageToken');
  const first = token ? Number(Buffer.from(token, 'base64url').toString()) || 0 : 0;
  const p = page(items, token, Number(query.get('pageSize')) || undefined);
  return { status: 200, body: { [key]: p.items.map((x, i) => shape(x, first + i)), meta: p.next ? { nextPage: p.next } : {} } };
}

/**
 * The reference (§3.1) documents both item shapes for outbound addresses: the
 * contract's plain strings and the live API's `{outboundIpAddress}` objects.
 * The lab alternates them (one item per page), so every run reads both.
 */
function outboundItem(address: unknown, index: number): unknown {
  return index % 2 === 0 ? address : { outboundIpAddress: address, comment: 'customer MTA' };
}

interface V1Body {
  meta?: { pagination?: { pageSize?: number; pageToken?: string } };
  data?: Record<string, unknown>[];
}

/** API 1.0 envelope: 200 with `data` and `fail` (a 200 with a non-empty fail[] is still a failure). */
export function v1(data: unknown[], fail: unknown[] = [], next?: string): ApiReply {
  return { status: 200, body: { meta: { status: 200, ...(next ? { pagination: { pageSize: LAB_PAGE_SIZE, next } } : {}) }, data, fail } };
}

export function v1Fail(key: unknown, code: string, message: string): ApiReply {
  return v1([], [{ key, errors: [{ code, message, retryable: false }] }]);
}

const tlsText = (tls: TlsInfo): string => (tls ? `${tls.version} (${tls.cipher})` : 'Not encrypted');

const STATUS_TEXT: Record<GatewayMessage['status'], string> = { accepted: 'Processing', delivered: 'Delivered', bounced: 'Bounced', partial: 'Partially delivered' };

function bareId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').toLowerCase();
}

function tracked(m: GatewayMessage) {
  return {
    id: m.id, status: STATUS_TEXT[m.status], info: m.status === 'delivered' ? 'Message delivered' : m.status,
    fromEnv: { emailAddress: m.from }, fromHdr: { displayableName: '', emailAddress: m.from },
    to: m.to.map((emailAddress) => ({ displayableName: '', emailAddress })),
    received: m.receipt.at, sent: m.deliveries[0]?.at ?? null, subject: m.subject ?? '', senderIP: m.receipt.remoteAddress,
    attachments: false, route: m.direction, spamScore: 0, detectionLevel: 'relaxed',
  };
}

function messageInfo(m: GatewayMessage, faults: FaultSet) {
  const delivered: Record<string, unknown> = {};
  for (const d of m.deliveries) {
    // log-disagrees: the log records the outbound leg as plain while the mail went (and its headers show) TLS.
    const encryptionInfo = faults.has('log-disagrees') && m.direction === 'outbound' ? 'Not encrypted' : tlsText(d.tls);
    delivered[d.recipient] = {
      deliveryMetaInfo: {
        deliveryEvent: d.status === 'delivered' ? 'Delivered' : 'Rejected', emailAddress: d.recipient, encryptionInfo,
        receiptAcknowledgement: d.reply, remoteHost: d.remoteHost, remoteIp: d.remoteAddress, remoteServerGreeting: d.remoteHost,
        processingServer: LAB_HOST.gatewayDelivery, transmissionStart: d.at, transmissionEnd: d.at,
      },
      messageInfo: { to: [d.recipient], subject: m.subject ?? '', route: m.direction, fromEnvelope: m.from, processed: d.at },
      policyInfo: [],
    };
  }
  return {
    id: m.id, status: STATUS_TEXT[m.status],
    recipientInfo: {
      messageInfo: { fromEnvelope: m.from, fromHeader: m.from, to: m.to, subject: m.subject ?? '', processed: m.receipt.at },
      recipientMetaInfo: {
        remoteIp: m.receipt.remoteAddress, remoteHost: m.receipt.helo, encryptionInfo: tlsText(m.receipt.tls), receiptAcknowledgement: m.receipt.reply,
        receiptEvent: 'Accepted', processingServer: LAB_HOST.gatewayRelay, transmissionStart: m.receipt.at,
      },
    },
    deliveredMessage: delivered,
    spamInfo: {
      spamScore: 0, detectionLevel: 'relaxed',
      ...(m.managedSender ? { managedSender: m.managedSender } : {}),
    },
  };
}

function search(state: GatewayState, body: V1Body): ApiReply {
  const q = body.data?.[0] ?? {};
  const wanted = typeof q.messageId === 'string' ? bareId(q.messageId) : undefined;
  if (!wanted) return v1Fail(q, 'err_validation_missing', 'messageId or advancedTrackAndTraceOptions is required');
  const found = state.messages.filter((m) => m.messageId !== undefined && bareId(m.messageId) === wanted);
  return v1([{ trackedEmails: found.map(tracked) }]);
}

function info(state: GatewayState, body: V1Body, faults: FaultSet): ApiReply {
  const id = body.data?.[0]?.id;
  const m = state.messages.find((x) => x.id === id);
  if (!m) return v1Fail({ id }, 'err_message_not_found', `no tracked message with id ${String(id)}`);
  return v1([messageInfo(m, faults)]);
}

function internalDomainsV1(state: GatewayState, body: V1Body): ApiReply {
  const filter = body.data?.[0]?.domain;
  const all = state.settings.internalDomains.filter((d) => typeof filter !== 'string' || d.domain === filter.toLowerCase());
  const p = page(all, body.meta?.pagination?.pageToken, body.meta?.pagination?.pageSize);
  return v1(p.items, [], p.next);
}

function gatewayDetails(state: GatewayState): ApiReply {
  const s = state.settings;
  return {
    status: 200,
    body: {
      accountCode: s.accountCode, region: s.region, protectionMode: 'full', status: 'active', outboundEnabled: true,
      outboundHostnames: s.outboundHostnames, inboundMxRecords: [{ hostname: LAB_HOST.gatewayInbound, priority: 10 }],
      spf: `v=spf1 include:${GATEWAY_SPF_INCLUDE} -all`,
    },
  };
}

/** The read endpoints the lab serves: "METHOD path" → handler. */
export function route(state: GatewayState, method: string, path: string, query: URLSearchParams, body: V1Body, faults: FaultSet = new Set()): ApiReply | undefined {
  const s = state.settings;
  switch (`${method} ${path}`) {
    case 'GET /email/cloud-gateway/v1/outbound-ip-addresses':
      return v2List('outboundIpAddresses', s.authorizedOutbound, query, outboundItem);
    case 'GET /email/cloud-gateway/v1/gateway-details':
      return gatewayDetails(state);
    case 'GET /domain/cloud-gateway/v1/internal-domains':
      return v2List('domains', s.internalDomains, query);
    case 'POST /api/domain/get-internal-domain':
      return internalDomainsV1(state, body);
    case 'GET /policy-management/cloud-gateway/v1/dns-authentication-outbound/definitions':
      return v2List('definitions', s.dkimDefinitions, query);
    case 'GET /policy-management/cloud-gateway/v1/dns-authentication-outbound/policies':
      return v2List('policies', s.dkimPolicies, query);
    case 'POST /api/message-finder/search':
      return search(state, body);
    case 'POST /api/message-finder/get-message-info':
      return info(state, body, faults);
    case 'POST /api/account/get-account':
      return v1([{ accountCode: s.accountCode, accountName: 'Acme (lab)', region: s.region, gateway: true, archive: false }]);
    default:
      return undefined;
  }
}
