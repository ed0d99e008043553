/**
 * What the recipient's provider concluded about SPF and DKIM (its own
 * Authentication-Results only, RFC 8601 §5) and our independent
 * re-verification of the same message, shared by MAN12 and MAN13.
 */
import { trustedAuthenticationResults } from '../analysis/authentication-results.ts';
import { reverify, type Reverification } from '../analysis/reverify.ts';
import { createResolver } from '../dns/resolver.ts';
import { errorMessage } from '../errors.ts';
import type { Evidence } from '../report/model.ts';
import type { PlanContext } from './plan-context.ts';
import { gatewayHops } from './probe-evidence.ts';

export type AuthResult = { method: string; result: string; reason?: string; comment?: string; props: Record<string, string> };

export interface RecipientAuth {
  /** The recipient's own results, newest first. */
  results: AuthResult[];
  headerLines: string[];
  reverification?: Reverification;
  reverifyError?: string;
  evidence: Evidence[];
}

/**
 * Relaxed alignment (RFC 7489 §3.1): the authenticated domain and the sending
 * domain share an organisational domain. Without a public-suffix list we
 * accept equality or one being a subdomain of the other.
 */
export function aligned(authenticated: string | undefined, domain: string): boolean {
  if (!authenticated) return false;
  const a = authenticated.toLowerCase().replace(/^@/, '').replace(/^.*@/, '');
  const d = domain.toLowerCase();
  return a === d || a.endsWith(`.${d}`) || d.endsWith(`.${a}`);
}

/**
 * The recipient's verdicts and our own. `source` is the message byte for byte
 * (re-verification hashes the body, RFC 6376 §3.7); without it the UTF-8 text
 * is used, which is the same for the 7-bit messages nodemailer sends.
 */
export async function recipientAuth(plan: PlanContext, raw: string, source?: Uint8Array): Promise<RecipientAuth> {
  const trusted = trustedAuthenticationResults(raw, plan.config.recipient.authservIds, plan.config.gateway.hopPatterns);
  const results = trusted.flatMap((h) => h.results);
  const headerLines = trusted.map((h) => `Authentication-Results: ${h.raw}`);
  const { fromGateway } = gatewayHops(plan, raw);
  const out: RecipientAuth = { results, headerLines, evidence: [] };
  const envelopeFrom = mailFrom(raw);
  try {
    const ours = await reverify(source ?? raw, {
      resolver: createResolver(plan.config.dns.servers),
      ...(fromGateway?.fromIp ? { ip: fromGateway.fromIp } : {}),
      ...(fromGateway?.fromHelo ? { helo: fromGateway.fromHelo } : {}),
      ...(envelopeFrom ? { mailFrom: envelopeFrom } : {}),
    });
    // reverify reports mailauth's own failure in `error` rather than throwing: that is "unavailable", not a result.
    if (ours.error !== undefined) out.reverifyError = ours.error;
    else out.reverification = ours;
  } catch (err) {
    out.reverifyError = errorMessage(err);
  }
  out.evidence.push({ kind: 'header', label: `Authentication-Results from ${plan.config.recipient.authservIds.join(', ')}`, lines: headerLines });
  out.evidence.push(
    out.reverification
      ? { kind: 'verifier', label: 'Independent re-verification (mailauth)', data: out.reverification }
      : { kind: 'text', label: 'Independent re-verification', text: `not available: ${out.reverifyError ?? 'unknown'}` },
  );
  return out;
}

/** Envelope sender as the recipient recorded it (Return-Path, RFC 5321 §4.4). */
function mailFrom(raw: string): string | undefined {
  const head = raw.slice(0, 65536).split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = /^Return-Path:\s*<([^>]*)>/im.exec(head);
  return m?.[1] || undefined;
}

/** Results of a re-verification that say it could not decide (RFC 8601 §2.7.1 temperror; mailauth's own error). */
export function undecided(result: string | undefined): boolean {
  return result === 'temperror' || result === 'error';
}
