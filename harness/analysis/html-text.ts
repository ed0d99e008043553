/**
 * HTML as a person sees it: the rendered text, line by line, with what a mail
 * client does not show set apart (comments, including Outlook's conditional
 * ones; head, style, script; elements hidden by `hidden`, display:none,
 * visibility:hidden, mso-hide:all, font-size:0, opacity:0). Each line says
 * whether it sits in quoted matter: a blockquote (Gmail's gmail_quote, Apple's
 * type=cite), or anything after Outlook's reply header (divRplyFwdMsg, or the
 * border-top rule Outlook desktop puts above "From: ... Sent: ..."). Not a full
 * HTML parser (no CSS cascade): enough for how mail clients and gateways write
 * bodies, and it never throws on broken markup.
 */

export interface RenderedLine {
  text: string;
  quoted: boolean;
}

export interface RenderedHtml {
  lines: RenderedLine[];
  /** Text present in the source but not shown: comments, hidden elements, head/style/script. */
  hidden: string;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'template']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figure', 'footer', 'form', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);

const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all|font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:!important)?\s*(?:;|$)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$))/i;
/** Outlook desktop's separator above the quoted header (Word HTML); OWA uses id=divRplyFwdMsg. */
const OUTLOOK_SEPARATOR = /border-top\s*:\s*solid\s+#(?:E1E1E1|B5C4DF)/i;

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™', ndash: '–', mdash: '—',
  hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', sbquo: '‚', bdquo: '„', euro: '€', pound: '£', yen: '¥', cent: '¢',
  sect: '§', para: '¶', middot: '·', bull: '•', laquo: '«', raquo: '»', deg: '°', times: '×', shy: '\u00ad', zwnj: '\u200c',
  zwj: '\u200d', ensp: '\u2002', emsp: '\u2003', thinsp: '\u2009', auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü',
  szlig: 'ß', eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç',
};

/** Character references (HTML §13.5): named (a common set), decimal and hex; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
}

function isHiddenElement(name: string, attrs: string): boolean {
  if (name === 'head') return true;
  if (/(?:^|\s)hidden(?:\s|=|\/|$)/i.test(attrs)) return true;
  const style = attr(attrs, 'style');
  return style !== undefined && HIDDEN_STYLE.test(style);
}

function isQuoteElement(name: string, attrs: string): boolean {
  if (name === 'blockquote') return true;
  const cls = attr(attrs, 'class') ?? '';
  return /\b(?:gmail_quote|yahoo_quoted|moz-cite-prefix)\b/i.test(cls);
}

function startsOutlookQuote(attrs: string): boolean {
  const id = attr(attrs, 'id') ?? '';
  if (/^(?:divRplyFwdMsg|appendonsend)$/i.test(id)) return true;
  const style = attr(attrs, 'style');
  return style !== undefined && OUTLOOK_SEPARATOR.test(style);
}

interface OpenElement {
  name: string;
  hidden: boolean;
  quote: boolean;
}

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<![^>]*>|<\?[^>]*>|<(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

class Renderer {
  readonly lines: RenderedLine[] = [{ text: '', quoted: false }];
  hidden = '';
  private readonly stack: OpenElement[] = [];
  private afterOutlookHeader = false;

  get isHidden(): boolean {
    return this.stack.some((e) => e.hidden);
  }

  get isQuoted(): boolean {
    return this.afterOutlookHeader || this.stack.some((e) => e.quote);
  }

  text(raw: string): void {
    // Whitespace collapses in normal flow (CSS 2.1 §16.6.1); line breaks come from elements.
    const text = decodeEntities(raw.replace(/[ \t\r\n\f]+/g, ' '));
    if (this.isHidden) {
      this.hidden += ` ${text}`;
      return;
    }
    const line = this.lines[this.lines.length - 1];
    if (!line || text === '') return;
    if (text.trim() !== '') line.quoted ||= this.isQuoted;
    line.text += text;
  }

  newLine(): void {
    const last = this.lines[this.lines.length - 1];
    if (last && last.text.trim() === '') {
      last.text = '';
      last.quoted = this.isQuoted;
      return;
    }
    this.lines.push({ text: '', quoted: this.isQuoted });
  }

  open(name: string, attrs: string): void {
    if (BLOCK.has(name)) this.newLine();
    if (startsOutlookQuote(attrs)) this.afterOutlookHeader = true;
    const selfClosing = /\/\s*$/.test(attrs);
    if (VOID.has(name) || selfClosing) return;
    // An open <p> ends at the next <p> (HTML's implied end tags), keep the stack honest.
    if (name === 'p' && this.stack[this.stack.length - 1]?.name === 'p') this.stack.pop();
    this.stack.push({ name, hidden: isHiddenElement(name, attrs), quote: isQuoteElement(name, attrs) });
  }

  close(name: string): void {
    const at = this.stack.map((e) => e.name).lastIndexOf(name);
    if (at >= 0) this.stack.length = at;
    if (BLOCK.has(name)) this.newLine();
  }
}

/** The visible text of an HTML document or fragment, and what it hides. */
export function renderHtml(html: string): RenderedHtml {
  const r = new Renderer();
  const lower = html.toLowerCase();
  TOKEN.lastIndex = 0;
  let pos = 0;
  for (let m = TOKEN.exec(html); m; m = TOKEN.exec(html)) {
    r.text(html.slice(pos, m.index));
    pos = TOKEN.lastIndex;
    const [token, slash, rawName, attrs = ''] = m;
    if (rawName === undefined) {
      // Comments (conditional ones too), CDATA, doctype, processing instructions: not shown.
      if (token.startsWith('<!--')) r.hidden += ` ${token.slice(4).replace(/-->$/, '')}`;
      continue;
    }
    const name = rawName.toLowerCase();
    if (slash) {
      r.close(name);
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const end = lower.indexOf(`</${name}`, pos);
      const stop = end < 0 ? html.length : end;
      r.hidden += ` ${html.slice(pos, stop)}`;
      const gt = end < 0 ? -1 : html.indexOf('>', end);
      pos = gt < 0 ? html.length : gt + 1;
      TOKEN.lastIndex = pos;
      continue;
    }
    r.open(name, attrs);
  }
  r.text(html.slice(pos));
  const lines = r.lines.map((l) => ({ text: l.text.replace(/\s+$/, '').replace(/^ /, ''), quoted: l.quoted }));
  while (lines.length > 0 && lines[lines.length - 1]?.text === '') lines.pop();
  return { lines, hidden: r.hidden };
}
