/**
 * What the gateway collector reads from the vendor API once per run, as plain
 * serialisable data for the case files (workers never see credentials). Each
 * section is its own result: one failing endpoint does not hide the others.
 */
import type { Config } from '../config/schema.ts';
import { errorMessage, isMailflowError } from '../errors.ts';
import type { Attestation } from './attestations.ts';
import type { ApiExchange, MimecastClient } from './mimecast-client.ts';
import { readMessageLog, type MessageLogEntry, type MessageLookup } from './message-log.ts';
import type { RelayAttemptResult } from '../transport/relay-attempt.ts';

export type Section<T> =
  | { ok: true; value: T; evidence: ApiExchange[] }
  | { ok: false; error: { code: string; message: string }; evidence: ApiExchange[] };

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

/** An outbound address item as a string: the reference leaves open whether items are strings or objects. */
export function outboundAddress(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    return str(o.ipAddress) ?? str(o.ipRange) ?? str(o.address) ?? str(o.cidr) ?? str(o.ip) ?? str(o.value);
  }
  return undefined;
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
    id: String(o.id ?? ''), definitionId: String(o.definitionId ?? o.definition?.id ?? ''), enabled: o.enabled !== false,
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

export interface LookupRequest {
  messageId: string;
  role: MessageLookup['role'];
  domain: string;
  format: string;
}

/** Reads every section the cases need. Sections run one after another (rate limits are per user). */
export async function readGatewaySnapshot(client: MimecastClient, config: Config, lookups: readonly LookupRequest[], waitMs: number): Promise<Omit<GatewaySnapshot, 'attestations' | 'attestationProblems' | 'relayAttempt'>> {
  const outboundAddresses = await section(client, async () =>
    (await client.listV2('/email/cloud-gateway/v1/outbound-ip-addresses', ['outboundIpAddresses', 'ipAddresses', 'addresses'])).map(outboundAddress).filter((a): a is string => a !== undefined));
  const details = await section(client, async () => {
    const o = (await client.call('GET', '/email/cloud-gateway/v1/gateway-details')) as Record<string, unknown>;
    return { outboundHostnames: Array.isArray(o.outboundHostnames) ? o.outboundHostnames.map(String) : [], ...(str(o.accountCode) ? { accountCode: str(o.accountCode) } : {}), ...(str(o.region) ? { region: str(o.region) } : {}), ...(str(o.spf) ? { spf: str(o.spf) } : {}) };
  });
  // API 1.0 shape for domains (the reference documents it best); the v2 list is equivalent.
  const internalDomains = await section(client, async () => (await client.listV1('/api/domain/get-internal-domain', [])).map(toDomain));
  const dkimDefinitions = await section(client, async () => (await client.listV2('/policy-management/cloud-gateway/v1/dns-authentication-outbound/definitions', ['definitions', 'dnsOutboundDefinitions'])).map(toDefinition));
  const dkimPolicies = await section(client, async () => (await client.listV2('/policy-management/cloud-gateway/v1/dns-authentication-outbound/policies', ['policies'])).map(toPolicy));
  const messages = await readMessageLog(client, lookups, waitMs);
  void config;
  return { outboundAddresses, details, internalDomains, dkimDefinitions, dkimPolicies, messages };
}
