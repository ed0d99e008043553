import { describe, expect, it } from 'vitest';
import { renderHtml } from './html-text.ts';
import { parseStructured, stripComments } from './mime-parts.ts';

/** The visible lines of `html`, and whether `U` went to the hidden text. */
function seen(html: string): { lines: string[]; hidden: boolean } {
  const r = renderHtml(html);
  return { lines: r.lines.map((l) => l.text), hidden: /\bU\b/.test(r.hidden) };
}

const HIDDEN = { lines: ['shown'], hidden: true };
const VISIBLE = { lines: ['shown', 'U'], hidden: false };
const sheet = (css: string, body: string) => `<html><head><style>${css}</style></head><body><p>shown</p>${body}</body></html>`;

describe('renderHtml: style sheets', () => {
  it.each([
    ['class', '.h { display: none }', '<p class="a h">U</p>'],
    ['id', '#legal { visibility: hidden }', '<p id="legal">U</p>'],
    ['tag', 'small { display: none }', '<small>U</small>'],
    ['tag and class', 'div.h { display:none!important }', '<div class="h">U</div>'],
    ['a selector list', 'b, .h { mso-hide: all }', '<p class="h">U</p>'],
    ['a class in other case (quirks mode)', '.PreHeader { display: none }', '<p class="preheader">U</p>'],
    ['a rule in a CSS comment wrapper', '<!-- .h { display: none } -->', '<p class="h">U</p>'],
    ['a descendant selector', '.wrap p { display: none }', '<div class="wrap"><table><tr><td><p>U</p></td></tr></table></div>'],
    ['a child combinator', 'td > .h { font-size: 0 }', '<table><tr><td><span class="h">U</span></td></tr></table>'],
    ['a universal descendant', '#footer * { display: none }', '<div id="footer"><span>U</span></div>'],
    ['a three-step chain', 'div .legal span { visibility: hidden }', '<div><p class="legal"><b><span>U</span></b></p></div>'],
  ])('hides by %s', (_, css, body) => {
    expect(seen(sheet(css, body))).toEqual(HIDDEN);
  });

  it.each([
    ['a class it does not have', '.h { display: none }', '<p class="hx">U</p>'],
    ['a @media rule', '@media (max-width: 480px) { .h { display: none } }', '<p class="h">U</p>'],
    ['an @import before it', '@import url(x.css); .z { color: red }', '<p class="h">U</p>'],
    ['a commented-out rule', '/* .h { display: none } */', '<p class="h">U</p>'],
    ['a print style sheet', '', '<style media="print">.h { display:none }</style><p class="h">U</p>'],
    ['an inline style that wins over the sheet', '.h { display: none }', '<p class="h" style="display:block">U</p>'],
    ['a descendant selector whose ancestor is elsewhere', '.wrap p { display: none }', '<div class="wrap"></div><p>U</p>'],
    ['a child combinator on a grandchild', 'td > .h { display: none }', '<table><tr><td><b><span class="h">U</span></b></td></tr></table>'],
    ['a pseudo-class (not matched)', '.h:hover { display: none }', '<span class="h">U</span>'],
  ])('does not hide by %s', (_, css, body) => {
    expect(seen(sheet(css, body))).toEqual(VISIBLE);
  });

  it('lets an !important sheet declaration beat the inline style (CSS 2.1 §6.4.2)', () => {
    expect(seen(sheet('.h { display: none !important }', '<p class="h" style="display:block">U</p>'))).toEqual(HIDDEN);
  });
});

