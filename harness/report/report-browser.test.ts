/**
 * The HTML report opened in real headless Chromium (the browser CI installs,
 * .ci/run): structure, every case present, hostile content from a crafted
 * mailbox message inert, a screenshot and a PDF page kept in the test output
 * folder (reports/test-output/report-browser/) for a person to look at.
 * Skipped only on a developer machine without Chromium: when CI is set, a
 * missing browser fails the suite instead of silently skipping it.
 */
import { mkdir as mkdirP, writeFile as writeFileP } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { headerBlock } from '../analysis/received-chain.ts';
import { probeRoute } from '../plan/run-state.ts';
import { findChromium, withBrowser } from './browser.ts';
import { renderHtmlReport } from './html-report.ts';
import type { Results } from './model.ts';
import { printPdf } from './pdf-report.ts';
import { DECODED_SUBJECT, resultsFromHostileMessage } from './hostile-message.test-helper.ts';
import { sample } from './sample-results.test-helper.ts';

const OUT = fileURLToPath(new URL('../../reports/test-output/report-browser/', import.meta.url));
const chromiumPath = await findChromium();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

const XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const CSS_BREAK = '</pre></details></td></tr></table></section><style>body{display:none!important}</style>';
/** A message as a hostile sender could shape it: every header a renderer might show. */
const CRAFTED = [
  `Received: from mx.partner.test (mx.partner.test [127.0.0.30]) by inbox${XSS}.partner.test with LMTP; Mon, 3 Mar 2025 09:00:03 +0000`,
  'Received: from eu-smtp-delivery-1.mimecast.test (eu-smtp-delivery-1.mimecast.test [127.0.0.21]) by mx.partner.test with ESMTP id 1; Mon, 3 Mar 2025 09:00:02 +0000',
  `Received: from mail.acme.test (mail.acme.test [127.0.0.11]) by relay.mimecast.test with ESMTPS (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384) id 2; Mon, 3 Mar 2025 09:00:01 +0000`,
  `Received: from [127.0.0.1] (helo=javascript:alert(1)) by mail.acme.test with ESMTPSA (TLS1.3) id 3; Mon, 3 Mar 2025 09:00:00 +0000`,
  `Subject: ${XSS} ${CSS_BREAK}`,
  `From: "<a href=javascript:alert(1)>Alice</a>" <alice@acme.test>`,
  `X-Mailer: <iframe src="javascript:alert(1)"></iframe><svg onload=alert(1)>`,
  '', 'body', '',
].join('\r\n');

function hostileResults(): Results {
  const r = sample();
  const lines = headerBlock(CRAFTED).map((f) => `${f.name}: ${f.value}`);
  const man11 = r.cases.find((c) => c.id === 'MAN11')!;
  man11.checks[0]!.detail = `Subject was ${XSS}${CSS_BREAK}`;
  man11.checks[0]!.evidence.push({ kind: 'header', label: `Headers of ${XSS}`, lines });
  r.cases[0]!.comments.push(CSS_BREAK);
  r.probes[0]!.route = probeRoute(CRAFTED, ['mimecast\\.test$']);
  r.signoffs = [{ role: 'executed', by: `Eve ${XSS}`, at: '2025-03-05T10:00:00.000Z', statement: CSS_BREAK }];
  return r;
}

interface PageFacts {
  pwned: number; scripts: number; styles: number; handlers: string[]; foreign: string[]; hrefs: string[]; caseIds: string[];
  bodyVisible: boolean; pageWidth: number; clearMarks: number; routeNodes: string[]; text: string; planRows: string[];
}

