/**
 * Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 §9.1) in the
 * wording Gmail's MX uses, built from mailauth's verdicts. Gmail puts its own
 * domain in the comments ("google.com: domain of ... designates ..."); the
 * lab's provider puts its domain there. Like Gmail, no dkim= entry is written
 * when the message carries no signature.
 */
import type { AuthenticateResult, DKIMResult, SPFResult } from 'mailauth';

function spfComment(spf: SPFResult, providerDomain: string): string {
  const sender = spf['envelope-from'] ?? `postmaster@${spf.domain}`;
  const ip = spf['client-ip'];
  switch (spf.status.result) {
    case 'pass':
      return `${providerDomain}: domain of ${sender} designates ${ip} as permitted sender`;
    case 'fail':
      return `${providerDomain}: domain of ${sender} does not designate ${ip} as permitted sender`;
    case 'softfail':
      return `${providerDomain}: domain of transitioning ${sender} does not designate ${ip} as permitted sender`;
    case 'neutral':
      return `${providerDomain}: ${ip} is neither permitted nor denied by domain of ${sender}`;
    case 'none':
      return `${providerDomain}: ${sender} does not designate permitted sender hosts`;
    default:
      return `${providerDomain}: error in processing during lookup of ${sender}`;
  }
}

function dkimEntry(r: DKIMResult): string {
  const header = (r.status.header ?? {}) as Record<string, unknown>;
  const i = typeof header.i === 'string' ? header.i : `@${r.signingDomain ?? ''}`;
  const b = (r.signature ?? '').slice(0, 8);
  const result = r.status.result === 'pass' ? 'pass' : r.status.result === 'neutral' ? 'neutral' : 'fail';
  const comment = result === 'pass' ? '' : ` (${r.status.comment ?? 'signature did not verify'})`;
  return `dkim=${result}${comment} header.i=${i} header.s=${r.selector ?? ''} header.b=${b}`;
}

function dmarcEntry(auth: AuthenticateResult): string | undefined {
  const d = auth.dmarc;
  if (!d) return undefined;
  const upper = (v: string | undefined) => (v ?? 'none').toUpperCase();
  const result = d.status.result === 'pass' ? 'pass' : d.status.result === 'none' ? 'none' : 'fail';
  // dis= is what the receiver did about it: nothing on pass, the policy otherwise.
  const dis = result === 'fail' ? upper(d.policy) : 'NONE';
  const from = d.status.header?.from ?? d.domain;
  return result === 'none'
    ? `dmarc=none header.from=${from}`
    : `dmarc=${result} (p=${upper(d.p)} sp=${upper(d.sp || d.p)} dis=${dis}) header.from=${from}`;
}

/** The Authentication-Results field, folded as Gmail folds it. */
export function authenticationResults(auth: AuthenticateResult, authservId: string, providerDomain: string): string {
  const entries: string[] = auth.dkim.results.filter((r) => r.status.result !== 'none').map(dkimEntry);
  if (auth.spf) {
    const mailfrom = auth.spf['envelope-from'] ?? `postmaster@${auth.spf.domain}`;
    entries.push(`spf=${auth.spf.status.result} (${spfComment(auth.spf, providerDomain)}) smtp.mailfrom=${mailfrom}`);
  }
  const dmarc = dmarcEntry(auth);
  if (dmarc) entries.push(dmarc);
  return `Authentication-Results: ${authservId};\r\n       ${entries.join(';\r\n       ')}`;
}

/** The Received-SPF field in Gmail's short form. */
export function receivedSpf(auth: AuthenticateResult, providerDomain: string): string | undefined {
  if (!auth.spf) return undefined;
  return `Received-SPF: ${auth.spf.status.result} (${spfComment(auth.spf, providerDomain)}) client-ip=${auth.spf['client-ip']};`;
}

/** True when DMARC failed for a domain whose policy asks receivers to reject (RFC 7489 §6.3). */
export function dmarcRejects(auth: AuthenticateResult): boolean {
  return auth.dmarc !== false && auth.dmarc.status.result === 'fail' && auth.dmarc.policy === 'reject';
}
