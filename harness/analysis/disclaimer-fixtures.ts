/**
 * Test fixtures for disclaimer counting: bodies as real clients and gateways
 * put them on the wire (Outlook desktop and OWA replies, Gmail replies, an RTF
 * message converted by Exchange, quoted-printable and base64 parts, flowed
 * text). Written for these tests, in the shapes those systems produce; the
 * layout's marker is ACME-DISCLAIMER-7f3a and its wording DISCLAIMER below.
 */

export const UNIQUE = 'ACME-DISCLAIMER-7f3a';
export const DISCLAIMER = 'This email and any attachment are confidential and meant only for the addressee.';

const crlf = (lines: string[]) => lines.join('\r\n');

function headers(subject: string, contentType: string, extra: string[] = []): string[] {
  return [
    'From: Alice Example <alice@acme.test>',
    'To: Bob Partner <bob@partner.test>',
    `Subject: ${subject}`,
    'Date: Tue, 04 Mar 2025 10:15:00 +0000',
    'Message-ID: <fixture@acme.test>',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    ...extra,
  ];
}

/** multipart/alternative; both parts quoted-printable, the marker and the wording cut by soft line breaks. */
export const QP_SOFT_BREAKS = crlf([
  ...headers('Order 4411', 'multipart/alternative; boundary="b1"'),
  '',
  '--b1',
  'Content-Type: text/plain; charset="utf-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hello Bob, the order is confirmed.',
  '',
  'This email and any attachment are confidential and meant only for the addr=',
  'essee.',
  'Ref: ACME-DISCL=',
  'AIMER-7f3a',
  '--b1',
  'Content-Type: text/html; charset="utf-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<html><body><p>Hello Bob, the order is confirmed.</p><div class=3D"stationery" s=',
  'tyle=3D"color:#595959">This email and any attachment are confidential and me=',
  'ant only for the addressee. Ref: ACME-DISCLAIMER=',
  '-7f3a</div></body></html>',
  '--b1--',
  '',
]);

/** HTML with character references inside the marker and the wording (&#45;, &#x2D;, &nbsp;, &amp;-free). */
export const HTML_ENTITIES = crlf([
  ...headers('Entities', 'text/html; charset=utf-8', ['Content-Transfer-Encoding: 7bit']),
  '',
  '<html><body><p>Caf&eacute; order attached.</p>',
  '<p>This&nbsp;email and any attachment are confidential and&#160;meant only for the addressee.</p>',
  '<p>ACME&#45;DISCLAIMER&#x2D;7f3a</p>',
  '</body></html>',
  '',
]);

/** The marker split across tags and by invisible characters (soft hyphen, zero-width space). */
export const SPLIT_ACROSS_TAGS = crlf([
  ...headers('Split', 'text/html; charset=utf-8'),
  '',
  '<html><body><div>Regards, Alice</div>',
  '<div style="font-size:8pt">This email and any attachment are <b>confidential</b> and',
  '  <span style="color:#777">meant only</span> for the <i>addressee</i>.</div>',
  '<div style="font-size:7pt">ACME-<span>DISC&shy;LAIMER</span>-&#8203;<b>7f3a</b></div>',
  '</body></html>',
  '',
]);

/** base64 text and HTML parts, UTF-8 and windows-1252, as Exchange and many web mailers send non-ASCII bodies. */
export function base64Parts(): string {
  const text = Buffer.from(`Grüße aus München.\r\n\r\n${DISCLAIMER}\r\n${UNIQUE}\r\n`, 'utf8').toString('base64');
  const html = Buffer.from(`<html><body><p>Gr\xfc\xdfe aus M\xfcnchen.</p><p>${DISCLAIMER}<br>${UNIQUE}</p></body></html>`, 'latin1').toString('base64');
  const wrap = (b64: string) => b64.match(/.{1,76}/g)?.join('\r\n') ?? '';
  return crlf([
    ...headers('Base64', 'multipart/alternative; boundary="=_b64"'),
    '',
    '--=_b64',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    wrap(text),
    '--=_b64',
    'Content-Type: text/html; charset=windows-1252',
    'Content-Transfer-Encoding: base64',
    '',
    wrap(html),
    '--=_b64--',
    '',
  ]);
}