describe.skipIf(chromiumPath === undefined && !inCi)('report.html in headless Chromium', () => {
  it('has a browser (CI must install one: .ci/run)', () => {
    expect(chromiumPath, 'no Chromium found; CI must not skip the browser tests').toBeDefined();
  });

  it('shows every case and route, and nothing hostile runs, loads or breaks out', async () => {
    const results = hostileResults();
    const html = renderHtmlReport(results);
    await mkdirP(OUT, { recursive: true });
    await writeFileP(path.join(OUT, 'report.html'), html);
    await withBrowser(chromiumPath!, async (ctx) => {
      const requests: string[] = [];
      await ctx.route('**/*', (route) => { requests.push(route.request().url()); return route.abort(); });
      const page = await ctx.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      await page.setViewportSize({ width: 1100, height: 1500 });
      await page.setContent(html, { waitUntil: 'load' });
      // A string, not a function: the project compiles without the DOM library.
      const facts = (await page.evaluate(`(() => {
        const all = [...document.querySelectorAll('*')];
        return {
          pwned: window.__pwned ?? 0,
          scripts: document.scripts.length,
          styles: document.querySelectorAll('style').length,
          handlers: all.flatMap((e) => [...e.attributes].filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => e.tagName + '@' + a.name)),
          foreign: all.filter((e) => ['IMG', 'IFRAME', 'OBJECT', 'EMBED', 'LINK', 'BASE', 'FORM'].includes(e.tagName)).map((e) => e.tagName),
          hrefs: [...document.querySelectorAll('[href]')].map((e) => e.getAttribute('href') ?? ''),
          caseIds: [...document.querySelectorAll('section.case')].map((s) => s.id),
          bodyVisible: getComputedStyle(document.body).display !== 'none',
          pageWidth: document.documentElement.scrollWidth,
          clearMarks: document.querySelectorAll('#route-acme_test-html .clear-mark').length,
          routeNodes: [...document.querySelectorAll('#routes .node .mono')].map((n) => n.textContent ?? ''),
          text: document.body.textContent ?? '',
          planRows: [...document.querySelectorAll('section.case table.plan th')].map((th) => th.textContent ?? ''),
        };
      })()`)) as PageFacts;
      expect(facts.pwned).toBe(0);
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      expect(facts.scripts).toBe(0);
      expect(facts.styles).toBe(1);
      expect(facts.handlers).toEqual([]);
      expect(facts.foreign).toEqual([]);
      for (const h of facts.hrefs) expect(h).toMatch(/^#(case|route)-[A-Za-z0-9_-]+$/);
      expect(facts.caseIds).toEqual(results.cases.map((c) => `case-${c.id}`));
      expect(facts.bodyVisible).toBe(true);
      expect(facts.pageWidth).toBeLessThanOrEqual(1100);
      // The hostile text is there to read, as text.
      expect(facts.text).toContain(`Subject was ${XSS}`);
      expect(facts.text).toContain('<iframe src="javascript:alert(1)"></iframe>');
      // The crafted route: gateway → MX over ESMTP and the LMTP hand-off are in the clear, both marked.
      expect(facts.clearMarks).toBe(2);
      expect(facts.routeNodes.some((n) => n.startsWith('inbox<script>window.__pwned=1</script>'))).toBe(true);
      expect(facts.planRows.slice(0, 9)).toEqual(['Test number', 'Executed by', 'Date', 'Overseen by', 'Description', 'Action', 'Result', 'Corrective action for FAIL', 'Comments and observations']);
      await page.screenshot({ path: path.join(OUT, 'cover.png') });
      await page.locator('#routes').screenshot({ path: path.join(OUT, 'routes.png') });
      await page.locator('#case-MAN11').screenshot({ path: path.join(OUT, 'case-MAN11.png') });
      // One click opens the folded evidence.
      const details = page.locator('#case-MAN11 details').first();
      expect(await details.getAttribute('open')).toBeNull();
      await details.locator('summary').click();
      expect(await details.getAttribute('open')).toBe('');
    });
  });

  it('prints to PDF', async () => {
    await mkdirP(OUT, { recursive: true });
    const t0 = performance.now();
    const pdf = await printPdf(chromiumPath!, renderHtmlReport(hostileResults()));
    const ms = performance.now() - t0;
    await writeFileP(path.join(OUT, 'report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThan(sample().cases.length);
    expect(ms).toBeLessThan(30_000);
  });

  it('prints every evidence block unfolded, with scripts off', async () => {
    const results = sample();
    const evidenceBlocks = results.cases.flatMap((c) => c.checks).filter((k) => k.evidence.length > 0).length;
    const count = `(() => ({
      details: document.querySelectorAll('details.evidence').length,
      open: document.querySelectorAll('details.evidence[open]').length,
      hiddenPre: [...document.querySelectorAll('details.evidence pre')].filter((p) => p.getClientRects().length === 0).length,
    }))()`;
    const facts = async (html: string) => withBrowser(chromiumPath!, async (ctx) => {
      const page = await ctx.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      const scripted = (await page.evaluate('typeof window')) as string;
      return { ...(await page.evaluate(count)) as { details: number; open: number; hiddenPre: number }, scripted };
    }, { javaScriptEnabled: false });
    const printed = await facts(renderHtmlReport(results, { print: true }));
    expect(printed).toMatchObject({ details: evidenceBlocks, open: evidenceBlocks, hiddenPre: 0 });
    // The on-screen variant keeps evidence folded away (one click open).
    expect(await facts(renderHtmlReport(results))).toMatchObject({ details: evidenceBlocks, open: 0 });
  });

  it('lays each route out as one row that fits at 1280 px and on A4, long chains as a column', async () => {
    const html = renderHtmlReport(sample());
    const measure = `(() => [...document.querySelectorAll('#routes .route')].map((r) => {
      const line = r.querySelector('.route-line');
      const kids = line ? [...line.children].map((k) => k.getBoundingClientRect()) : [];
      const box = line ? line.getBoundingClientRect() : { left: 0, right: 0 };
      return {
        layout: r.classList.contains('route-col') ? 'col' : 'row',
        overflow: line ? line.scrollWidth - line.clientWidth : 0,
        outside: kids.filter((k) => k.left < box.left - 1 || k.right > box.right + 1).length,
        rows: new Set(kids.map((k) => Math.round(k.top))).size,
        steps: kids.length,
      };
    }))()`;
    type RouteBox = { layout: string; overflow: number; outside: number; rows: number; steps: number };
    const check = async (page: Page) => {
      const boxes = (await page.evaluate(measure)) as RouteBox[];
      expect(boxes.length).toBe(sample().probes.length);
      for (const b of boxes) {
        expect(b.overflow).toBeLessThanOrEqual(0);
        expect(b.outside).toBe(0);
        expect(b.rows).toBe(b.layout === 'row' ? 1 : b.steps);
      }
      expect(boxes.map((b) => b.layout)).toEqual(['row', 'row', 'row', 'row', 'col']);
    };
    await withBrowser(chromiumPath!, async (ctx) => {
      const page = await ctx.newPage();
      await page.setViewportSize({ width: 1280, height: 2000 });
      await page.setContent(html, { waitUntil: 'load' });
      await check(page);
      await mkdirP(OUT, { recursive: true });
      await page.locator('#routes').screenshot({ path: path.join(OUT, 'routes-1280.png') });
      // A4 portrait less the PDF's 12 mm side margins, at 96 px per inch.
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: Math.floor(((210 - 24) / 25.4) * 96), height: 2000 });
      await check(page);
    });
  });

  it('keeps a real parsed message with an encoded-word <script> subject inert', async () => {
    const html = renderHtmlReport(await resultsFromHostileMessage());
    await withBrowser(chromiumPath!, async (ctx) => {
      const page = await ctx.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      await page.setContent(html, { waitUntil: 'load' });
      const facts = (await page.evaluate(`(() => ({
        pwned: window.__pwned ?? 0,
        scripts: document.scripts.length,
        svgs: [...document.querySelectorAll('svg')].filter((s) => s.hasAttribute('onload')).length,
        text: document.body.textContent ?? '',
      }))()`)) as { pwned: number; scripts: number; svgs: number; text: string };
      expect(facts).toMatchObject({ pwned: 0, scripts: 0, svgs: 0 });
      expect(dialogs).toEqual([]);
      expect(facts.text).toContain(DECODED_SUBJECT.replace('\u202E', '[U+202E]'));
      expect(facts.text).not.toContain('\u202E');
    });
  });
});
