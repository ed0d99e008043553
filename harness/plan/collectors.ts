/**
 * What the global setup gathers before the cases run, in order. Each collector
 * talks to the target once (probes, reply chains, the gateway's API...) and
 * adds its findings to the plan context; cases only read them, so every
 * message, API response and DNS answer is fetched once and shared.
 */
import type { Config, ProbeFormat } from '../config/schema.ts';
import type { SecretStore } from '../config/secret-store.ts';
import type { Logger } from '../logger.ts';
import type { PlanContext } from './plan-context.ts';
import { EVERY_FORMAT_CASES, PROBE_CASES } from './plan-catalogue.ts';
import { runProbePhase } from './probe-phase.ts';
import { gatewayCollector } from '../gateway/gateway-collector.ts';
import { replyChainCollector } from './reply-chain.ts';
import type { RunOptions } from './run-options.ts';
import type { Session } from './session.ts';

export interface CollectorInput {
  options: RunOptions;
  config: Config;
  secrets: SecretStore;
  session: Session;
  logger: Logger;
  /** What earlier collectors found (collectors run in order). */
  context: PlanContext;
}

export interface Collector {
  name: string;
  /** Case ids that read what this collector gathers; it is skipped when --only selects none of them. */
  cases: ReadonlySet<string>;
  collect(input: CollectorInput): Promise<Partial<PlanContext>>;
}

const probes: Collector = {
  name: 'probes',
  cases: PROBE_CASES,
  async collect({ options, config, secrets, logger }) {
    const formats = probeFormats(config, options.only);
    return { probes: await runProbePhase({ config, secrets, runId: options.runId, runDir: options.runDir, logger, formats }) };
  },
};

/**
 * The formats to send: every configured one, unless `--only` selects no case
 * that reads them all; then only the primary probe, which MAN07-MAN13 read.
 */
export function probeFormats(config: Config, only: readonly string[]): ProbeFormat[] {
  const all = config.probes.formats;
  const everyFormat = only.length === 0 || only.some((id) => EVERY_FORMAT_CASES.has(id.toUpperCase()));
  return everyFormat ? [...all] : all.slice(0, 1);
}

/** Add new collectors here, in the order they must run. */
export const COLLECTORS: readonly Collector[] = [probes, replyChainCollector, gatewayCollector];

export function selected(collector: Collector, only: readonly string[]): boolean {
  return only.length === 0 || only.some((id) => collector.cases.has(id.toUpperCase()));
}
