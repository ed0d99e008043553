/**
 * Which Received hops belong to the gateway leg. The plan needs two of them:
 * the gateway receiving from the customer's MTA (MAN10, TLS to the gateway)
 * and the recipient receiving from the gateway (MAN11, TLS from the gateway).
 */
import type { Hop } from './received-chain.ts';

export interface GatewayHops {
  /** Oldest hop stamped `by` a gateway host: the gateway accepting from the customer's MTA. */
  toGateway?: Hop;
  /**
   * Hop whose client is a gateway host and whose receiver is not: the
   * recipient accepting from the gateway. Only hops newer than toGateway
   * count, the nearest to it first: a forged Received below the gateway's own
   * (anything the sender wrote before the gateway saw it) can never stand in
   * for the recipient's hop.
   */
  fromGateway?: Hop;
  /** Every hop that names a gateway host as receiver or client, newest first. */
  gatewayHops: Hop[];
}

/** Compiles host patterns case-insensitively; an invalid one is skipped (config validates them). */
export function compileHostPatterns(patterns: readonly string[]): RegExp[] {
  const out: RegExp[] = [];
  for (const p of patterns.slice(0, 64)) {
    try {
      out.push(new RegExp(p, 'i'));
    } catch {
      // Not ours to report: harness/config/schema.ts rejects invalid patterns with a path.
    }
  }
  return out;
}

/** True when host is non-empty and any pattern matches it. */
export function matchesHost(host: string | undefined, patterns: readonly RegExp[]): boolean {
  if (!host) return false;
  const h = host.slice(0, 255);
  return patterns.some((re) => re.test(h));
}

/** Names a hop's client is known by: the PTR name and the HELO name. */
function clientNames(hop: Hop): string[] {
  return [hop.fromHost, hop.fromHelo].filter((n): n is string => Boolean(n));
}

/** Classifies the chain (newest first, as receivedChain returns it) against gateway host patterns. */
export function findGatewayHops(hops: readonly Hop[], gatewayPatterns: readonly string[]): GatewayHops {
  const patterns = compileHostPatterns(gatewayPatterns);
  const result: GatewayHops = { gatewayHops: [] };
  if (patterns.length === 0) return result;
  const isBy = (h: Hop) => matchesHost(h.by, patterns);
  const isFrom = (h: Hop) => clientNames(h).some((n) => matchesHost(n, patterns));
  result.gatewayHops = hops.filter((h) => isBy(h) || isFrom(h));
  // Chain is newest first: the last hop stamped by the gateway is its oldest, where it accepted from the customer.
  const toGateway = result.gatewayHops.filter(isBy).at(-1);
  if (toGateway) result.toGateway = toGateway;
  // Above (newer than) toGateway only; the nearest to it, or without one the newest, as only newer stamps are out of the sender's reach.
  const candidates = hops.filter((h) => isFrom(h) && !isBy(h) && (toGateway === undefined || h.index < toGateway.index));
  const fromGateway = toGateway ? candidates.at(-1) : candidates[0];
  if (fromGateway) result.fromGateway = fromGateway;
  return result;
}

/**
 * Large providers stamp hops under several domains; counting them as one
 * organisation keeps the heuristic below from stopping inside the provider.
 */
const PROVIDER_FAMILIES: Record<string, string> = {
  'office365.com': 'outlook.com',
  'microsoft.com': 'outlook.com',
  'gmail.com': 'google.com',
  'googlemail.com': 'google.com',
  '1e100.net': 'google.com',
};

/** Last two labels of a host name, folded into its provider family: the heuristic's "organisation". */
export function orgDomain(host: string | undefined): string {
  const two = (host ?? '').toLowerCase().replace(/\.$/, '').split('.').filter(Boolean).slice(-2).join('.');
  return PROVIDER_FAMILIES[two] ?? two;
}

/**
 * How many hops from the top were stamped inside the newest receiver's
 * organisation (no gateway patterns needed). A heuristic for the analyze
 * command and for lab-free use: the recipient's own hops share its domain,
 * as mx.google.com's or *.outlook.com's do. 0 when the top hop names no receiver.
 */
export function recipientSideLength(hops: readonly Hop[]): number {
  const top = orgDomain(hops[0]?.by);
  if (!top) return 0;
  const firstForeign = hops.findIndex((h) => orgDomain(h.by) !== top);
  return firstForeign < 0 ? hops.length : firstForeign;
}
