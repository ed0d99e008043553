/**
 * HTML as a person sees it: the rendered text, line by line, with what a mail
 * client does not show set apart (comments, including Outlook's conditional
 * ones; head, style, script; elements hidden by the `hidden` attribute or by
 * CSS, inline or from a <style> sheet: display:none, visibility:hidden,
 * mso-hide:all, opacity:0, a font size of 1px or less, a transparent colour,
 * a zero width/height/max-height clipped by overflow:hidden). Each line says
 * whether it sits in quoted matter: a blockquote (Gmail's gmail_quote, Apple's
 * type=cite), or anything after Outlook's reply header (divRplyFwdMsg, or the
 * border-top rule Outlook desktop puts above "From: ... Sent: ..."). Not a full
 * HTML parser: enough for how mail clients and gateways write bodies, and it
 * never throws on broken markup.
 */
import { decodeEntities, parseAttributes, type Attributes } from './html-entities.ts';
import { computeStyle, parseStylesheets, ROOT_STYLE, type ComputedStyle, type RuleIndex } from './html-css.ts';

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
/** Boxes that start on a new line, and table cells, which sit apart from their neighbours (CSS 2.1 §9.2.1, §17.2). */
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'center', 'dd', 'details', 'dir', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'legend', 'li', 'main',
  'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
/** What may stay inside <head> (HTML §13.2.6.4.4 "in head"); anything else implies </head>. Office's xml islands too. */
const HEAD_CONTENT = new Set(['base', 'basefont', 'bgsound', 'link', 'meta', 'noscript', 'xml']);
/** Outlook desktop's separator above the quoted header (Word HTML); OWA uses id=divRplyFwdMsg. */
const OUTLOOK_SEPARATOR = /border-top\s*:\s*solid\s+#(?:E1E1E1|B5C4DF)/i;

function isQuoteElement(name: string, attrs: Attributes): boolean {
  if (name === 'blockquote') return true;
  return /\b(?:gmail_quote|yahoo_quoted|moz-cite-prefix)\b/i.test(attrs.get('class') ?? '');
}

function startsOutlookQuote(attrs: Attributes): boolean {
  if (/^(?:divRplyFwdMsg|appendonsend)$/i.test(attrs.get('id') ?? '')) return true;
  return OUTLOOK_SEPARATOR.test(attrs.get('style') ?? '');
}

interface OpenElement {
  name: string;
  style: ComputedStyle;
  quote: boolean;
}

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<![^>]*>|<\?[^>]*>|<(\/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

class Renderer {
  readonly lines: RenderedLine[] = [{ text: '', quoted: false }];
  hidden = '';
  private readonly stack: OpenElement[] = [];
  private afterOutlookHeader = false;
  private readonly rules: RuleIndex;

  constructor(rules: RuleIndex) {
    this.rules = rules;
  }

  private get style(): ComputedStyle {
    return this.stack[this.stack.length - 1]?.style ?? ROOT_STYLE;
  }

  get isQuoted(): boolean {
    return this.afterOutlookHeader || this.stack.some((e) => e.quote);
  }

  text(raw: string): void {
    // Whitespace collapses in normal flow (CSS 2.1 §16.6.1); line breaks come from elements.
    const text = decodeEntities(raw.replace(/[ \t\r\n\f]+/g, ' '));
    // Text in <head> that is not whitespace starts the body (HTML §13.2.6.4.4, "anything else").
    if (text.trim() !== '') this.closeHead();
    if (this.style.hidden) {
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

  /** Pops an open <head>: its end tag is optional, and <body> or body content implies it. */
  private closeHead(): void {
    const at = this.stack.findIndex((e) => e.name === 'head');
    if (at >= 0) this.stack.length = at;
  }

  open(name: string, rawAttrs: string): void {
    if (name === 'body' || (!HEAD_CONTENT.has(name) && !name.includes(':'))) this.closeHead();
    if (BLOCK.has(name)) this.newLine();
    const attrs = parseAttributes(rawAttrs);
    if (startsOutlookQuote(attrs)) this.afterOutlookHeader = true;
    // "/>" closes nothing on a non-void HTML element (HTML §13.2.6): <div hidden/> hides what follows, as in a browser.
    if (VOID.has(name)) return;
    // An open <p> ends at the next <p> (HTML's implied end tags), keep the stack honest.
    if (name === 'p' && this.stack[this.stack.length - 1]?.name === 'p') this.stack.pop();
    const style = computeStyle(name, attrs, this.style, this.rules);
    this.stack.push({ name, style, quote: isQuoteElement(name, attrs) });
  }

  close(name: string): void {
    const at = this.stack.map((e) => e.name).lastIndexOf(name);
    if (at >= 0) this.stack.length = at;
    if (BLOCK.has(name)) this.newLine();
  }
}

/** The visible text of an HTML document or fragment, and what it hides. */
export function renderHtml(html: string): RenderedHtml {
  const r = new Renderer(parseStylesheets(html));
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