describe('renderHtml: hiding styles', () => {
  it.each([
    'max-height:0;overflow:hidden', 'height:0px;overflow:hidden', 'width:0;overflow:hidden', 'max-width:0;overflow-x:hidden',
    'color:transparent', 'color:rgba(0,0,0,0)', 'color:#fff0', 'font-size:1px', 'font-size:0.5pt', 'font-size:0',
    'opacity:0', 'visibility:collapse',
  ])('hides %s', (style) => {
    expect(seen(`<p>shown</p><div style="${style}">U</div>`)).toEqual(HIDDEN);
  });

  it.each([
    'max-height:0', 'overflow:hidden', 'height:0;overflow:visible', 'color:rgb(0,0,0)', 'color:rgba(0,0,0,0.6)',
    'font-size:2px', 'font-size:0.1em;font-size:12px', 'opacity:0.5',
  ])('shows %s', (style) => {
    expect(seen(`<p>shown</p><div style="${style}">U</div>`)).toEqual(VISIBLE);
  });

  it('lets a child set inherited properties back, but not undo display:none or a clipped box', () => {
    expect(seen('<p>shown</p><div style="font-size:0"><div style="font-size:14px">U</div></div>')).toEqual(VISIBLE);
    expect(seen('<p>shown</p><div style="color:transparent"><p style="color:#000">U</p></div>')).toEqual(VISIBLE);
    expect(seen('<p>shown</p><div style="font-size:1px"><p style="font-size:2em">U</p></div>')).toEqual(VISIBLE);
    expect(seen('<p>shown</p><div style="font-size:2px"><p style="font-size:50%">U</p></div>')).toEqual(HIDDEN);
    expect(seen('<p>shown</p><div style="display:none"><p style="display:block">U</p></div>')).toEqual(HIDDEN);
    expect(seen('<p>shown</p><div style="height:0;overflow:hidden"><p style="height:auto">U</p></div>')).toEqual(HIDDEN);
  });
});

describe('renderHtml: the hidden attribute', () => {
  it('hides by the attribute, in any form', () => {
    for (const tag of ['<p hidden>', '<p HIDDEN="">', '<p class="a" hidden/>', "<p hidden='until-found'>"]) {
      expect(seen(`<p>shown</p>${tag}U</p>`), tag).toEqual(HIDDEN);
    }
  });

  it('ignores "hidden" inside attribute values and other attribute names', () => {
    for (const tag of ['<p class="x hidden y">', '<p title="not hidden here">', '<p style="overflow:hidden">', '<p data-hidden="1">', '<p aria-hidden="true">']) {
      expect(seen(`<p>shown</p>${tag}U</p>`), tag).toEqual(VISIBLE);
    }
  });
});

describe('renderHtml: implied end of head', () => {
  it('ends an unclosed head at <body>, at body content, or at text', () => {
    expect(seen('<html><head><meta charset="utf-8"><body><p>U</p>').lines).toEqual(['U']);
    expect(seen('<html><head><title>t</title><link rel="x"><p>U</p>').lines).toEqual(['U']);
    expect(seen('<html><head><meta charset="utf-8">U').lines).toEqual(['U']);
  });

  it('still hides what is inside the head', () => {
    expect(seen('<html><head><title>U</title><meta name="U"></head><body>shown</body>')).toEqual({ lines: ['shown'], hidden: true });
  });
});

describe('renderHtml: cell and block boundaries', () => {
  it('separates adjacent table cells and other block boxes', () => {
    expect(seen('<table><tr><td>A</td><td>B</td></tr><tr><th>C</th><td>D</td></tr></table>').lines).toEqual(['A', 'B', 'C', 'D']);
    expect(seen('<center>A</center><figure>B<figcaption>C</figcaption></figure>').lines).toEqual(['A', 'B', 'C']);
  });

  it('keeps inline elements on one line', () => {
    expect(seen('<p>A<span>B</span><b>C</b></p>').lines).toEqual(['ABC']);
  });
});

describe('stripComments and parseStructured', () => {
  it('drops nested comments and keeps parentheses inside quoted strings (RFC 5322 §3.2.2)', () => {
    expect(stripComments('base64 (a (nested) \\) comment)').trim()).toBe('base64');
    expect(parseStructured('text/plain (body); name="a (1).txt"; charset=utf-8 (x)')).toEqual({ value: 'text/plain', params: { name: 'a (1).txt', charset: 'utf-8' } });
    expect(parseStructured('(only a comment)')).toEqual({ value: '', params: {} });
  });
});
