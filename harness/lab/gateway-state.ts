/**
 * The gateway's message log, kept as plain data. It holds what the vendor's
 * message-tracking view shows (receipt: who connected, over what TLS;
 * delivery: which server, over what TLS, its 250 reply; status), so a later
 * admin API can serve it in the vendor's shapes without touching SMTP code.
 */
import type { TlsInfo } from './message-util.ts';

export type MessageDirection = 'outbound' | 'inbound' | 'internal';
export type MessageStatus = 'accepted' | 'delivered' | 'bounced' | 'partial';

export interface ReceiptInfo {
  at: string;
  remoteAddress: string;
  helo: string;
  tls: TlsInfo;
  /** Our own reply to the end of DATA. */
  reply: string;
}

export interface DeliveryInfo {
  at: string;
  recipient: string;
  remoteHost: string;
  remoteAddress: string;
  tls: TlsInfo;
  status: 'delivered' | 'failed';
  /** The remote server's reply: its 250 on success, the refusal otherwise. */
  reply: string;
}

export interface GatewayMessage {
  /** Gateway queue id, also in the Received stamp and X-MC-Unique. */
  id: string;
  direction: MessageDirection;
  from: string;
  to: string[];
  subject?: string;
  messageId?: string;
  /** The domain whose key signed it (d=), when signed. */
  dkimDomain?: string;
  receipt: ReceiptInfo;
  deliveries: DeliveryInfo[];
  status: MessageStatus;
}

/** A refused RCPT (e.g. relay denied): no message is created, but the attempt is logged. */
export interface GatewayRejection {
  at: string;
  remoteAddress: string;
  from: string;
  to: string;
  reply: string;
}

export interface GatewayState {
  messages: GatewayMessage[];
  rejections: GatewayRejection[];
}

export function createGatewayState(): GatewayState {
  return { messages: [], rejections: [] };
}

/** Status of a message from its deliveries: every recipient delivered, none, or some. */
export function settleStatus(message: GatewayMessage): MessageStatus {
  const done = new Map<string, DeliveryInfo['status']>();
  for (const d of message.deliveries) done.set(d.recipient.toLowerCase(), d.status);
  const statuses = message.to.map((r) => done.get(r.toLowerCase()));
  if (statuses.some((s) => s === undefined)) return 'accepted';
  if (statuses.every((s) => s === 'delivered')) return 'delivered';
  if (statuses.every((s) => s === 'failed')) return 'bounced';
  return 'partial';
}