/** An Outlook desktop reply: own stationery on top, the quoted original (with its stationery) below the reply header. */
export const OUTLOOK_REPLY = crlf([
  ...headers('RE: Order 4411', 'multipart/alternative; boundary="_000_outlook_"'),
  '',
  '--_000_outlook_',
  'Content-Type: text/plain; charset="us-ascii"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Thanks Bob, see you Thursday.',
  '',
  DISCLAIMER,
  UNIQUE,
  '',
  '________________________________',
  'From: Bob Partner <bob@partner.test>',
  'Sent: Tuesday, March 4, 2025 9:02 AM',
  'To: Alice Example <alice@acme.test>',
  'Subject: Re: Order 4411',
  '',
  'Confirmed on our side.',
  '',
  DISCLAIMER,
  UNIQUE,
  '--_000_outlook_',
  'Content-Type: text/html; charset="us-ascii"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3D=',
  'us-ascii"><style><!-- p.MsoNormal {margin:0cm;} --></style></head>',
  '<body lang=3D"EN-GB"><div class=3D"WordSection1"><p class=3D"MsoNormal">Thank=',
  's Bob, see you Thursday.</p>',
  `<p class=3D"MsoNormal" style=3D"font-size:8pt">${DISCLAIMER}<br>${UNIQUE}</p>`,
  '<div style=3D"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0c=',
  'm 0cm"><p class=3D"MsoNormal"><b>From:</b> Bob Partner &lt;bob@partner.test&g=',
  't;<br><b>Sent:</b> Tuesday, March 4, 2025 9:02 AM</p></div>',
  '<p class=3D"MsoNormal">Confirmed on our side.</p>',
  `<p class=3D"MsoNormal" style=3D"font-size:8pt">${DISCLAIMER}<br>${UNIQUE}</p>`,
  '</div></body></html>',
  '--_000_outlook_--',
  '',
]);

/** A Gmail reply: "> " quoting in text (the wording wrapped inside the quote), gmail_quote blockquote in HTML. */
export const GMAIL_REPLY = crlf([
  ...headers('Re: Order 4411', 'multipart/alternative; boundary="000000000000a1b2c3"'),
  '',
  '--000000000000a1b2c3',
  'Content-Type: text/plain; charset="UTF-8"',
  '',
  'Confirmed on our side.',
  '',
  'On Tue, 4 Mar 2025 at 08:40, Alice Example <alice@acme.test> wrote:',
  '',
  '> Hello Bob, the order is confirmed.',
  '>',
  '> This email and any attachment are confidential and meant only for the',
  '> addressee.',
  '> ACME-DISCLAIMER-7f3a',
  '>',
  '',
  '--000000000000a1b2c3',
  'Content-Type: text/html; charset="UTF-8"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<div dir=3D"ltr">Confirmed on our side.</div><br><div class=3D"gmail_quote">=',
  '<div dir=3D"ltr" class=3D"gmail_attr">On Tue, 4 Mar 2025 at 08:40, Alice Exa=',
  'mple &lt;<a href=3D"mailto:alice@acme.test">alice@acme.test</a>&gt; wrote:<b=',
  'r></div><blockquote class=3D"gmail_quote" style=3D"margin:0px 0px 0px 0.8ex;=',
  'border-left:1px solid rgb(204,204,204);padding-left:1ex"><div>Hello Bob, the=',
  ' order is confirmed.</div><div>This email and any attachment are confidentia=',
  'l and meant only for the addressee.<br>ACME-DISCLAIMER-7f3a</div></blockquot=',
  'e></div>',
  '',
  '--000000000000a1b2c3--',
  '',
]);

/**
 * The marker only where no reader sees it: comments, the head, the hidden
 * attribute, and CSS inline or from the style sheet (by class, id and tag):
 * display:none, visibility:hidden, mso-hide, a 0 or 1px font, a transparent
 * colour, a zero height/width clipped by overflow:hidden (15 copies).
 */
export const HIDDEN_ONLY = crlf([
  ...headers('Hidden', 'text/html; charset=utf-8'),
  '',
  '<html><head><title>ACME-DISCLAIMER-7f3a</title><style type="text/css"><!--',
  '  .preheader { display: none !important; }  #legal-copy { visibility: hidden }',
  '  small { display:none }  div.clip { overflow: hidden }',
  '--></style></head><body>',
  '<!-- ACME-DISCLAIMER-7f3a -->',
  '<!--[if mso]><p>ACME-DISCLAIMER-7f3a</p><![endif]-->',
  '<p>Hello Bob.</p>',
  '<div style="display: none !important">ACME-DISCLAIMER-7f3a</div>',
  '<span style="mso-hide:all;">ACME-DISCLAIMER-7f3a</span>',
  '<span style="font-size:0px">ACME-DISCLAIMER-7f3a</span>',
  '<div hidden>ACME-DISCLAIMER-7f3a</div>',
  '<div class="Preheader">ACME-DISCLAIMER-7f3a</div>',
  '<p id="legal-copy">ACME-DISCLAIMER-7f3a</p>',
  '<small>ACME-DISCLAIMER-7f3a</small>',
  '<div style="max-height:0;overflow:hidden;mso-hide:none">ACME-DISCLAIMER-7f3a</div>',
  '<div style="width:0px;height:0px;overflow:hidden">ACME-DISCLAIMER-7f3a</div>',
  '<div class="clip" style="max-height:0px">ACME-DISCLAIMER-7f3a</div>',
  '<span style="color:transparent">ACME-DISCLAIMER-7f3a</span>',
  '<span style="font-size:1px;line-height:1px">ACME-DISCLAIMER-7f3a</span>',
  '<p>This email and any attachment are confidential and meant only for the addressee.</p>',
  '</body></html>',
  '',
]);

