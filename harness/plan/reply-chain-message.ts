/**
 * The replies of MAN15's conversation, quoting the message as it was
 * delivered (stationery and all), in the shapes real clients send: Gmail for
 * the external user (multipart/alternative, "> " quoting in text, a
 * gmail_quote blockquote in HTML), Outlook for the internal user (a reply
 * header, then the original unindented; rich text as HTML converted from RTF
 * with an inline image), and a plain-text client for the text format.
 * Threading follows RFC 5322 §3.6.4: In-Reply-To the parent's Message-ID,
 * References the parent's References plus its Message-ID.
 */
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import { renderHtml } from '../analysis/html-text.ts';
import { binaryString, decodeText, fieldValue, isVisibleBodyPart, mimeLeaves } from '../analysis/mime-parts.ts';
import type { ProbeFormat } from '../config/schema.ts';
import { PROBE_HEADER } from '../transport/probe-message.ts';
import { solidPng } from '../transport/tiny-png.ts';

export type ReplyStyle = 'gmail' | 'outlook' | 'plain';

/** What a reply needs from the message it answers. */
export interface ParentMessage {
  messageId?: string;
  references: string[];
  subject: string;
  from: string;
  to: string;
  date: string;
  text?: string;
  html?: string;
}

/** Message-IDs in a header value: "<a@b> <c@d>" (RFC 5322 §3.6.4 msg-id). */
export function msgIds(value: string | undefined): string[] {
  return value?.match(/<[^<>\s]+>/g) ?? [];
}

/** Reads the fields and the first text and HTML bodies of a delivered message. */
export function parseParent(raw: string): ParentMessage {
  const src = binaryString(raw);
  const leaves = mimeLeaves(src);
  const end = /\r?\n\r?\n/.exec(src);
  const header = end ? src.slice(0, end.index + 1) : src;
  const field = (name: string) => fieldValue(header, name);
  const visible = leaves.filter(isVisibleBodyPart);
  const text = visible.find((l) => l.contentType === 'text/plain');
  const html = visible.find((l) => l.contentType === 'text/html');
  const parent: ParentMessage = {
    references: msgIds(field('references')),
    subject: field('subject') ?? '',
    from: field('from') ?? '',
    to: field('to') ?? '',
    date: field('date') ?? '',
  };
  const id = msgIds(field('message-id'))[0];
  if (id !== undefined) parent.messageId = id;
  if (text) parent.text = decodeText(src, text);
  if (html) parent.html = decodeText(src, html);
  return parent;
}

export interface ReplyOptions {
  style: ReplyStyle;
  /** Which body parts the reply carries (Gmail always sends text and HTML). */
  format: ProbeFormat;
  from: string;
  to: string;
  token: string;
  /** The reply's own words. */
  lines: string[];
  parent: ParentMessage;
  clock?: () => Date;
}

