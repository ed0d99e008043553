import { describe, expect, it } from 'vitest';
import { summarize } from './model.ts';
import { renderDocx } from './docx-report.ts';
import { unzip } from './unzip.test-helper.ts';
import { sample } from './sample-results.test-helper.ts';


/** The visible text of document.xml: the runs' <w:t> contents, entities decoded. */
function docText(xml: string): string {
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1] ?? '').join('\u0001')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

describe('renderDocx', () => {
  it('is a Word package with every case in the plan table layout', async () => {
    const results = sample();
    const files = unzip(await renderDocx(results));
    expect([...files.keys()]).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'docProps/core.xml']));
    const xml = files.get('word/document.xml')!.toString('utf8');
    const text = docText(xml);
    for (const c of results.cases) {
      expect(text).toContain(`${c.id} · ${c.title}`);
      for (const k of c.checks) expect(text).toContain(k.detail);
    }
    for (const label of ['Test number', 'Executed by', 'Date', 'Overseen by', 'Description', 'Action', 'Result', 'Corrective action for FAIL', 'Comments and observations']) {
      expect(text.split('\u0001')).toContain(label);
    }
    expect(text).toContain('Sign-off');
    expect(text).toContain('Dana Whitfield');
  });

  it('carries hostile text as text and drops what XML cannot hold', async () => {
    const results = sample();
    results.cases[0]!.title = '<w:p><script>alert(1)</script>\u0000\u001b]8;;x\u0007 & "q"';
    const xml = unzip(await renderDocx(results)).get('word/document.xml')!.toString('utf8');
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<w:p><script');
    // eslint-disable-next-line no-control-regex -- asserting control characters are absent
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(docText(xml)).toContain('<w:p><script>alert(1)</script>]8;;x & "q"');
  });

  it('shows sign-offs and route pictures', async () => {
    const results = sample();
    results.signoffs = [{ role: 'executed', by: 'Sam Signer', at: '2025-03-05T10:00:00.000Z', statement: 'Checked on site.' }];
    results.probes[0]!.route = [
      { from: 'laptop', by: 'mail.acme.test', role: 'customer', tls: 'yes', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
      { from: 'mail.acme.test', by: 'relay.mimecast.test', role: 'to-gateway', tls: 'no', with: 'ESMTP' },
    ];
    const text = docText(unzip(await renderDocx(results)).get('word/document.xml')!.toString('utf8'));
    expect(text).toContain('Sam Signer');
    expect(text).toContain('2025-03-05 10:00:00 UTC');
    expect(text).toContain('IN THE CLEAR');
    expect(text).toContain('1 of 2 hops in the clear.');
  });

  it('pairs the plan header cells, unfolds attestations and writes the corrective cell by result', async () => {
    const xml = unzip(await renderDocx(sample())).get('word/document.xml')!.toString('utf8');
    const text = docText(xml).split('\u0001');
    const at = text.indexOf('Test number');
    expect(text.slice(at, at + 4)).toEqual(['Test number', 'MAN01', 'Executed by', 'Dana Whitfield']);
    expect(xml).toContain('<w:gridSpan w:val="3"/>');
    const joined = text.join(' ');
    expect(joined).toContain('Attested by Dana Whitfield');
    expect(joined).toContain('Not decided: the result is Error');
    expect(joined).toContain('Mandatory cases failed: 3');
    expect(joined).not.toContain('none needed');
  });

  it('says Partial plan for a partial run and prints on Letter when asked', async () => {
    const r = sample();
    r.cases = r.cases.filter((c) => c.id === 'MAN10');
    r.summary = summarize(r.cases);
    r.run.selectedCases = ['MAN10'];
    const xml = unzip(await renderDocx(r, { paper: 'letter' })).get('word/document.xml')!.toString('utf8');
    expect(docText(xml)).toContain('Partial plan: 1 of 17 cases.');
    expect(docText(xml)).not.toMatch(/every mandatory case passed/i);
    expect(xml).toMatch(/<w:pgSz w:w="12240" w:h="15840"/);
    const a4 = unzip(await renderDocx(sample())).get('word/document.xml')!.toString('utf8');
    expect(a4).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(docText(a4)).not.toContain('Partial plan');
  });
});
