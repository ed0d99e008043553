import { describe, expect, it } from 'vitest';
import { renderJunit, xmlAttr, xmlText } from './junit.ts';
import { sample } from './sample-results.test-helper.ts';


interface XmlElement { name: string; attrs: Record<string, string>; text: string; children: XmlElement[] }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes references, throwing on any `&` that does not start a well-formed one. */
function decode(s: string, at: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '&') { out += s[i]; continue; }
    const end = s.indexOf(';', i);
    if (end < 0 || end - i > 10) throw new Error(`bad reference at ${at + i}`);
    const ref = s.slice(i + 1, end);
    if (ref in ENTITIES) out += ENTITIES[ref];
    else if (ref.startsWith('#x')) out += String.fromCodePoint(parseInt(ref.slice(2), 16));
    else if (ref.startsWith('#')) out += String.fromCodePoint(parseInt(ref.slice(1), 10));
    else throw new Error(`unknown entity &${ref}; at ${at + i}`);
    i = end;
  }
  return out;
}

/**
 * A deliberately small XML 1.0 well-formedness check (elements, attributes,
 * references, nesting, one root): enough to prove the writer's escaping
 * without trusting a regex over the output.
 */
function parseXml(xml: string): XmlElement {
  let i = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  const root: XmlElement = { name: '#document', attrs: {}, text: '', children: [] };
  const stack = [root];
  const isName = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_:.-]/.test(ch);
  for (let guard = 0; i < xml.length; guard++) {
    if (guard > 1_000_000) throw new Error('parser did not terminate');
    const top = stack[stack.length - 1]!;
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`raw '>' in text at ${i}`);
    top.text += decode(text, i);
    if (lt < 0) break;
    i = lt + 1;
    if (xml[i] === '/') {
      const end = xml.indexOf('>', i);
      const name = xml.slice(i + 1, end);
      if (stack.length < 2 || top.name !== name) throw new Error(`mismatched </${name}> at ${lt}`);
      stack.pop();
      i = end + 1;
      continue;
    }
    let name = '';
    while (isName(xml[i])) name += xml[i++];
    if (name === '') throw new Error(`bad tag at ${lt}`);
    const el: XmlElement = { name, attrs: {}, text: '', children: [] };
    for (;;) {
      while (xml[i] === ' ' || xml[i] === '\n') i++;
      if (xml.startsWith('/>', i)) { i += 2; top.children.push(el); break; }
      if (xml[i] === '>') { i += 1; top.children.push(el); stack.push(el); break; }
      let attr = '';
      while (isName(xml[i])) attr += xml[i++];
      const quote = xml[i + 1];
      if (attr === '' || xml[i] !== '=' || (quote !== '"' && quote !== "'")) throw new Error(`bad attribute at ${i}`);
      const close = xml.indexOf(quote, i + 2);
      const raw = xml.slice(i + 2, close);
      if (close < 0 || raw.includes('<')) throw new Error(`bad attribute value at ${i}`);
      if (attr in el.attrs) throw new Error(`duplicate attribute ${attr}`);
      el.attrs[attr] = decode(raw, i + 2);
      i = close + 1;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('not exactly one root element');
  if (root.text.trim() !== '') throw new Error('text outside the root element');
  return root.children[0]!;
}

