/**
 * The `gateway` collector: after the probes and reply chains, it reads the
 * gateway's API once (configuration and the message log of every message the
 * run sent), runs MAN01's relay attempt, and loads the attestations file. The
 * findings go into the plan context as plain data; the raw API responses
 * (secrets removed) are written to evidence/gateway-api.json.
 */
import { tlsOptions } from '../transport/tls-options.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Collector } from '../plan/collectors.ts';
import type { ProbeRecord, ReplyChainRecord } from '../plan/probe-types.ts';
import { attemptRelay, type RelayAttemptResult } from '../transport/relay-attempt.ts';
import { readAttestations } from './attestations.ts';
import { createMimecastClient } from './mimecast-client.ts';
import { readGatewaySnapshot, type GatewaySnapshot, type LookupRequest } from './snapshot.ts';

/** Cases that read the gateway snapshot. */
export const GATEWAY_CASES: ReadonlySet<string> = new Set(['MAN01', 'MAN02', 'MAN03', 'MAN04', 'MAN05', 'MAN06', 'MAN07', 'MAN08', 'MAN09', 'MAN10', 'MAN11', 'OPT01', 'OPT02']);

export const GATEWAY_EVIDENCE_FILE = 'evidence/gateway-api.json';

/** The Message-IDs whose log entries the cases read: every probe, and each reply-chain leg after the original. */
export function lookupsFor(probes: readonly ProbeRecord[], chains: readonly ReplyChainRecord[]): LookupRequest[] {
  const out: LookupRequest[] = probes.filter((p) => p.submission.accepted).map((p) => ({ messageId: p.messageId, role: 'probe' as const, domain: p.domain, format: p.format }));
  for (const c of chains) {
    for (const leg of c.legs) {
      if (leg.leg !== 'original' && leg.submission?.accepted) out.push({ messageId: leg.messageId, role: leg.leg, domain: c.domain, format: c.format });
    }
  }
  return out;
}

async function relayAttempt(config: Config): Promise<RelayAttemptResult | undefined> {
  const check = config.gateway.relayCheck;
  if (!check) return undefined;
  const host = check.host ?? config.gateway.smartHosts[0];
  if (!host) return { outcome: 'inconclusive', sourceAddress: check.sourceAddress, target: '?', error: 'no gateway.relayCheck.host and no gateway.smartHosts', transcript: [] };
  // MAIL FROM an internal domain (a gateway may refuse unknown senders outright, which would prove nothing about relaying);
  // the recipient is the external mailbox, which accepts mail (a refusal must be about relaying, not a dead
  // address); no DATA is ever sent.
  const internal = config.domains[0]?.name ?? 'example.com';
  return attemptRelay({
    host, port: check.port, sourceAddress: check.sourceAddress, from: `relay-check@${internal}`, to: config.recipient.address, heloName: 'relay-check.example.com',
    tls: tlsOptions({ host, tls: check.tls }),
    timeoutMs: config.timeouts.connectSeconds * 1000,
  });
}

export const gatewayCollector: Collector = {
  name: 'gateway',
  cases: GATEWAY_CASES,
  async collect({ options, config, secrets, logger, context }) {
    const att = config.attestations.file ? await readAttestations(config.attestations.file) : { attestations: [], problems: [] };
    const relay = await relayAttempt(config);
    const base = { attestations: att.attestations, attestationProblems: att.problems, ...(relay ? { relayAttempt: relay } : {}) };
    const api = config.gateway.api;
    if (!api) {
      return { gateway: { ...base, messages: [], notConfigured: 'gateway.api is not configured: the gateway API was not read' } satisfies GatewaySnapshot };
    }
    const client = createMimecastClient({ api, secrets, logger });
    const found = await readGatewaySnapshot(client, config, lookupsFor(context.probes, context.replyChains), api.logWaitSeconds * 1000);
    await mkdir(path.join(options.runDir, 'evidence'), { recursive: true });
    await writeFile(path.join(options.runDir, GATEWAY_EVIDENCE_FILE), `${secrets.redact(JSON.stringify(client.exchanges, null, 2))}\n`);
    return { gateway: { ...base, ...found } satisfies GatewaySnapshot };
  },
};