export interface BuiltReply {
  token: string;
  messageId: string;
  subject: string;
  mail: SendMailOptions;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function bodyInner(html: string): string {
  const open = /<body[^>]*>/i.exec(html);
  const start = open ? open.index + open[0].length : 0;
  const close = html.toLowerCase().lastIndexOf('</body');
  return html.slice(start, close > start ? close : html.length);
}

function parentText(p: ParentMessage): string {
  return p.text ?? (p.html ? renderHtml(p.html).lines.map((l) => l.text).join('\r\n') : '');
}

function parentHtml(p: ParentMessage): string {
  return p.html ? bodyInner(p.html) : `<div>${escapeHtml(parentText(p)).replace(/\r?\n/g, '<br>\r\n')}</div>`;
}

/** "> " before every line, ">" alone on empty ones, as Gmail and Thunderbird quote. */
function quoteLines(text: string): string[] {
  return text.replace(/(?:\r?\n)+$/, '').split(/\r?\n/).map((l) => (l === '' ? '>' : l.startsWith('>') ? `>${l}` : `> ${l}`));
}

function gmailBodies(o: ReplyOptions): Pick<SendMailOptions, 'text' | 'html'> {
  const attribution = `On ${o.parent.date}, ${o.parent.from} wrote:`;
  const text = [...o.lines, '', attribution, '', ...quoteLines(parentText(o.parent)), ''].join('\r\n');
  const html = [
    `<div dir="ltr">${o.lines.map(escapeHtml).join('<br>')}</div><br>`,
    `<div class="gmail_quote"><div dir="ltr" class="gmail_attr">${escapeHtml(attribution)}<br></div>`,
    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">',
    parentHtml(o.parent),
    '</blockquote></div>',
    '',
  ].join('\r\n');
  return { text, html };
}

function outlookHeader(p: ParentMessage): string[] {
  return [`From: ${p.from}`, `Sent: ${p.date}`, `To: ${p.to}`, `Subject: ${p.subject}`];
}

function outlookBodies(o: ReplyOptions): Pick<SendMailOptions, 'text' | 'html' | 'attachments'> {
  const header = outlookHeader(o.parent);
  const text = [...o.lines, '', '________________________________', ...header, '', parentText(o.parent), ''].join('\r\n');
  const rtf = o.format === 'rich-text';
  const cid = `image001.png@${o.token}`;
  const html = [
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
    rtf ? '<meta name="Generator" content="Microsoft Exchange Server"><!-- converted from rtf -->' : '<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>',
    '</head><body dir="ltr">',
    `<div style="font-family:Calibri,Arial,Helvetica,sans-serif;font-size:12pt">${o.lines.map(escapeHtml).join('<br>')}</div>`,
    rtf ? `<div><img src="cid:${cid}" width="16" height="16" alt="logo"></div>` : '',
    '<hr style="display:inline-block;width:98%" tabindex="-1">',
    `<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">${header.map((h) => `<b>${escapeHtml(h.slice(0, h.indexOf(':') + 1))}</b>${escapeHtml(h.slice(h.indexOf(':') + 1))}`).join('<br>')}</font><div>&nbsp;</div></div>`,
    parentHtml(o.parent),
    '</body></html>',
    '',
  ].join('\r\n');
  if (o.format === 'html-only') return { html };
  if (!rtf) return { text, html };
  const attachments = [{ filename: 'image001.png', content: solidPng(16, [0x1f, 0x4e, 0x79]), contentType: 'image/png', cid, contentDisposition: 'inline' as const }];
  return { text, html, attachments };
}

function plainBodies(o: ReplyOptions): Pick<SendMailOptions, 'text'> {
  return { text: [...o.lines, '', `On ${o.parent.date}, ${o.parent.from} wrote:`, ...quoteLines(parentText(o.parent)), ''].join('\r\n') };
}

/** A reply to `parent`, threaded, carrying `token` in the probe header. */
export function buildReply(o: ReplyOptions): BuiltReply {
  const domain = o.from.split('@')[1] ?? 'localhost';
  const messageId = `<${o.token}@${domain}>`;
  const subject = /^re:/i.test(o.parent.subject) ? o.parent.subject : `${o.style === 'outlook' ? 'RE' : 'Re'}: ${o.parent.subject}`;
  const references = [...o.parent.references, ...(o.parent.messageId ? [o.parent.messageId] : [])];
  const bodies = o.style === 'gmail' ? gmailBodies(o) : o.style === 'outlook' ? outlookBodies(o) : plainBodies(o);
  const mail: SendMailOptions = {
    from: o.from,
    to: o.to,
    subject,
    messageId,
    date: (o.clock ?? (() => new Date()))(),
    headers: { [PROBE_HEADER]: o.token },
    ...(o.parent.messageId ? { inReplyTo: o.parent.messageId } : {}),
    ...(references.length > 0 ? { references } : {}),
    ...bodies,
  };
  return { token: o.token, messageId, subject, mail };
}

/** The style a format's sender replies in: plain text for text, Outlook otherwise. */
export function internalStyle(format: ProbeFormat): ReplyStyle {
  return format === 'text' ? 'plain' : 'outlook';
}
