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
  /** Inbound only: whether a managed-sender (auto allow) entry let the sender through, as the vendor's spamInfo shows it. */
  managedSender?: { allow: boolean; info: string };
}

/** An internal domain as the vendor's directory lists it (local: mailboxes hosted at the gateway). */
export interface InternalDomainSetting {
  id: string;
  domain: string;
  local: boolean;
  sendOnly: boolean;
  inboundType: 'any' | 'smtp' | 'ldap' | 'known';
}

/** A DNS authentication (DKIM signing) definition. */
export interface DkimDefinitionSetting {
  id: string;
  description: string;
  domain: string;
  selector: string;
  signDkim: boolean;
  keyLength: number;
  /** Base64 SubjectPublicKeyInfo of the signing key. */
  publicKey: string;
  dnsAddress: string;
  validated: boolean;
}

export interface DkimPolicySetting {
  id: string;
  description: string;
  definitionId: string;
  enabled: boolean;
  from: { type: string };
  to: { type: string };
  fromPart: 'envelope_from' | 'header_from' | 'both';
}

/** An auto allow entry: learnt when an internal user writes to an external address (vendor policy type "Auto"). */
export interface AutoAllowEntry {
  internal: string;
  external: string;
  createdAt: string;
  lastUsedAt: string;
}

/** The gateway's administrative configuration, which its admin API serves and its SMTP rules obey. */
export interface GatewaySettings {
  authorizedOutbound: string[];
  internalDomains: InternalDomainSetting[];
  dkimDefinitions: DkimDefinitionSetting[];
  dkimPolicies: DkimPolicySetting[];
  /** An Auto Allow policy is in force: outbound mail creates managed-sender entries. */
  autoAllowPolicy: boolean;
  accountCode: string;
  region: string;
  outboundHostnames: string[];
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
  settings: GatewaySettings;
  autoAllow: AutoAllowEntry[];
}

const EMPTY_SETTINGS: GatewaySettings = {
  authorizedOutbound: [], internalDomains: [], dkimDefinitions: [], dkimPolicies: [], autoAllowPolicy: true,
  accountCode: 'CUSLAB0001', region: 'eu', outboundHostnames: [],
};

export function createGatewayState(settings: Partial<GatewaySettings> = {}): GatewayState {
  return { messages: [], rejections: [], settings: { ...structuredClone(EMPTY_SETTINGS), ...settings }, autoAllow: [] };
}

/** Outbound mail from an internal user to external addresses creates or refreshes auto allow entries (when the policy is on). */
export function learnAutoAllow(state: GatewayState, message: GatewayMessage, isInternal: (address: string) => boolean): void {
  if (message.direction !== 'outbound' || !state.settings.autoAllowPolicy || !message.from) return;
  const at = new Date().toISOString();
  for (const external of message.to.filter((r) => !isInternal(r))) {
    const found = state.autoAllow.find((e) => e.internal === message.from.toLowerCase() && e.external === external.toLowerCase());
    if (found) found.lastUsedAt = at;
    else state.autoAllow.push({ internal: message.from.toLowerCase(), external: external.toLowerCase(), createdAt: at, lastUsedAt: at });
  }
}

/** The managed-sender verdict for inbound mail: allowed when some recipient has written to the sender before. */
export function managedSenderVerdict(state: GatewayState, from: string, to: readonly string[]): { allow: boolean; info: string } {
  const sender = from.toLowerCase();
  const entry = state.autoAllow.find((e) => e.external === sender && to.some((r) => r.toLowerCase() === e.internal));
  return entry ? { allow: true, info: `Auto Allow: ${entry.internal} wrote to ${entry.external} on ${entry.createdAt}` } : { allow: false, info: 'No managed sender entry' };
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
