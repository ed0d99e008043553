/**
 * What the gateway collector reads from the vendor API once per run, as plain
 * serialisable data for the case files (workers never see credentials). Each
 * section is its own result: one failing endpoint does not hide the others.
 */
import type { Config } from '../config/schema.ts';
import { errorMessage, isMailflowError, MailflowError } from '../errors.ts';
import type { Attestation } from './attestations.ts';
import type { ApiExchange, MimecastClient } from './mimecast-client.ts';
import { readMessageLog, type MessageLogEntry, type MessageLookup } from './message-log.ts';
import type { RelayAttemptResult } from '../transport/relay-attempt.ts';

export type Section<T> =
  | { ok: true; value: T; evidence: ApiExchange[] }
  /** `unavailable`: the configured credential cannot read this at all (a missing precondition: NOT_RUN, not ERROR). */
  | { ok: false; error: { code: string; message: string }; unavailable?: boolean; evidence: ApiExchange[] };

export interface InternalDomain {
  domain: string;
  local: boolean;
  sendOnly: boolean;
  inboundType?: string | undefined;
}

export interface DkimDefinition {
  id: string;
  domain: string;
  selector: string;
  signDkim: boolean;
  keyLength?: number | undefined;
  publicKey: string;
  dnsAddress?: string | undefined;
  validated?: boolean | undefined;
}

export interface DkimPolicy {
  id: string;
  definitionId: string;
  enabled: boolean;
  fromType?: string | undefined;
  toType?: string | undefined;
}

export interface GatewayDetails {
  accountCode?: string | undefined;
  region?: string | undefined;
  outboundHostnames: string[];
  spf?: string | undefined;
}

export interface GatewaySnapshot {
  /** Why the API was not read at all (no gateway.api in the config). */
  notConfigured?: string;
  outboundAddresses?: Section<string[]>;
  details?: Section<GatewayDetails>;
  internalDomains?: Section<InternalDomain[]>;
  dkimDefinitions?: Section<DkimDefinition[]>;
  dkimPolicies?: Section<DkimPolicy[]>;
  /** Message-log lookups by Message-ID (probes and reply-chain legs). */
  messages: MessageLookup[];
  relayAttempt?: RelayAttemptResult;
  attestations: Attestation[];
  /** Problems reading the attestations file. */
  attestationProblems: string[];
}

export type { MessageLogEntry, MessageLookup };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * An outbound address item as a string. The reference (§3.1) documents two
 * shapes: the published contract's plain strings, and the live API's objects
 * `{"outboundIpAddress": "198.51.100.2"}` (TF-provider); a few other key names
 * are tolerated. Anything else is EPROTOCOL: silently dropping an entry would
 * turn a readable list into a wrong FAIL ("missing on the gateway").
 */
export function outboundAddress(item: unknown, index = 0): string {
  if (typeof item === 'string' && item.trim() !== '') return item.trim();
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const v = str(o.outboundIpAddress) ?? str(o.ipAddress) ?? str(o.ipRange) ?? str(o.address) ?? str(o.cidr) ?? str(o.ip) ?? str(o.value);
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  throw new MailflowError('EPROTOCOL', `gateway API outbound-ip-addresses: item ${index} is not an address (${JSON.stringify(item)?.slice(0, 120) ?? String(item)}); expected a string or {"outboundIpAddress": "..."}`, { expected: 'string | {outboundIpAddress}' });
}

function toDomain(item: unknown): InternalDomain {
  const o = item as Record<string, unknown>;
  return { domain: String(o.domain ?? '').replace(/^@/, '').toLowerCase(), local: o.local === true, sendOnly: o.sendOnly === true, ...(str(o.inboundType) ? { inboundType: str(o.inboundType) } : {}) };
}

function toDefinition(item: unknown): DkimDefinition {
  const o = item as Record<string, unknown>;
  return {
    id: String(o.id ?? ''), domain: String(o.domain ?? '').toLowerCase(), selector: String(o.selector ?? ''), signDkim: o.signDkim === true,
    publicKey: String(o.publicKey ?? ''),
    ...(typeof o.keyLength === 'number' ? { keyLength: o.keyLength } : {}),
    ...(str(o.dnsAddress) ? { dnsAddress: str(o.dnsAddress) } : {}),
    ...(typeof o.validated === 'boolean' ? { validated: o.validated } : {}),
  };
}

