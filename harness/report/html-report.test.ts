import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarize } from './model.ts';
import { renderHtmlReport } from './html-report.ts';
import { DECODED_SUBJECT, HOSTILE_RAW, resultsFromHostileMessage } from './hostile-message.test-helper.ts';
import { sample } from './sample-results.test-helper.ts';


/** True when `pos` lies in text content, not inside a tag (between `<` and `>`). */
function inText(html: string, pos: number): boolean {
  return html.lastIndexOf('<', pos) < html.lastIndexOf('>', pos);
}

function positions(html: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = html.indexOf(needle); i >= 0 && out.length < 1000; i = html.indexOf(needle, i + 1)) out.push(i);
  return out;
}

describe('renderHtmlReport', () => {
  it('escapes every hostile string from the sample', () => {
    const html = renderHtmlReport(sample());
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>Acme');
    expect(html).not.toContain('onerror=');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('onerror&#x3D;alert(1)');
    // The template's own </style> is the only one: data cannot close the style block.
    expect(positions(html, '</style>')).toHaveLength(1);
    const js = positions(html, 'javascript:');
    expect(js.length).toBeGreaterThan(0);
    for (const p of js) expect(inText(html, p)).toBe(true);
  });

  it('is self-contained: no script, no external resource, links only to its own anchors', () => {
    const html = renderHtmlReport(sample());
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(h).toMatch(/^#(case|route)-[A-Za-z0-9_-]+$/);
  });

  it('drops control characters that HTML cannot carry', () => {
    const html = renderHtmlReport(sample());
    expect(html).toContain('X-Mailer: probe[2J v1');
    // eslint-disable-next-line no-control-regex -- asserting control characters are absent
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(html).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('shows run info, counts, every case and its evidence', () => {
    const results = sample();
    const html = renderHtmlReport(results);
    for (const c of results.cases) expect(html).toContain(`id="case-${c.id}"`);
    for (const s of ['spf-missing-gateway, no-dkim', 'Mimecast, region EU', 'acme.test, acme2.test', 'Dana Whitfield', 'rejectUnauthorized is false']) {
      expect(html).toContain(s);
    }
    expect(html).toContain('17 cases: 10 pass, 3 fail, 1 not run, 1 not applicable, 1 attested, 1 error.');
    expect(html).toContain('<tr><th>Total</th><th>17</th></tr>');
    expect(html).toContain('&quot;client-ip&quot;: &quot;127.0.0.22&quot;');
    expect(html).toContain('mc1._domainkey.acme.test TXT');
    expect(html).toContain('Attestation: Console check');
    expect(html).not.toContain('Incomplete run');
    expect(html).toContain('5 mandatory cases did not pass.');
  });

  it('shows corrective actions for FAIL cases only', () => {
    const html = renderHtmlReport(sample());
    const section = (id: string) => {
      const start = html.indexOf(`id="case-${id}"`);
      return html.slice(start, html.indexOf('</section>', start));
    };
    expect(section('MAN06')).toContain('class="corrective"');
    expect(section('MAN06')).toContain('include mechanism');
    expect(section('MAN10')).not.toContain('class="corrective"');
    expect(section('MAN09')).not.toContain('class="corrective"');
  });

  it('marks an incomplete run and renders cases without checks', () => {
    const results = sample();
    results.run.complete = false;
    delete results.run.finishedAt;
    delete results.run.executedBy;
    results.cases[0]!.checks = [];
    const html = renderHtmlReport(results);
    expect(html).toContain('Incomplete run');
    expect(html).toContain('not finished');
    expect(html).toContain('No checks were recorded for this case.');
  });

  it('bounds the size of evidence', () => {
    const results = sample();
    results.cases[0]!.checks[0]!.evidence = [{ kind: 'text', label: 'huge', text: 'A'.repeat(200_000) }];
    const html = renderHtmlReport(results, { maxEvidenceChars: 1000 });
    expect(html).toContain('(199000 more characters)');
    expect(html.length).toBeLessThan(150_000);
  });

  it('uses only escaping mustaches in the template', () => {
    const tpl = readFileSync(new URL('./templates/report.hbs', import.meta.url), 'utf8');
    expect(tpl).not.toContain('{{{');
    expect(tpl).not.toContain('{{&');
    expect(tpl).not.toMatch(/<script/i);
  });

  const section = (html: string, id: string): string => {
    const start = html.indexOf(`id="case-${id}"`);
    return html.slice(start, html.indexOf('</section>', start));
  };

  it('shows a partial-plan banner and no acceptance wording for a partial run', () => {
    const r = sample();
    r.cases = r.cases.filter((c) => ['MAN10', 'MAN11'].includes(c.id));
    r.summary = summarize(r.cases);
    r.run.selectedCases = ['MAN10', 'MAN11'];
    const html = renderHtmlReport(r);
    expect(html).toContain('<div class="banner partial" role="alert">Partial plan: 2 of 17 cases.');
    expect(html).not.toMatch(/every mandatory case passed/i);
    expect(renderHtmlReport(sample())).not.toContain('banner partial');
  });

  it('flags recorded verdicts and counts that the checks do not support', () => {
    expect(renderHtmlReport(sample())).not.toContain('class="inconsistent');
    const r = sample();
    r.cases.find((c) => c.id === 'MAN06')!.verdict = 'PASS';
    const html = renderHtmlReport(r);
    expect(html).toContain('Inconsistent results file: the report shows recomputed values');
    expect(section(html, 'MAN06')).toContain('MAN06: recorded as PASS, but its checks aggregate to FAIL; shown as FAIL.');
    expect(section(html, 'MAN06')).toContain('<span class="badge v-fail">Fail</span>');
  });

  it('lays out the plan table in four columns and keeps check details out of the comments cell', () => {
    const html = renderHtmlReport(sample());
    const man10 = section(html, 'MAN10');
    expect(man10).toContain('<tr><th>Test number</th><td>MAN10</td><th>Executed by</th><td>Dana Whitfield</td></tr>');
    expect(man10).toContain('<tr><th>Date</th><td>2025-03-04</td><th>Overseen by</th><td>Priya Raman</td></tr>');
    // A stretch of the check's detail with nothing HTML escapes.
    const detail = 'Received header records TLSv1.3 from mail.acme.test';
    expect(sample().cases.find((c) => c.id === 'MAN10')!.checks[0]!.detail).toContain(detail);
    const comments = man10.slice(man10.indexOf('Comments and observations'), man10.indexOf('</table>'));
    expect(comments).not.toContain(detail);
    expect(man10.indexOf(detail)).toBeGreaterThan(man10.indexOf('<table class="checks">'));
    expect(html).toContain('<tr><th>Mandatory cases failed</th><th>3</th></tr>');
  });

  it('writes the corrective-action cell by result', () => {
    const html = renderHtmlReport(sample());
    expect(section(html, 'MAN10')).toContain('<span class="corrective-note">None needed.</span>');
    expect(section(html, 'MAN09')).toContain('Not decided: the result is Error');
    expect(section(html, 'MAN09')).not.toContain('None needed');
    expect(section(html, 'MAN04')).toContain('Not decided: the result is Not run');
  });

  it('shows attestations unfolded in the check row', () => {
    const man03 = section(renderHtmlReport(sample()), 'MAN03');
    const row = man03.indexOf('<div class="attestation"><strong>Attested by Dana Whitfield</strong> on 2025-03-03:');
    expect(row).toBeGreaterThan(0);
    expect(row).toBeLessThan(man03.indexOf('<details'));
  });

  it('opens every evidence block in the print variant only', () => {
    const screen = renderHtmlReport(sample());
    const print = renderHtmlReport(sample(), { print: true });
    const details = positions(screen, '<details class="evidence"').length;
    expect(details).toBeGreaterThan(10);
    expect(positions(screen, '<details class="evidence" open>')).toHaveLength(0);
    expect(positions(print, '<details class="evidence" open>')).toHaveLength(details);
  });

  it("links checks without a format to their domain's primary route, and draws every probe's route", () => {
    const html = renderHtmlReport(sample());
    expect(section(html, 'MAN10')).toContain('<a href="#route-acme_test-html">Route</a>');
    expect(section(html, 'MAN10')).toContain('<a href="#route-acme2_test-html">Route</a>');
    expect(section(html, 'MAN14')).toContain('<a href="#route-acme_test-text">Route</a>');
    // MAN01 is not per domain: no route to point at.
    expect(section(html, 'MAN01')).not.toContain('Route</a>');
    expect(html).toContain('<div class="route route-col" id="route-acme_test-reply-2">');
    const noRoutes = sample();
    for (const p of noRoutes.probes) delete p.route;
    expect(renderHtmlReport(noRoutes)).not.toContain('Route</a>');
  });

  it('isolates data for bidi and breaks prose between words', () => {
    const css = renderHtmlReport(sample()).split('</style>')[0]!;
    expect(css).toMatch(/body \{[^}]*overflow-wrap: break-word/);
    expect(css).toContain('pre, .mono { overflow-wrap: anywhere; }');
    expect(css).toMatch(/td, li, pre, \.mono[^{]*\{ unicode-bidi: isolate; \}/);
    expect(css).toContain('table.checks { table-layout: fixed; }');
  });

  it('keeps a real parsed message with an encoded-word <script> subject as text', async () => {
    expect(HOSTILE_RAW).not.toContain('<script');
    const html = renderHtmlReport(await resultsFromHostileMessage());
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('\u202E');
    expect(html).toContain('&lt;script&gt;window.__pwned&#x3D;3&lt;/script&gt;');
    expect(html).toContain('Invoice [U+202E]fdp.exe');
    expect(DECODED_SUBJECT).toContain('\u202E');
  });
});
