/**
 * Independent re-verification of a delivered message with mailauth: we do not
 * take the recipient's word for SPF/DKIM/DMARC, we check the same message
 * against the same DNS ourselves (DESIGN.md "Evidence ... strongest first").
 *
 * DKIM runs on the message exactly as delivered: any re-encoding (line
 * endings, charset, transfer encoding) would break "simple" body
 * canonicalization (RFC 6376 §3.4.3) and report a false failure. SPF needs
 * the address the recipient saw the gateway connect from; without one the
 * SPF result is left out instead of being guessed (RFC 7208 §2.4).
 */
import { authenticate, type AuthenticateOptions, type DNSResolver } from 'mailauth';
import type { Resolver } from '../dns/resolver.ts';
import { errorMessage } from '../errors.ts';

export interface Reverification {
  spf?: { result: string; domain?: string; comment?: string };
  dkim: { domain: string; selector?: string; result: string; aligned?: boolean; comment?: string; keyBits?: number }[];
  dmarc?: { result: string; policy?: string; domain?: string };
  arc?: { result: string };
  /** Set when mailauth itself failed; the other fields are then empty. */
  error?: string;
}

export interface ReverifyOptions {
  resolver: Resolver;
  /** Client address of the recipient's own hop from the gateway. */
  ip?: string;
  helo?: string;
  /** Envelope sender (MAIL FROM); mailauth falls back to Return-Path. */
  mailFrom?: string;
  /** Our authserv-id in mailauth's output; defaults to "mailflow.reverify". */
  mta?: string;
}

type AuthOutcome = Awaited<ReturnType<typeof authenticate>>;

function dkimRows(outcome: AuthOutcome): Reverification['dkim'] {
  return (outcome.dkim.results ?? []).slice(0, 32).map((row) => {
    const out: Reverification['dkim'][number] = { domain: row.signingDomain ?? '', result: row.status.result };
    if (row.selector) out.selector = row.selector;
    if (row.status.aligned !== undefined) out.aligned = Boolean(row.status.aligned);
    if (row.status.comment) out.comment = row.status.comment;
    // modulusLength is set on the row by mailauth's verifier (not in its .d.ts).
    const bits = (row as { modulusLength?: unknown }).modulusLength;
    if (typeof bits === 'number') out.keyBits = bits;
    return out;
  });
}

function toReverification(outcome: AuthOutcome, withSpf: boolean): Reverification {
  const out: Reverification = { dkim: dkimRows(outcome) };
  if (withSpf && outcome.spf) {
    out.spf = { result: outcome.spf.status.result };
    if (outcome.spf.domain) out.spf.domain = outcome.spf.domain;
    if (outcome.spf.status.comment) out.spf.comment = outcome.spf.status.comment;
  }
  if (outcome.dmarc) {
    out.dmarc = { result: outcome.dmarc.status.result };
    if (outcome.dmarc.policy) out.dmarc.policy = outcome.dmarc.policy;
    const from = outcome.dmarc.status.header?.from;
    if (from) out.dmarc.domain = from;
  }
  if (outcome.arc) out.arc = { result: outcome.arc.status.result };
  return out;
}

/** Re-verifies SPF (when ip is known), DKIM, DMARC and ARC of raw. Failures of mailauth itself come back in `error`. */
export async function reverify(raw: string | Uint8Array, opts: ReverifyOptions): Promise<Reverification> {
  const options: AuthenticateOptions = {
    resolver: opts.resolver as DNSResolver,
    mta: opts.mta ?? 'mailflow.reverify',
    disableBimi: true,
    trustReceived: false,
  };
  // Without a client address mailauth still runs SPF (on no IP, never a pass,
  // so DMARC rests on DKIM alone); its SPF result is then dropped, not reported.
  if (opts.ip) options.ip = opts.ip;
  if (opts.helo) options.helo = opts.helo;
  if (opts.mailFrom) options.sender = opts.mailFrom;
  try {
    const input = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
    const outcome = await authenticate(input, options);
    return toReverification(outcome, Boolean(opts.ip));
  } catch (e) {
    return { dkim: [], error: `mailauth failed: ${errorMessage(e)}` };
  }
}
