/**
 * Builds one probe message: a short business-like note carrying a correlation
 * token in a header, the subject and the body, so the mailbox side can find it
 * whatever a gateway does to headers (stationery rewrites bodies, some relays
 * rewrite subjects, few drop unknown X- headers).
 */
import { randomBytes } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import type { ProbeFormat } from '../config/schema.ts';
import { solidPng } from './tiny-png.ts';

/** Header carrying the probe token; the mailbox watcher matches on it first. */
export const PROBE_HEADER = 'X-Mailflow-Probe';

export interface BuildProbeOptions {
  from: string;
  to: string;
  /** Sending domain: the right-hand side of the Message-ID. */
  domain: string;
  format: ProbeFormat;
  subjectPrefix: string;
  runId: string;
  clock?: () => Date;
  /** Random part of the token; lowercase letters and digits are kept. */
  random?: () => string;
}

export interface BuiltProbe {
  token: string;
  /** With angle brackets, as in the header: `<token@domain>`. */
  messageId: string;
  subject: string;
  mail: SendMailOptions;
}

const TOPIC: Record<ProbeFormat, string> = {
  text: 'Supplier meeting notes',
  html: 'Quarterly delivery schedule',
  'html-only': 'Updated price list',
  'rich-text': 'Warehouse floor plan',
};

/** One probe of the given format; the same result is reused for every submission attempt. */
export function buildProbe(opts: BuildProbeOptions): BuiltProbe {
  const token = probeToken(opts.runId, opts.random ?? defaultRandom);
  const messageId = `<${token}@${opts.domain}>`;
  const subject = [opts.subjectPrefix.trim(), `${TOPIC[opts.format]} (${opts.format})`, token].filter((s) => s.length > 0).join(' ');
  const mail: SendMailOptions = {
    from: opts.from,
    to: opts.to,
    subject,
    messageId,
    date: (opts.clock ?? (() => new Date()))(),
    headers: { [PROBE_HEADER]: token },
    ...bodies(opts.format, token),
  };
  return { token, messageId, subject, mail };
}

/** `mf-<run>-<random>`: lowercase and URL-safe, so it survives subject folding and case-insensitive search. */
export function probeToken(runId: string, random: () => string): string {
  const run = runId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8) || 'run';
  const rand = random().toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 16) || defaultRandom();
  return `mf-${run}-${rand}`;
}

function defaultRandom(): string {
  return randomBytes(6).toString('hex');
}

function noteLines(token: string): string[] {
  return [
    'Hello,',
    'Please find the figures we discussed on Tuesday below. The team would like your',
    'confirmation by Friday so that orders can be released on time.',
    'Kind regards,',
    'Operations desk',
    `Reference: ${token}`,
  ];
}

function bodies(format: ProbeFormat, token: string): Pick<SendMailOptions, 'text' | 'html' | 'attachments'> {
  const lines = noteLines(token);
  const text = `${lines.join('\r\n')}\r\n`;
  const html = `<html><body>${lines.map((l) => `<p>${l}</p>`).join('\n')}</body></html>\n`;
  switch (format) {
    case 'text':
      return { text };
    case 'html':
      return { text, html };
    case 'html-only':
      return { html };
    case 'rich-text':
      return richText(lines, text, token);
  }
}

/**
 * What Outlook puts on the wire for an RTF message with a picture: Exchange converts
 * the RTF to HTML (marked "converted from rtf"), and sends multipart/alternative with
 * a text part and a multipart/related holding the HTML and the inline image.
 */
function richText(lines: string[], text: string, token: string): Pick<SendMailOptions, 'text' | 'html' | 'attachments'> {
  const cid = `image001.png@${token}`;
  const html = [
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    '<meta name="Generator" content="Microsoft Exchange Server">',
    '<!-- converted from rtf -->',
    '<style><!-- .EmailQuote { margin-left: 1pt; padding-left: 4pt; border-left: #800000 2px solid; } --></style>',
    '</head>',
    '<body>',
    '<font face="Calibri" size="2"><span style="font-size:11pt;">',
    ...lines.map((l) => `<div>${l}</div>`),
    `<div><img src="cid:${cid}" width="16" height="16" alt="logo"></div>`,
    '</span></font>',
    '</body>',
    '</html>',
    '',
  ].join('\r\n');
  const attachments = [{ filename: 'image001.png', content: solidPng(16, [0x1f, 0x4e, 0x79]), contentType: 'image/png', cid, contentDisposition: 'inline' as const }];
  return { text, html, attachments };
}