const all = (el: XmlElement, name: string): XmlElement[] =>
  [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

describe('renderJunit', () => {
  it('is well-formed XML with one testcase per case and domain', () => {
    const results = sample();
    const doc = parseXml(renderJunit(results));
    const checks = results.cases.reduce((n, c) => n + new Set(c.checks.map((k) => k.domain ?? '')).size, 0);
    const testcases = all(doc, 'testcase');
    expect(doc.name).toBe('testsuites');
    expect(all(doc, 'testsuite')).toHaveLength(1);
    expect(testcases).toHaveLength(checks);
    expect(all(doc, 'testsuite')[0]!.attrs.tests).toBe(String(checks));
    expect(new Set(testcases.map((t) => t.attrs.classname))).toEqual(new Set(results.cases.map((c) => c.id)));
  });

  it('maps verdicts to failure, error, skipped and system-out', () => {
    const doc = parseXml(renderJunit(sample()));
    const byName = (cls: string) => all(doc, 'testcase').filter((t) => t.attrs.classname === cls);
    const spf = byName('MAN06')[0]!;
    expect(spf.attrs.name).toBe(`${sample().cases.find((c) => c.id === 'MAN06')!.title} [acme.test]`);
    const failure = all(spf, 'failure')[0]!;
    expect(failure.attrs.message).toContain('does not contain include:');
    expect(failure.text).toContain('Corrective actions:\n1. Add the gateway');
    expect(all(byName('MAN09')[0]!, 'error')).toHaveLength(1);
    expect(all(byName('MAN04')[0]!, 'skipped')[0]!.attrs.message).toMatch(/^Not run: No admin API/);
    expect(all(byName('OPT02')[0]!, 'skipped')[0]!.attrs.message).toMatch(/^Not applicable: /);
    expect(all(byName('MAN03')[0]!, 'system-out')[0]!.text).toContain('Attested by Dana Whitfield on 2025-03-03');
    const suite = all(doc, 'testsuite')[0]!;
    expect(suite.attrs.failures).toBe('6');
    expect(suite.attrs.errors).toBe('1');
    // A not-applicable format inside a passing domain does not skip the domain's testcase.
    expect(suite.attrs.skipped).toBe('2');
  });

  it('lists each format of a domain in its testcase', () => {
    const results = sample();
    const man14 = results.cases.find((c) => c.id === 'MAN14')!;
    const tcs = all(parseXml(renderJunit(results)), 'testcase').filter((t) => t.attrs.classname === 'MAN14');
    expect(tcs).toHaveLength(new Set(man14.checks.map((k) => k.domain ?? '')).size);
    const out = all(tcs[0]!, 'system-out')[0]!.text;
    for (const k of man14.checks.filter((x) => x.domain === man14.checks[0]!.domain)) expect(out).toContain(k.detail);
  });

  it('carries run id, target and faults as properties', () => {
    const props = all(parseXml(renderJunit(sample())), 'property');
    const value = (name: string) => props.find((p) => p.attrs.name === name)?.attrs.value;
    expect(value('run.id')).toBe('20250304T091502Z-lab-7f3a');
    expect(value('run.target')).toBe('lab');
    expect(value('run.faults')).toBe('spf-missing-gateway, no-dkim');
  });

  it('escapes hostile text and strips characters XML 1.0 forbids', () => {
    const results = sample();
    const check = results.cases.find((c) => c.id === 'MAN14')!.checks[0]!;
    check.verdict = 'FAIL';
    results.cases.find((c) => c.id === 'MAN14')!.title = '"><img src=x onerror=alert(1)> \u0000\u001b[2J\ud800 name';
    check.detail = '<script>alert(1)</script> & </style> ]]> line1\nline2\ttab';
    results.cases.find((c) => c.id === 'MAN14')!.verdict = 'FAIL';
    const xml = renderJunit(results);
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain(']]>');
    // eslint-disable-next-line no-control-regex -- asserting control characters are absent
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    const doc = parseXml(xml);
    const tc = all(doc, 'testcase').find((t) => t.attrs.classname === 'MAN14')!;
    expect(tc.attrs.name).toBe('"><img src=x onerror=alert(1)> [2J name [acme.test]');
    // Line breaks survive in attributes as character references.
    expect(all(tc, 'failure')[0]!.attrs.message).toBe('<script>alert(1)</script> & </style> ]]> line1\nline2\ttab');
  });

  it('adds a case-level testcase when checks do not explain the verdict', () => {
    const results = sample();
    const man10 = results.cases.find((c) => c.id === 'MAN10')!;
    man10.verdict = 'ERROR';
    const man15 = results.cases.find((c) => c.id === 'MAN15')!;
    man15.checks = [];
    man15.verdict = 'NOT_RUN';
    const doc = parseXml(renderJunit(results));
    const extra = all(doc, 'testcase').filter((t) => t.attrs.name?.includes('(case verdict)'));
    expect(extra.map((t) => t.attrs.classname)).toEqual(['MAN10', 'MAN15']);
    expect(all(extra[0]!, 'error')[0]!.attrs.message).toContain('aggregate to PASS');
    expect(all(extra[1]!, 'skipped')[0]!.attrs.message).toContain('No checks were recorded');
  });

  it('marks an incomplete run', () => {
    const results = sample();
    results.run.complete = false;
    delete results.run.finishedAt;
    const doc = parseXml(renderJunit(results));
    expect(all(doc, 'system-err')[0]!.text).toContain('incomplete');
  });

  it('the well-formedness check itself rejects broken XML', () => {
    for (const bad of ['<a><b></a>', '<a x="<"/>', '<a>&foo;</a>', '<a>1 > 0</a>', '<a/><b/>', '<a x="1" x="2"/>', '<a>']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
    expect(parseXml('<a x="&lt;&#10;">t&amp;</a>').attrs.x).toBe('<\n');
  });

  it('escape helpers cover text and attribute contexts', () => {
    expect(xmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    expect(xmlAttr(`"'\n`)).toBe('&quot;&apos;&#10;');
    expect(xmlText('ok\u0001\uFFFE\u{1F600}')).toBe('ok\u{1F600}');
  });

  it('marks ATTESTED and NOT_APPLICABLE testcases in the name and a verdict property', () => {
    const doc = parseXml(renderJunit(sample()));
    const tc = (cls: string) => all(doc, 'testcase').find((t) => t.attrs.classname === cls)!;
    const verdictProp = (t: XmlElement) => all(t, 'property').find((p) => p.attrs.name === 'verdict')?.attrs.value;
    expect(tc('MAN03').attrs.name).toMatch(/ \[ATTESTED\]$/);
    expect(verdictProp(tc('MAN03'))).toBe('ATTESTED');
    expect(tc('OPT02').attrs.name).toMatch(/ \[NOT_APPLICABLE\]$/);
    expect(verdictProp(tc('OPT02'))).toBe('NOT_APPLICABLE');
    expect(all(tc('OPT02'), 'skipped')[0]!.attrs.message).toMatch(/^Not applicable: /);
    expect(tc('MAN10').attrs.name).toMatch(/\[acme\.test\]$/);
    expect(verdictProp(tc('MAN10'))).toBe('PASS');
  });

  it('adds an error testcase for a run with no cases or with selected cases missing', () => {
    const clean = parseXml(renderJunit(sample()));
    expect(all(clean, 'testcase').filter((t) => t.attrs.classname === 'mailflow.run')).toEqual([]);
    const empty = sample();
    empty.cases = [];
    empty.run.selectedCases = [];
    const e = parseXml(renderJunit(empty));
    expect(all(e, 'testcase').map((t) => t.attrs.name)).toEqual(['run holds no case results']);
    expect(all(e, 'testsuite')[0]!.attrs).toMatchObject({ tests: '1', errors: '1' });
    const missing = sample();
    missing.cases = missing.cases.filter((c) => c.id !== 'MAN12');
    const m = all(parseXml(renderJunit(missing)), 'testcase').find((t) => t.attrs.classname === 'mailflow.run')!;
    expect(all(m, 'error')[0]!.attrs.message).toBe('1 selected case(s) have no result: MAN12.');
  });

  it('neutralises bidi controls', () => {
    const r = sample();
    r.cases[0]!.title = 'a\u202Eb';
    expect(renderJunit(r)).toContain('a[U+202E]b');
    expect(renderJunit(r)).not.toContain('\u202E');
  });
});
