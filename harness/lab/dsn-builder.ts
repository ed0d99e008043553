/**
 * Non-delivery reports as RFC 3464 delivery status notifications: a
 * multipart/report (RFC 6522) with a human-readable part, a
 * message/delivery-status part and the returned message's header
 * (text/rfc822-headers, the RET=HDRS form most MTAs use by default).
 */
import { randomToken, rfc5322Date, splitMessage } from './message-util.ts';

export interface DsnRecipient {
  recipient: string;
  /** The remote server's full reply, e.g. "550 5.7.1 Relay denied". */
  reply: string;
  /** Host that gave the reply, when there was one (RFC 3464 §2.3.5). */
  remoteMta?: string;
}

export interface DsnInput {
  /** Host name of the MTA writing the report (Reporting-MTA, RFC 3464 §2.2.2). */
  reportingMta: string;
  /** Address the report goes to: the original envelope sender. */
  to: string;
  /** When the reporting MTA accepted the original message. */
  arrivalDate: Date;
  recipients: readonly DsnRecipient[];
  /** The original message; only its header is returned. */
  original: Buffer;
  /** Subject of the report; the original subject is appended. */
  subjectPrefix?: string;
  date?: Date;
}

/**
 * Status code of a reply (RFC 3463): the enhanced code when the server gave
 * one, otherwise the class of the basic code with unspecified detail.
 */
export function statusOf(reply: string): string {
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply.trim());
  if (enhanced?.[1]) return enhanced[1];
  const basic = /^([245])\d\d/.exec(reply.trim());
  return `${basic?.[1] ?? '5'}.0.0`;
}

function humanPart(input: DsnInput): string {
  const lines = [
    `This is the mail system at host ${input.reportingMta}.`,
    '',
    'Your message could not be delivered to one or more recipients.',
    'The remote server\'s reply for each of them is listed below.',
    '',
  ];
  for (const r of input.recipients) lines.push(`<${r.recipient}>: ${r.remoteMta ? `host ${r.remoteMta} said: ` : ''}${r.reply}`);
  return lines.join('\r\n');
}

function statusPart(input: DsnInput): string {
  // Per-message fields, a blank line, then one block of per-recipient fields each (RFC 3464 §2.1).
  const blocks = [`Reporting-MTA: dns; ${input.reportingMta}\r\nArrival-Date: ${rfc5322Date(input.arrivalDate)}`];
  for (const r of input.recipients) {
    const fields = [`Final-Recipient: rfc822; ${r.recipient}`, 'Action: failed', `Status: ${statusOf(r.reply)}`];
    if (r.remoteMta) fields.push(`Remote-MTA: dns; ${r.remoteMta}`);
    fields.push(`Diagnostic-Code: smtp; ${r.reply.replace(/\r?\n/g, ' ')}`);
    blocks.push(fields.join('\r\n'));
  }
  return blocks.join('\r\n\r\n');
}

function originalSubject(header: string): string {
  const m = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(header);
  return m?.[1]?.replace(/\r?\n[ \t]/g, ' ').trim() ?? '';
}

/** Builds the complete report message (CRLF line ends), from MAILER-DAEMON of the reporting MTA. */
export function buildDsn(input: DsnInput): string {
  const boundary = `=_dsn_${randomToken(9)}`;
  const { header } = splitMessage(input.original);
  const subject = originalSubject(header);
  const prefix = input.subjectPrefix ?? 'Undelivered Mail Returned to Sender';
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.to}>`,
    `Subject: ${prefix}${subject ? `: ${subject}` : ''}`,
    `Date: ${rfc5322Date(input.date ?? new Date())}`,
    `Message-ID: <${randomToken(12)}@${input.reportingMta}>`,
    // RFC 3834 §5: a report is an automatic response; nothing should answer it.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
  ];
  const parts = [
    `Content-Type: text/plain; charset=us-ascii\r\nContent-Description: Notification\r\n\r\n${humanPart(input)}\r\n`,
    `Content-Type: message/delivery-status\r\nContent-Description: Delivery report\r\n\r\n${statusPart(input)}\r\n`,
    `Content-Type: text/rfc822-headers\r\nContent-Description: Undelivered message headers\r\n\r\n${header.replace(/\r?\n/g, '\r\n')}`,
  ];
  const body = parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n') + `\r\n--${boundary}--\r\n`;
  return `${head.join('\r\n')}\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n${body}`;
}
