/**
 * The lab's DNS data as plain values: which names exist and what they answer.
 * The DNS server serves it; tests read it. The records are the ones the
 * gateway's onboarding asks a customer to publish (MX to the gateway, SPF
 * include of the gateway's netblocks, DKIM keys the gateway signs with, DMARC).
 */
import { DKIM_SELECTOR, GATEWAY_SPF_INCLUDE, GATEWAY_ZONE, LAB_ADDRESS, LAB_HOST, reverseName } from './topology.ts';

export type ZoneRecord =
  | { type: 'A'; address: string }
  | { type: 'MX'; exchange: string; priority: number }
  | { type: 'TXT'; text: string }
  | { type: 'PTR'; target: string };

export interface LabZone {
  /** Apex names the server is authoritative for (answers NXDOMAIN below them). */
  apexes: string[];
  /** Lower-case owner name without trailing dot -> records. */
  records: Map<string, ZoneRecord[]>;
}

export interface ZoneOptions {
  internalDomains: readonly string[];
  externalDomain: string;
  /** Base64 SubjectPublicKeyInfo (DER) of each internal domain's DKIM key. */
  dkimPublicKeys: ReadonlyMap<string, string>;
  /** When true the internal domains' SPF omits the gateway include (fault spf-missing-gateway). */
  spfWithoutGateway?: boolean;
  /** not-first: the customer's own address before the include; too-many-lookups: nested SaaS includes over the RFC 7208 limit. */
  spfVariant?: 'not-first' | 'too-many-lookups' | undefined;
}

/** The internal domain's SPF record under the faults that concern it. */
function internalSpf(zone: LabZone, domain: string, opts: ZoneOptions): string {
  if (opts.spfWithoutGateway) return `v=spf1 ip4:${LAB_ADDRESS.exchangeOutbound} -all`;
  if (opts.spfVariant === 'not-first') return `v=spf1 ip4:${LAB_ADDRESS.exchangeOutbound} include:${GATEWAY_SPF_INCLUDE} -all`;
  if (opts.spfVariant === 'too-many-lookups') {
    // Each SaaS sender the customer signed up for added its own include, nested as vendors publish them.
    const vendors = ['crm', 'hr', 'marketing'];
    add(zone, `_spf-saas.${domain}`, { type: 'TXT', text: `v=spf1 ${vendors.map((v) => `include:_spf-${v}.${domain}`).join(' ')} ~all` });
    for (const v of vendors) add(zone, `_spf-${v}.${domain}`, { type: 'TXT', text: `v=spf1 a:${LAB_HOST.exchange} mx:${domain} ~all` });
    return `v=spf1 include:${GATEWAY_SPF_INCLUDE} include:_spf-saas.${domain} mx a:${LAB_HOST.exchange} -all`;
  }
  return `v=spf1 include:${GATEWAY_SPF_INCLUDE} -all`;
}

function add(zone: LabZone, name: string, record: ZoneRecord): void {
  const key = name.toLowerCase();
  const list = zone.records.get(key) ?? [];
  list.push(record);
  zone.records.set(key, list);
}

function addInternalDomain(zone: LabZone, domain: string, opts: ZoneOptions): void {
  add(zone, domain, { type: 'MX', exchange: LAB_HOST.gatewayInbound, priority: 10 });
  // Without the include, the domain still lists its own on-premises server: the typical
  // leftover when a customer moves outbound behind the gateway and forgets SPF.
  add(zone, domain, { type: 'TXT', text: internalSpf(zone, domain, opts) });
  const key = opts.dkimPublicKeys.get(domain);
  if (key !== undefined) add(zone, `${DKIM_SELECTOR}._domainkey.${domain}`, { type: 'TXT', text: `v=DKIM1; k=rsa; p=${key}` });
  add(zone, `_dmarc.${domain}`, { type: 'TXT', text: `v=DMARC1; p=reject; rua=mailto:dmarc-reports@${domain}` });
}

function addGatewayZone(zone: LabZone): void {
  add(zone, LAB_HOST.gatewayInbound, { type: 'A', address: LAB_ADDRESS.gatewayInbound });
  add(zone, LAB_HOST.gatewayDelivery, { type: 'A', address: LAB_ADDRESS.gatewayDelivery });
  add(zone, LAB_HOST.gatewayRelay, { type: 'A', address: LAB_ADDRESS.gatewayInbound });
  // `~all`, as the vendor publishes its regional netblocks; the customer's record carries the `-all`.
  add(zone, GATEWAY_SPF_INCLUDE, { type: 'TXT', text: `v=spf1 ip4:${LAB_ADDRESS.gatewayDelivery} ~all` });
}

function addExternalDomain(zone: LabZone, domain: string): void {
  add(zone, domain, { type: 'MX', exchange: LAB_HOST.partnerMx, priority: 5 });
  add(zone, domain, { type: 'A', address: LAB_ADDRESS.partnerMx });
  add(zone, domain, { type: 'TXT', text: `v=spf1 ip4:${LAB_ADDRESS.partnerMx} ip4:${LAB_ADDRESS.partnerSubmission} -all` });
  add(zone, `_dmarc.${domain}`, { type: 'TXT', text: 'v=DMARC1; p=none' });
  add(zone, LAB_HOST.partnerMx, { type: 'A', address: LAB_ADDRESS.partnerMx });
  add(zone, LAB_HOST.partnerSubmission, { type: 'A', address: LAB_ADDRESS.partnerSubmission });
  add(zone, LAB_HOST.partnerImap, { type: 'A', address: LAB_ADDRESS.partnerImap });
}

function addReverse(zone: LabZone): void {
  const ptr: [string, string][] = [
    [LAB_ADDRESS.exchange, LAB_HOST.exchange],
    [LAB_ADDRESS.exchangeOutbound, LAB_HOST.exchange],
    [LAB_ADDRESS.gatewayInbound, LAB_HOST.gatewayInbound],
    [LAB_ADDRESS.gatewayDelivery, LAB_HOST.gatewayDelivery],
    [LAB_ADDRESS.partnerMx, LAB_HOST.partnerMx],
    [LAB_ADDRESS.partnerSubmission, LAB_HOST.partnerSubmission],
    [LAB_ADDRESS.partnerImap, LAB_HOST.partnerImap],
  ];
  for (const [ip, host] of ptr) add(zone, reverseName(ip), { type: 'PTR', target: host });
}

/** Builds the lab's zone data for the given domains. */
export function buildLabZone(opts: ZoneOptions): LabZone {
  const zone: LabZone = {
    apexes: [...opts.internalDomains, opts.externalDomain, GATEWAY_ZONE, '127.in-addr.arpa'].map((d) => d.toLowerCase()),
    records: new Map(),
  };
  for (const domain of opts.internalDomains) addInternalDomain(zone, domain.toLowerCase(), opts);
  // One Exchange server hosts every internal domain (the usual multi-domain on-premises setup).
  add(zone, LAB_HOST.exchange, { type: 'A', address: LAB_ADDRESS.exchange });
  addGatewayZone(zone);
  addExternalDomain(zone, opts.externalDomain.toLowerCase());
  addReverse(zone);
  return zone;
}

/** The zone an owner name falls under, or undefined when the lab is not authoritative for it. */
export function apexFor(zone: LabZone, name: string): string | undefined {
  const n = name.toLowerCase();
  return zone.apexes.filter((a) => n === a || n.endsWith(`.${a}`)).sort((a, b) => b.length - a.length)[0];
}
