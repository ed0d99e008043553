/**
 * Trace fields in the notation each real system uses, so the harness's
 * Received-chain parser meets in the lab what it meets in production:
 * Exchange ("with Microsoft SMTP Server (version=TLS1_2, cipher=...)"),
 * Mimecast ("with ESMTP with STARTTLS (version=TLSv1.3, cipher=...) id
 * <region>-mta-<n>-<id>-1"), and Gmail's MX ("with ESMTPS id ... for <rcpt>
 * (version=TLS1_3 cipher=... bits=256/256)"). RFC 5321 §4.4 defines the
 * fields; the parenthesised TLS notes are each vendor's own.
 */
import { rfc5322Date, type TlsInfo } from './message-util.ts';

/** "TLSv1.3" -> "TLS1_3", the spelling Exchange and Gmail use. */
export function underscoreTlsVersion(version: string): string {
  return version.replace(/^TLSv/, 'TLS').replace('.', '_');
}

/** Key bits of a cipher suite name (Gmail prints them as bits=N/N). */
export function cipherBits(cipher: string): number {
  if (/AES_?128|AES128/i.test(cipher)) return 128;
  if (/AES_?256|AES256|CHACHA20/i.test(cipher)) return 256;
  return 0;
}

export interface ExchangeStampInput {
  helo: string;
  clientIp: string;
  byHost: string;
  byIp: string;
  tls: TlsInfo;
  /** Submission through the Frontend Transport service (client submission, port 587). */
  frontend: boolean;
  date: Date;
}

/** Exchange 2019 (build 15.2) receive-connector stamp. */
export function exchangeReceived(i: ExchangeStampInput): string {
  const tls = i.tls ? ` (version=${underscoreTlsVersion(i.tls.version)}, cipher=${i.tls.cipher})` : '';
  const via = i.frontend ? ' via Frontend Transport' : '';
  return `Received: from ${i.helo} (${i.clientIp}) by ${i.byHost}\r\n (${i.byIp}) with Microsoft SMTP Server${tls} id 15.2.1544.4${via};\r\n ${rfc5322Date(i.date)}`;
}

export interface MimecastStampInput {
  helo: string;
  /** Reverse-DNS name of the client, or undefined when there is none. */
  ptr: string | undefined;
  clientIp: string;
  byHost: string;
  tls: TlsInfo;
  /** Queue id, e.g. "eu-mta-12-AbCdEfGhIjKlMnOpQrStUv-1"; also carried in X-MC-Unique. */
  id: string;
  date: Date;
}

/** Mimecast's receipt stamp; the `by` name is the same whatever node took the message. */
export function mimecastReceived(i: MimecastStampInput): string {
  const method = i.tls ? `ESMTP with STARTTLS\r\n (version=${i.tls.version}, cipher=${i.tls.cipher})` : 'ESMTP';
  return `Received: from ${i.helo} (${i.ptr ?? 'unknown'} [${i.clientIp}]) by ${i.byHost} with ${method} id\r\n ${i.id}; ${rfc5322Date(i.date)}`;
}

export interface GmailStampInput {
  helo: string;
  ptr: string | undefined;
  clientIp: string;
  byHost: string;
  tls: TlsInfo;
  id: string;
  /** Envelope recipient; Gmail names it when the transaction has one. */
  recipient: string | undefined;
  /** Authenticated submission (ESMTPSA) rather than MX receipt. */
  authenticated?: boolean;
  date: Date;
}

/** Gmail-style stamp: ESMTPS/ESMTPSA when encrypted (RFC 3848), ESMTP otherwise. */
export function gmailReceived(i: GmailStampInput): string {
  const proto = `ESMTP${i.tls ? 'S' : ''}${i.authenticated ? 'A' : ''}`;
  // Gmail prints the PTR name fully qualified, with its trailing dot.
  const from = `${i.helo} (${i.ptr ? `${i.ptr}.` : 'unknown'} [${i.clientIp}])`;
  const lines = [`Received: from ${from}`, `        by ${i.byHost} with ${proto} id ${i.id}`];
  if (i.recipient) lines.push(`        for <${i.recipient}>`);
  if (i.tls) {
    const bits = cipherBits(i.tls.cipher);
    lines.push(`        (version=${underscoreTlsVersion(i.tls.version)} cipher=${i.tls.cipher} bits=${bits}/${bits});`);
  } else {
    const last = lines.length - 1;
    lines[last] = `${lines[last] ?? ''};`;
  }
  lines.push(`        ${rfc5322Date(i.date)}`);
  return lines.join('\r\n');
}
