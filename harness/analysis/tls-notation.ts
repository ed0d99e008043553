/**
 * Whether one Received hop was encrypted, read from the many ways real MTAs
 * write it. Two kinds of evidence, strongest first:
 *
 * 1. An explicit TLS comment naming protocol and cipher. Each MTA has its own
 *    wording (below); when one is present it decides, whatever the `with`
 *    keyword says (Mimecast writes `with ESMTP with STARTTLS (version=...)`).
 * 2. The `with` protocol keyword. RFC 3848 registers ESMTPS/ESMTPSA/LMTPS/
 *    LMTPSA (and RFC 6531 the UTF8SMTPS forms) for "TLS was used", and
 *    ESMTP/ESMTPA/SMTP/LMTP/LMTPA for the same without TLS. A receiver that
 *    uses this vocabulary states TLS when it has it, so `with ESMTP` and
 *    nothing else means 'no'. Microsoft's `with Microsoft SMTP Server` is the
 *    same kind of statement: Exchange adds `(TLS)` or `(version=...)` when it
 *    negotiated TLS, so its absence means 'no'.
 *
 * Anything else (no `with` clause, `with mapi`, `with LMTP`-like words we do
 * not know, free text) is 'unknown': we could not tell, so no case may PASS
 * or FAIL on it alone.
 */

export type TlsState = 'yes' | 'no' | 'unknown';

export interface TlsFinding {
  tls: TlsState;
  /** Normalised protocol version: TLSv1.3, TLSv1.2, TLSv1.1, TLSv1, SSLv3 ... */
  tlsVersion?: string;
  cipher?: string;
  /** Which notation decided: gmail, sendmail, microsoft, mimecast, postfix, exim, ironport, rfc3848 ... */
  tlsNotation?: string;
}

/** RFC 3848 §1 / RFC 6531 §3.7.3 protocol types that assert TLS. */
const TLS_PROTOCOLS = new Set(['esmtps', 'esmtpsa', 'lmtps', 'lmtpsa', 'utf8smtps', 'utf8smtpsa', 'utf8lmtps', 'utf8lmtpsa']);
/** The same registry's types that assert the absence of TLS. */
const PLAIN_PROTOCOLS = new Set(['smtp', 'esmtp', 'esmtpa', 'lmtp', 'lmtpa', 'utf8smtp', 'utf8smtpa', 'utf8lmtp', 'utf8lmtpa']);

/** Characters of a Received value we look at; real ones are a few hundred. */
const MAX_SCAN = 4096;

/** `TLS1_3`, `TLS1.3`, `TLSv1.3`, `tlsv1.3` → `TLSv1.3`; `TLSv1/SSLv3` kept as written. */
export function normaliseTlsVersion(raw: string): string {
  const m = /^(TLS|SSL)v?(\d)(?:[._](\d))?$/i.exec(raw.trim());
  if (!m) return raw.trim();
  const proto = (m[1] ?? '').toUpperCase();
  return m[3] === undefined || (proto === 'TLS' && m[2] === '1' && m[3] === '0') ? `${proto}v${m[2]}` : `${proto}v${m[2]}.${m[3]}`;
}

type Detector = (v: string) => TlsFinding | undefined;

// Gmail `(version=TLS1_3 cipher=... bits=256/256)`, sendmail/Proofpoint
// `(version=TLSv1.2 cipher=... bits=256 verify=NOT)` (sendmail's Received
// template, ${tls_version}/${cipher}/${verify} macros), Microsoft
// `(version=TLS1_2, cipher=...)` and Mimecast `with STARTTLS (version=..., cipher=...)`.
const versionCipher: Detector = (v) => {
  const m = /\(\s*version=([^\s,;()]+)[\s,]+cipher=([^\s,;()]+)([^)]*)\)/i.exec(v);
  if (!m) return undefined;
  const rest = m[3] ?? '';
  let notation = 'gmail';
  if (/Microsoft SMTP/i.test(v)) notation = 'microsoft';
  else if (/with\s+STARTTLS/i.test(v)) notation = 'mimecast';
  else if (/verify=/i.test(rest)) notation = 'sendmail';
  return { tls: 'yes', tlsVersion: normaliseTlsVersion(m[1] ?? ''), cipher: m[2] ?? '', tlsNotation: notation };
};