/**
 * Shapes that look hidden to a careless reader and are not: "hidden" inside
 * attribute values, overflow:hidden without a zero size, a readable font
 * inside a font-size:0 cell (responsive layouts), a rule that applies only
 * in a @media query, a child that sets visibility back; and a head with no
 * end tag. Every copy is visible (5), each on its own line.
 */
export const VISIBLE_LOOKALIKES = crlf([
  ...headers('Lookalikes', 'text/html; charset=utf-8'),
  '',
  '<html><head><meta charset="utf-8"><style>@media only screen and (max-width:480px) { .desk { display:none } }</style>',
  '<body><p class="x hidden y" title="not hidden here">ACME-DISCLAIMER-7f3a</p>',
  '<div style="overflow:hidden;max-height:200px">ACME-DISCLAIMER-7f3a</div>',
  '<table><tr><td style="font-size:0"><div style="font-size:12px">ACME-DISCLAIMER-7f3a</div></td></tr></table>',
  '<div class="desk">ACME-DISCLAIMER-7f3a</div>',
  '<p style="visibility:hidden"><span style="visibility:visible">ACME-DISCLAIMER-7f3a</span></p>',
  '</body></html>',
  '',
]);

/** A table layout: the marker's halves in adjacent cells read as two words, not one. */
export const TABLE_CELLS = crlf([
  ...headers('Cells', 'text/html; charset=utf-8'),
  '',
  '<table><tr><td>ACME-DISCLAIMER-</td><td>7f3a</td></tr><tr><th>Ref</th><th>ACME-DISCLAIMER-7f3a</th></tr></table>',
  '',
]);

/** base64 declared with a comment and in capitals, as some gateways write it (RFC 2045 §6.1, RFC 5322 §3.2.2). */
export function base64WithComment(): string {
  return crlf([
    ...headers('Commented', 'text/plain; charset=utf-8 (UTF-8)', ['Content-Transfer-Encoding: BASE64 (encoded by the gateway)']),
    '',
    Buffer.from(`Hello Bob.\r\n${UNIQUE}\r\n`, 'utf8').toString('base64'),
    '',
  ]);
}

/** format=flowed with DelSp=yes (RFC 3676 §4.2): the marker cut by a soft break, with no space at the cut. */
export const FLOWED_DELSP = crlf([
  ...headers('Flowed', 'text/plain; charset=utf-8; format=flowed; delsp=yes'),
  '',
  // The generator adds the space it breaks at; a word break keeps its own space before it.
  'Hello Bob, the order is confirmed. This email and any attachment are  ',
  'confidential and meant only for the addressee. Ref: ACME-DISC ',
  'LAIMER-7f3a',
  '',
]);

/** Outlook rich text as Exchange sends it: text, and HTML with an inline image in multipart/related; plus an attachment carrying the marker. */
export const RICH_TEXT_WITH_ATTACHMENT = crlf([
  ...headers('Floor plan', 'multipart/mixed; boundary="mix"'),
  '',
  '--mix',
  'Content-Type: multipart/alternative; boundary="alt"',
  '',
  '--alt',
  'Content-Type: text/plain; charset=utf-8',
  '',
  `Plan attached.\r\n\r\n${DISCLAIMER}\r\n${UNIQUE}`,
  '--alt',
  'Content-Type: multipart/related; boundary="rel"; type="text/html"',
  '',
  '--rel',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><head><!-- converted from rtf --></head><body><font face="Calibri" size="2"><span style="font-size:11pt;">',
  `<div>Plan attached.</div><div><img src="cid:image001.png@01DB"></div><div>${DISCLAIMER}</div><div>${UNIQUE}</div>`,
  '</span></font></body></html>',
  '--rel',
  'Content-Type: image/png',
  'Content-ID: <image001.png@01DB>',
  'Content-Disposition: inline; filename="image001.png"',
  'Content-Transfer-Encoding: base64',
  '',
  'iVBORw0KGgo=',
  '--rel--',
  '--alt--',
  '--mix',
  'Content-Type: text/plain; charset=utf-8; name="notes.txt"',
  'Content-Disposition: attachment; filename="notes.txt"',
  '',
  `Internal notes. ${UNIQUE}`,
  '--mix',
  'Content-Type: message/rfc822',
  '',
  `Subject: forwarded\r\n\r\n${UNIQUE}`,
  '--mix--',
  '',
]);
