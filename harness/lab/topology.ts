/**
 * Where every lab role lives. Each role has its own loopback address (Linux
 * routes all of 127.0.0.0/8 to `lo`), so source addresses mean something: the
 * gateway can tell the customer's authorized outbound address from anyone
 * else, and SPF can pass or fail on the connecting IP.
 */

export const LAB_ADDRESS = {
  dns: '127.0.0.2',
  /** The customer's Exchange server: submission, receive connector, internal IMAP. */
  exchange: '127.0.0.10',
  /** The customer's public (NATed) outbound address, authorized on the gateway. */
  exchangeOutbound: '127.0.0.11',
  gatewayInbound: '127.0.0.20',
  /** The gateway's delivery address, the one its SPF include lists. */
  gatewayDelivery: '127.0.0.21',
  partnerMx: '127.0.0.30',
  partnerSubmission: '127.0.0.31',
  partnerImap: '127.0.0.32',
  /** The gateway's admin API (the vendor's API host). */
  gatewayApi: '127.0.0.22',
  /** A second customer MTA (DR site) listed as authorized outbound; it sends nothing in the lab. */
  exchangeStandby: '127.0.0.12',
  /** An address nobody authorized: MAN01's relay attempt comes from here. */
  unauthorized: '127.0.0.40',
} as const;

export const LAB_HOST = {
  exchange: 'mail.acme.test',
  gatewayInbound: 'eu-smtp-inbound-1.mimecast.test',
  gatewayDelivery: 'eu-smtp-delivery-1.mimecast.test',
  /** The name Mimecast stamps in `by` whatever node received the message. */
  gatewayRelay: 'relay.mimecast.test',
  partnerMx: 'mx.partner.test',
  partnerSubmission: 'smtp.partner.test',
  partnerImap: 'imap.partner.test',
  gatewayApi: 'api.mimecast.test',
} as const;

/** The gateway's own DNS zone and the SPF include it publishes for its region. */
export const GATEWAY_ZONE = 'mimecast.test';
export const GATEWAY_SPF_INCLUDE = 'eu._netblocks.mimecast.test';
export const DKIM_SELECTOR = 'mc1';

/**
 * Real MTAs all listen on port 25; the lab's listen on random ports. An MTA
 * that found an address by MX/A lookup asks this map which port stands for
 * "25" on that address. Filled once every server is listening.
 */
export type SmtpPortMap = Map<string, number>;

/** Lower-cased domain part of an address, '' when there is none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

/** The reverse-DNS name of an IPv4 address (RFC 1035 §3.5). */
export function reverseName(ipv4: string): string {
  return `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;
}
