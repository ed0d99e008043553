/**
 * The little CSS a mail client applies that decides whether text is seen
 * (harness/analysis/html-text.ts): inline style and simple <style> rules
 * (tag, .class, #id, compounds and lists; @media blocks skipped, since a
 * desktop reader sees what they hide), the cascade with !important, and the
 * inherited properties (CSS 2.1 §6.2) that can set a hidden box back to
 * visible.
 */
import { parseAttributes, type Attributes } from './html-entities.ts';
interface Declaration {
  prop: string;
  value: string;
  important: boolean;
}

/** `a: b; c: d !important` as lower-case properties and values. */
function parseDeclarations(text: string): Declaration[] {
  return text.split(';').flatMap((decl) => {
    const colon = decl.indexOf(':');
    const prop = decl.slice(0, Math.max(0, colon)).trim().toLowerCase();
    const raw = decl.slice(colon + 1).trim().toLowerCase();
    const value = raw.replace(/!\s*important$/, '').trim();
    return colon > 0 && prop !== '' && value !== '' ? [{ prop, value, important: value !== raw }] : [];
  });
}

/** A compound selector of tag, classes and ids (`p`, `.x`, `div#y.z`). */
interface Compound {
  tag: string | undefined;
  ids: string[];
  classes: string[];
}

/**
 * A rule: the compound the element itself must match, and the compounds its
 * ancestors must match, nearest first (`.wrap > td p`: p, then td, then .wrap),
 * each with whether it must be the direct parent (`>`) of the one before.
 */
export interface CssRule extends Compound {
  context: { compound: Compound; parent: boolean }[];
  specificity: number;
  order: number;
  declarations: Declaration[];
}

/** An element as selectors see it. */
export interface ElementKey {
  name: string;
  id: string;
  classes: ReadonlySet<string>;
}

/** Rules by the one key an element must have for them to match: "#id", ".class" or the tag. */
export type RuleIndex = Map<string, CssRule[]>;