function toPolicy(item: unknown): DkimPolicy {
  const o = item as Record<string, unknown> & { from?: { type?: string }; to?: { type?: string }; definition?: { id?: string } };
  return {
    // Only an explicit true is enabled: a missing or odd value must not count as a live policy.
    id: String(o.id ?? ''), definitionId: String(o.definitionId ?? o.definition?.id ?? ''), enabled: o.enabled === true,
    ...(o.from?.type ? { fromType: o.from.type } : {}), ...(o.to?.type ? { toType: o.to.type } : {}),
  };
}

async function section<T>(client: MimecastClient, read: () => Promise<T>): Promise<Section<T>> {
  const start = client.exchanges.length;
  try {
    const value = await read();
    return { ok: true, value, evidence: client.exchanges.slice(start) };
  } catch (e) {
    return { ok: false, error: { code: isMailflowError(e) ? e.code : 'EINTERNAL', message: errorMessage(e) }, evidence: client.exchanges.slice(start) };
  }
}

/** A section the credential cannot read: API 1.0 (HMAC) keys reach only the /api/... POST endpoints. */
function needsOAuth2<T>(what: string): Section<T> {
  return {
    ok: false, unavailable: true, evidence: [],
    error: { code: 'ECONFIG', message: `${what} is an API 2.0 endpoint with no API 1.0 equivalent (reference §2, §3.1, §3.3): gateway.api.auth is hmac; configure an API 2.0 OAuth2 client (type oauth2) to check it` },
  };
}

export interface LookupRequest {
  messageId: string;
  role: MessageLookup['role'];
  domain: string;
  format: string;
}

/** Reads every section the cases need. Sections run one after another (rate limits are per user). */
export async function readGatewaySnapshot(client: MimecastClient, config: Config, lookups: readonly LookupRequest[], waitMs: number): Promise<Omit<GatewaySnapshot, 'attestations' | 'attestationProblems' | 'relayAttempt'>> {
  // API 1.0 keys: only /api/... (internal domains, Message Finder) exist; the REST reads need an OAuth2 client.
  const v2 = config.gateway.api?.auth.type !== 'hmac';
  const outboundAddresses = v2
    ? await section(client, async () => (await client.listV2('/email/cloud-gateway/v1/outbound-ip-addresses', ['outboundIpAddresses', 'ipAddresses', 'addresses'])).map((a, i) => outboundAddress(a, i)))
    : needsOAuth2<string[]>("The gateway's authorized outbound addresses (GET /email/cloud-gateway/v1/outbound-ip-addresses)");
  const details = v2 ? await section(client, async () => {
    const o = (await client.call('GET', '/email/cloud-gateway/v1/gateway-details')) as Record<string, unknown>;
    return { outboundHostnames: Array.isArray(o.outboundHostnames) ? o.outboundHostnames.map(String) : [], ...(str(o.accountCode) ? { accountCode: str(o.accountCode) } : {}), ...(str(o.region) ? { region: str(o.region) } : {}), ...(str(o.spf) ? { spf: str(o.spf) } : {}) };
  }) : needsOAuth2<GatewayDetails>('Gateway details (GET /email/cloud-gateway/v1/gateway-details)');
  // API 1.0 shape for domains (the reference documents it best, and it works with both credentials).
  const internalDomains = await section(client, async () => (await client.listV1('/api/domain/get-internal-domain', [])).map(toDomain));
  const dkimDefinitions = v2
    ? await section(client, async () => (await client.listV2('/policy-management/cloud-gateway/v1/dns-authentication-outbound/definitions', ['definitions', 'dnsOutboundDefinitions'])).map(toDefinition))
    : needsOAuth2<DkimDefinition[]>('DKIM definitions (GET …/dns-authentication-outbound/definitions)');
  const dkimPolicies = v2
    ? await section(client, async () => (await client.listV2('/policy-management/cloud-gateway/v1/dns-authentication-outbound/policies', ['policies'])).map(toPolicy))
    : needsOAuth2<DkimPolicy[]>('DKIM policies (GET …/dns-authentication-outbound/policies)');
  const messages = await readMessageLog(client, lookups, waitMs);
  return { outboundAddresses, details, internalDomains, dkimDefinitions, dkimPolicies, messages };
}
