/** What the global setup hands every plan test file (through vitest's provide/inject). */
import type { Config } from '../config/schema.ts';
import type { GatewaySnapshot } from '../gateway/snapshot.ts';
import type { ProbeRecord, ReplyChainRecord } from './probe-types.ts';

export interface PlanContext {
  runId: string;
  runDir: string;
  /** 'lab' or the config file. */
  target: string;
  config: Config;
  probes: ProbeRecord[];
  /** MAN15's reply chains (filled by the reply-chain collector); [] when not collected. */
  replyChains: ReplyChainRecord[];
  labFaults: string[];
  only: string[];
  /** What the gateway collector read (API, relay attempt, attestations); absent when it did not run. */
  gateway?: GatewaySnapshot;
}

declare module 'vitest' {
  interface ProvidedContext {
    mailflow: PlanContext;
  }
}

/** The probes of one domain, in the configured format order. */
export function probesFor(plan: PlanContext, domain: string): ProbeRecord[] {
  return plan.probes.filter((p) => p.domain === domain);
}

/** The probe a per-domain case reads: the domain's first configured format. */
export function primaryProbe(plan: PlanContext, domain: string): ProbeRecord | undefined {
  return probesFor(plan, domain)[0];
}