// Postfix smtpd_tls_received_header: `(using TLSv1.3 with cipher X (256/256 bits) ...)`;
// Postini wrote the short `(using TLSv1)`.
const postfix: Detector = (v) => {
  const m = /\(\s*using\s+((?:TLS|SSL)v?[\d._]*)(?:\s+with\s+cipher\s+([^\s()]+))?/i.exec(v);
  if (!m) return undefined;
  const f: TlsFinding = { tls: 'yes', tlsVersion: normaliseTlsVersion(m[1] ?? ''), tlsNotation: 'postfix' };
  if (m[2]) f.cipher = m[2];
  return f;
};

// Exim 4.92+: `with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384`; older Exim put
// `protocol:cipher:bits` in the comment: `with esmtps (TLS1.0:RSA_AES_256_CBC_SHA1:32)`
// (GnuTLS) or `(TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)` (OpenSSL).
const exim: Detector = (v) => {
  const modern = /with\s+[a-z0-9]+\s+\(\s*((?:TLS|SSL)v?[\d._]+)\s*\)\s+tls\s+([A-Za-z0-9_-]+)/i.exec(v);
  if (modern) return { tls: 'yes', tlsVersion: normaliseTlsVersion(modern[1] ?? ''), cipher: modern[2] ?? '', tlsNotation: 'exim' };
  const legacy = /with\s+[a-z0-9]+\s+\(\s*((?:TLS|SSL)v?[\d._]+):([A-Za-z0-9_-]+)(?::\d+)?\s*\)/i.exec(v);
  if (legacy) return { tls: 'yes', tlsVersion: normaliseTlsVersion(legacy[1] ?? ''), cipher: legacy[2] ?? '', tlsNotation: 'exim' };
  return undefined;
};

// Exchange 2013+ without version details: `with Microsoft SMTP Server (TLS) id 15.0...`.
const microsoftBare: Detector = (v) =>
  /with\s+Microsoft\s+SMTP\s+Server\s+\(\s*TLS\s*\)/i.test(v) ? { tls: 'yes', tlsNotation: 'microsoft' } : undefined;

// Cisco IronPort: `with ESMTP/TLS/AES128-SHA`.
const ironport: Detector = (v) => {
  const m = /with\s+E?SMTPS?A?\/TLS\/([A-Za-z0-9_-]+)/i.exec(v);
  return m ? { tls: 'yes', cipher: m[1] ?? '', tlsNotation: 'ironport' } : undefined;
};

// Google between its own hosts: `with SMTPS id ... (Google Transport Security)`.
const googleInternal: Detector = (v) =>
  /\(Google Transport Security\)/i.test(v) ? { tls: 'yes', tlsNotation: 'google-transport-security' } : undefined;

const DETECTORS: readonly Detector[] = [versionCipher, postfix, exim, microsoftBare, ironport, googleInternal];

/**
 * Decides TLS for one Received value. `withProtocol` is the parsed `with`
 * clause (first word, or "Microsoft SMTP Server"); pass it when known so the
 * RFC 3848 fallback does not have to re-parse.
 */
export function detectTls(value: string, withProtocol?: string): TlsFinding {
  const v = value.length > MAX_SCAN ? value.slice(0, MAX_SCAN) : value;
  for (const detect of DETECTORS) {
    const found = detect(v);
    if (found) return found;
  }
  const proto = (withProtocol ?? /\bwith\s+([^\s;()]+)/i.exec(v)?.[1] ?? '').trim();
  if (!proto) return { tls: 'unknown' };
  if (/^Microsoft\b/i.test(proto)) return { tls: 'no', tlsNotation: 'microsoft' };
  const word = proto.split(/\s+/)[0]?.toLowerCase() ?? '';
  // SMTPS: Google's label for its internal encrypted transport, never "plain".
  if (TLS_PROTOCOLS.has(word) || word === 'smtps') return { tls: 'yes', tlsNotation: 'rfc3848' };
  if (PLAIN_PROTOCOLS.has(word)) return { tls: 'no', tlsNotation: 'rfc3848' };
  return { tls: 'unknown' };
}
