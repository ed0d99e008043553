/**
 * The run's own facts (target, config digest, probes), written by the global
 * setup for the reporter: the two live in different module graphs, so they
 * meet through the run folder, which also keeps them if the run dies.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.ts';
import { findGatewayHops } from '../analysis/hop-roles.ts';
import { receivedChain, type Hop } from '../analysis/received-chain.ts';
import type { ProbeSummary, RouteHop, RunInfo } from '../report/model.ts';
import { PLAN_ORDER } from './plan-catalogue.ts';
import type { ProbeRecord } from './probe-types.ts';
import type { RunOptions } from './run-options.ts';

export const RUN_STATE_FILE = 'run-state.json';

export interface RunState {
  run: RunInfo;
  probes: ProbeSummary[];
  /** Why the global setup stopped, when it did: the reporter records it as a SETUP ERROR case. */
  setupError?: string;
}

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
export const HARNESS_VERSION: string = pkg.version;

export function configDigest(config: Config): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/** Which cases the run was asked to decide (`--only`, or the whole plan) and the plan itself. */
export function planSelection(only: readonly string[]): Pick<RunInfo, 'selectedCases' | 'planCases'> {
  const planCases = [...PLAN_ORDER];
  return { selectedCases: only.length > 0 ? only.map((id) => id.toUpperCase()) : planCases, planCases };
}

/**
 * What is known of a run before its target is opened (no config yet): written
 * at the start so that a run that dies in its set-up or probe phase still has
 * a results.json to render, marked incomplete.
 */
export function pendingRunInfo(options: RunOptions, startedAt: Date): RunInfo {
  return {
    id: options.runId,
    startedAt: startedAt.toISOString(),
    target: options.configFile ?? 'lab',
    environment: 'unknown',
    customer: 'unknown',
    gateway: { vendor: 'unknown', region: 'unknown' },
    domains: [],
    labFaults: options.labFaults,
    ...(options.executedBy === undefined ? {} : { executedBy: options.executedBy }),
    ...(options.overseenBy === undefined ? {} : { overseenBy: options.overseenBy }),
    harnessVersion: HARNESS_VERSION,
    configDigest: '',
    warnings: [],
    complete: false,
    ...planSelection(options.only),
  };
}

export function runInfo(options: RunOptions, config: Config, target: string, warnings: string[], startedAt: Date): RunInfo {
  return {
    id: options.runId,
    startedAt: startedAt.toISOString(),
    target,
    environment: config.environment,
    customer: config.customer,
    gateway: { vendor: config.gateway.vendor, region: config.gateway.region },
    domains: config.domains.map((d) => d.name),
    labFaults: options.labFaults,
    ...(options.executedBy === undefined ? {} : { executedBy: options.executedBy }),
    ...(options.overseenBy === undefined ? {} : { overseenBy: options.overseenBy }),
    harnessVersion: HARNESS_VERSION,
    configDigest: configDigest(config),
    warnings,
    complete: false,
    ...planSelection(options.only),
  };
}

/**
 * The delivered message's Received chain as the report's route picture,
 * oldest hop first, each placed relative to the gateway hops the config's
 * `gateway.hopPatterns` recognise (analysis/hop-roles.ts).
 */
export function probeRoute(raw: string, hopPatterns: readonly string[]): RouteHop[] {
  const chain = receivedChain(raw);
  const { toGateway, fromGateway, gatewayHops } = findGatewayHops(chain, hopPatterns);
  const gw = new Set(gatewayHops.map((h) => h.index));
  // index 0 is the newest hop: larger indexes are older.
  const role = (h: Hop): RouteHop['role'] => {
    if (h === toGateway) return 'to-gateway';
    if (h === fromGateway) return 'from-gateway';
    if (gw.has(h.index)) return 'gateway';
    if (toGateway ? h.index > toGateway.index : fromGateway ? h.index > fromGateway.index : false) return 'customer';
    return 'recipient';
  };
  return [...chain].reverse().map((h) => ({
    from: h.fromHost ?? h.fromHelo ?? h.fromIp ?? 'unknown',
    by: h.by ?? 'unknown',
    ...(h.with === undefined ? {} : { with: h.with }),
    role: role(h),
    tls: h.tls,
    ...(h.tlsVersion === undefined ? {} : { tlsVersion: h.tlsVersion }),
    ...(h.cipher === undefined ? {} : { cipher: h.cipher }),
  }));
}

/** A probe as the results model lists it; `hopPatterns` lets it carry its route. */
export function probeSummary(p: ProbeRecord, hopPatterns: readonly string[] = []): ProbeSummary {
  const raw = p.delivery.status === 'delivered' ? p.delivery.raw : undefined;
  return {
    id: p.id,
    domain: p.domain,
    format: p.format,
    messageId: p.messageId,
    status: p.delivery.status,
    attempts: p.submission.attempts.length,
    ...(p.delivery.latencyMs === undefined ? {} : { latencyMs: p.delivery.latencyMs }),
    ...(p.delivery.evidenceFile === undefined ? {} : { evidenceFile: p.delivery.evidenceFile }),
    ...(raw === undefined ? {} : { route: probeRoute(raw, hopPatterns) }),
  };
}

export async function writeRunState(runDir: string, state: RunState): Promise<void> {
  await writeFile(path.join(runDir, RUN_STATE_FILE), JSON.stringify(state, null, 2));
}

export async function readRunState(runDir: string): Promise<RunState | undefined> {
  try {
    return JSON.parse(await readFile(path.join(runDir, RUN_STATE_FILE), 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}