const MAX_RULES = 2000;
const MAX_COMPOUNDS = 8;
const SIMPLE_SELECTOR = /^([a-z][a-z0-9-]*|\*)?((?:[.#][\w-]+)*)$/i;
const STYLE_OR_COMMENT = /<!--[\s\S]*?(?:-->|$)|<style\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)(?:<\/style\s*>|$)/gi;

function compound(text: string): Compound | undefined {
  const m = SIMPLE_SELECTOR.exec(text);
  if (!m || text === '') return undefined;
  const simple = (m[2] ?? '').toLowerCase().match(/[.#][\w-]+/g) ?? [];
  const tag = m[1] === undefined || m[1] === '*' ? undefined : m[1].toLowerCase();
  return { tag, ids: simple.filter((x) => x.startsWith('#')).map((x) => x.slice(1)), classes: simple.filter((x) => x.startsWith('.')).map((x) => x.slice(1)) };
}

/**
 * `a b > c` as compounds, rightmost first, with the combinator before each;
 * undefined for what is not matched here (sibling combinators, attribute
 * selectors, pseudo-classes): such a rule hides nothing.
 */
function parseSelector(selector: string): { compounds: Compound[]; parent: boolean[] } | undefined {
  const tokens = selector.replace(/\s*>\s*/g, ' > ').trim().split(/\s+/);
  const compounds: Compound[] = [];
  const parent: boolean[] = [];
  let child = false;
  for (const t of tokens.reverse()) {
    if (t === '>') {
      if (compounds.length === 0 || child) return undefined;
      child = true;
      continue;
    }
    const c = compound(t);
    if (!c) return undefined;
    if (compounds.length > 0) parent.push(child);
    compounds.push(c);
    child = false;
  }
  return compounds.length === 0 || compounds.length > MAX_COMPOUNDS || child ? undefined : { compounds, parent };
}

function addRules(selectors: string, body: string, index: RuleIndex, count: { n: number }): void {
  const declarations = parseDeclarations(body);
  for (const selector of selectors.split(',').map((x) => x.trim())) {
    const parsed = parseSelector(selector);
    if (!parsed || count.n >= MAX_RULES) continue;
    const [self, ...rest] = parsed.compounds;
    if (!self) continue;
    const specificity = parsed.compounds.reduce((n, c) => n + c.ids.length * 100 + c.classes.length * 10 + (c.tag ? 1 : 0), 0);
    const rule: CssRule = { ...self, context: rest.map((c, i) => ({ compound: c, parent: parsed.parent[i] ?? false })), specificity, order: count.n++, declarations };
    const key = self.ids[0] !== undefined ? `#${self.ids[0]}` : self.classes[0] !== undefined ? `.${self.classes[0]}` : (self.tag ?? '*');
    index.set(key, [...(index.get(key) ?? []), rule]);
  }
}

/** Offset just past the "}" that closes the "{" at `open` (or the end). */
function blockEnd(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return i + 1;
  }
  return src.length;
}

function parseSheet(css: string, index: RuleIndex, count: { n: number }): void {
  // CSS comments, and the <!-- --> that mail clients wrap style sheets in (CSS 2.1 §4.1.9, CDO/CDC).
  const src = css.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ' ').replace(/<!--|-->/g, ' ');
  for (let pos = 0; pos < src.length && count.n < MAX_RULES;) {
    const open = src.indexOf('{', pos);
    if (open < 0) return;
    const prelude = src.slice(pos, open).split(';').pop()?.trim() ?? ''; // statements such as @import end in ";"
    const close = blockEnd(src, open);
    // At-rules (@media, @supports, @font-face) hold conditional or no rules: a desktop reader sees what they hide.
    if (!prelude.startsWith('@')) addRules(prelude, src.slice(open + 1, close).replace(/\}$/, ''), index, count);
    pos = close;
  }
}

/** The document's <style> sheets for the screen (not those inside comments, which only Outlook's Word engine reads). */
export function parseStylesheets(html: string): RuleIndex {
  const index: RuleIndex = new Map();
  const count = { n: 0 };
  for (const m of html.matchAll(STYLE_OR_COMMENT)) {
    const media = parseAttributes(m[1] ?? '').get('media');
    if (m[2] === undefined || (media !== undefined && !/\b(?:all|screen)\b/i.test(media))) continue;
    parseSheet(m[2], index, count);
  }
  return index;
}

/** What an element inherits and whether it is shown. */
export interface ComputedStyle {
  /** The element's box shows nothing, descendants included (display:none, hidden, a clipped zero size…). */
  blocked: boolean;
  fontPx: number;
  color: string;
  visibility: string;
  hidden: boolean;
  /** The element and its ancestors, nearest first (bounded), for descendant selectors. */
  path: readonly ElementKey[];
}

export const ROOT_STYLE: ComputedStyle = { blocked: false, fontPx: 16, color: '', visibility: 'visible', hidden: false, path: [] };

/** Deeper ancestors than this are not looked at by descendant selectors (mail nests tables, not thousands of levels). */
const MAX_PATH = 64;

function matchesCompound(c: Compound, e: ElementKey): boolean {
  return (c.tag === undefined || c.tag === e.name) && c.ids.every((i) => i === e.id) && c.classes.every((k) => e.classes.has(k));
}

/** Right-to-left, nearest matching ancestor first (greedy: exact for descendant combinators, may miss a mixed `>` chain). */
function matchesContext(rule: CssRule, ancestors: readonly ElementKey[]): boolean {
  let at = 0;
  for (const { compound: c, parent } of rule.context) {
    if (parent) {
      const e = ancestors[at];
      if (!e || !matchesCompound(c, e)) return false;
      at++;
      continue;
    }
    while (at < ancestors.length && !matchesCompound(c, ancestors[at] as ElementKey)) at++;
    if (at >= ancestors.length) return false;
    at++;
  }
  return true;
}

/** Matching sheet rules by specificity then order, then the inline style; !important declarations last (CSS 2.1 §6.4.1). */
function cascade(self: ElementKey, attrs: Attributes, index: RuleIndex, ancestors: readonly ElementKey[]): Map<string, string> {
  const keys = [self.name, '*', ...(self.id ? [`#${self.id}`] : []), ...[...self.classes].map((c) => `.${c}`)];
  const matched = [...new Set(keys.flatMap((k) => index.get(k) ?? []))]
    .filter((r) => matchesCompound(r, self) && matchesContext(r, ancestors))
    .sort((a, b) => a.specificity - b.specificity || a.order - b.order);
  const all = [...matched.flatMap((r) => r.declarations), ...parseDeclarations(attrs.get('style') ?? '')];
  const out = new Map<string, string>();
  for (const important of [false, true]) for (const d of all) if (d.important === important) out.set(d.prop, d.value);
  return out;
}

const UNIT_PX: Record<string, number> = { px: 1, pt: 4 / 3, pc: 16, in: 96, cm: 96 / 2.54, mm: 96 / 25.4, q: 96 / 101.6, rem: 16, vw: 10, vh: 10 };
const KEYWORD_PX: Record<string, number> = { 'xx-small': 9, 'x-small': 10, small: 13, medium: 16, large: 18, 'x-large': 24, 'xx-large': 32 };

/** A font-size in px (CSS 2.1 §15.7): em, ex and % against the parent's size; quirks mode reads a bare number as px. */
function fontSizePx(value: string | undefined, parentPx: number): number {
  if (value === undefined) return parentPx;
  const m = /^(-?\d*\.?\d+)([a-z%]*)$/.exec(value);
  if (!m) return KEYWORD_PX[value] ?? (value === 'smaller' ? parentPx / 1.2 : value === 'larger' ? parentPx * 1.2 : parentPx);
  const unit = m[2] || 'px';
  const factor = unit === 'em' ? parentPx : unit === '%' ? parentPx / 100 : unit === 'ex' || unit === 'ch' ? parentPx / 2 : UNIT_PX[unit];
  return factor === undefined ? parentPx : Number.parseFloat(m[1] ?? '') * factor;
}

/** transparent, an alpha of 0 in rgb()/hsl() (CSS Color 4 §4.2), or #rgb0 / #rrggbb00. */
function isTransparent(color: string): boolean {
  if (color === 'transparent' || /^#(?:[0-9a-f]{3}0|[0-9a-f]{6}00)$/.test(color)) return true;
  const fn = /^(?:rgb|hsl)a?\(([^)]*)\)$/.exec(color);
  const parts = (fn?.[1] ?? '').split(/[\s,/]+/).filter(Boolean);
  return parts.length === 4 && Number.parseFloat(parts[3] ?? '') === 0;
}

/** Hidden with what is inside, whatever the descendants say. */
function blocksBox(d: Map<string, string>): boolean {
  if (d.get('display') === 'none' || d.get('mso-hide') === 'all' || Number.parseFloat(d.get('opacity') ?? '1') <= 0) return true;
  // A zero-size box hides its content only when overflow is clipped (CSS 2.1 §11.1.1); Gmail's preheader trick.
  const clip = (p: string) => /^(?:hidden|clip)\b/.test(d.get(p) ?? d.get('overflow') ?? '');
  const zero = (p: string) => /^-?0*\.?0+[a-z%]*$/.test(d.get(p) ?? '');
  return (clip('overflow-y') && (zero('height') || zero('max-height'))) || (clip('overflow-x') && (zero('width') || zero('max-width')));
}

export function computeStyle(name: string, attrs: Attributes, parent: ComputedStyle, index: RuleIndex): ComputedStyle {
  // Class and id selectors match case-insensitively in quirks mode, which most mail HTML renders in (HTML §2.4.1 quirks).
  const self: ElementKey = { name, id: (attrs.get('id') ?? '').toLowerCase(), classes: new Set((attrs.get('class') ?? '').toLowerCase().split(/\s+/).filter(Boolean)) };
  const d = cascade(self, attrs, index, parent.path);
  // font-size, color and visibility inherit and a descendant may set them back (CSS 2.1 §6.2): a font-size:0 cell can hold readable text.
  const own = (p: string) => (d.get(p) === 'inherit' ? undefined : d.get(p));
  const fontPx = fontSizePx(own('font-size'), parent.fontPx);
  const color = own('color') ?? parent.color;
  const visibility = own('visibility') ?? parent.visibility;
  const blocked = parent.blocked || name === 'head' || attrs.has('hidden') || blocksBox(d);
  const hidden = blocked || fontPx <= 1 || isTransparent(color) || visibility === 'hidden' || visibility === 'collapse';
  return { blocked, fontPx, color, visibility, hidden, path: [self, ...parent.path].slice(0, MAX_PATH) };
}
