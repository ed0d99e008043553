import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Results } from './model.ts';
import { renderHtmlReport } from './html-report.ts';

const sample = (): Results => JSON.parse(readFileSync(new URL('./sample/results.json', import.meta.url), 'utf8')) as Results;

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
    for (const s of ['spf-missing-gateway, no-dkim', 'mimecast, region eu', 'acme.test, acme2.test', 'Dana Whitfield', 'rejectUnauthorized is false']) {
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
});
