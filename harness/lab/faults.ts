/**
 * The lab's named faults. Each stands for a real misconfiguration or network
 * fault seen during gateway cutovers, and must make exactly the plan cases
 * that concern it fail (or, when transient, be ridden out). To add one: add an
 * entry here, then test `faults.has('name')` where the behaviour changes.
 */
import { MailflowError } from '../errors.ts';

export const LAB_FAULTS = {
  'no-tls-in': 'The customer MTA relays to the gateway without STARTTLS (TLS not enforced on the send connector).',
  'no-tls-out': 'The gateway delivers to recipient servers without STARTTLS (no secure delivery policy).',
  'no-dkim': 'The gateway does not DKIM-sign outbound mail (no DNS authentication definition applied).',
  'spf-missing-gateway': "The internal domains' SPF records lack the gateway's include, so SPF fails for the gateway's delivery IP.",
  'gateway-rejects': "The gateway refuses relay from the customer's MTA with a 5xx (its outbound address is not authorized).",
  'delivery-fails': 'The recipient MTA refuses the recipient with 550 5.1.1, so the gateway returns a DSN.',
  'smtp-tempfail': 'The submission server answers 451 4.3.0 to the first submission of each Message-ID and accepts the retry.',
  'imap-drop': "The external mailbox's IMAP server cuts the connection the first time a client enters IDLE, shortly after.",
  'no-stationery': 'The gateway applies no stationery: no layout is assigned to outbound mail (no stationery policy).',
  'no-html-stationery': 'The layout has no HTML version: the gateway stamps text/plain parts only, HTML parts go out bare.',
  'stationery-repeat': "The gateway ignores the layout's unique identification text and stamps every outbound message again, replies included.",
  'open-relay': 'The gateway accepts mail for external recipients from any address (an open relay).',
  'authorized-ip-missing': "One of the customer's MTA addresses (the standby server) is missing from the gateway's authorized outbound list.",
  'internal-domain-missing': "A sending domain was never registered as an internal domain on the gateway, so it refuses that domain's mail as relay.",
  'spf-not-first': "The SPF record lists the customer's own address before the gateway's include.",
  'spf-too-many-lookups': "The SPF record pulls in nested SaaS includes: the whole tree needs more than RFC 7208's 10 DNS lookups.",
  'dkim-dns-mismatch': "The DKIM key published in DNS is not the gateway definition's key (a stale record), so signatures fail.",
  'no-dkim-policy': 'The DKIM definition exists but its DNS authentication policy is disabled, so nothing is signed.',
  'no-auto-allow': 'No auto allow policy: outbound mail creates no managed-sender entries, and replies are not auto-allowed.',
  'log-disagrees': "The gateway's message log records the outbound delivery as not encrypted while the delivered message's headers show TLS (the two sources disagree).",
  'api-ratelimit': "The gateway's API refuses every third call with 429 and a reset time (transient).",
  'api-bad-credentials': "The gateway's API refuses the configured client secret (rotated on the gateway, stale in the harness).",
} as const satisfies Record<string, string>;

export type FaultName = keyof typeof LAB_FAULTS;

/** The set of active faults; components ask `has(name)`. */
export type FaultSet = ReadonlySet<FaultName>;

export const FAULT_NAMES = Object.keys(LAB_FAULTS) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(LAB_FAULTS, name);
}

/** Validates fault names (trimmed, duplicates ignored); unknown names are a usage error listing the known ones. */
export function parseFaults(names: readonly string[]): FaultSet {
  const cleaned = names.map((n) => n.trim()).filter((n) => n !== '');
  const unknown = cleaned.filter((n) => !isFaultName(n));
  if (unknown.length > 0) {
    throw new MailflowError('EUSAGE', `unknown lab fault${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known faults: ${FAULT_NAMES.join(', ')}`, {
      path: '--lab-fault',
      expected: FAULT_NAMES.join(' | '),
    });
  }
  return new Set(cleaned.filter(isFaultName));
}
