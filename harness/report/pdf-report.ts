/**
 * report.pdf: the HTML report printed by headless Chromium. The PDF is what
 * gets attached to the customer's change record, so it is printed from the
 * same template as report.html (one source, no second layout to drift), in
 * its print variant: every evidence block unfolded, since paper has no click.
 * The page is printed with JavaScript off: the report has none, and a missed
 * escape could then still not run. Without a browser the run still succeeds:
 * the renderer fails alone, saying how to get the PDF (render-all.ts).
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { MailflowError } from '../errors.ts';
import type { Results } from './model.ts';
import type { RunRenderer } from './render-all.ts';
import { renderHtmlReport } from './html-report.ts';
import { CHROMIUM_HINT, findChromium, launchBrowser, withBrowser, type LaunchedBrowser } from './browser.ts';
import type { BrowserContext } from 'playwright-core';
import { atomicWriteFile } from './atomic-write.ts';
import type { Paper } from './docx-report.ts';
import { SEAL_FILE } from './seal.ts';

export interface PdfOptions {
  /** Paper size; A4 unless told. */
  paper?: Paper;
  env?: NodeJS.ProcessEnv;
  /** A browser started ahead (prelaunchPdfBrowser), used instead of launching one; its owner closes it. */
  browser?: Promise<LaunchedBrowser | undefined>;
}

const FORMAT: Record<Paper, 'A4' | 'Letter'> = { a4: 'A4', letter: 'Letter' };

/** Prints `html` to PDF bytes with the given browser, scripts disabled. */
export async function printPdf(executablePath: string, html: string, paper: Paper = 'a4'): Promise<Buffer> {
  return withBrowser(executablePath, (ctx) => printWith(ctx, html, paper), { javaScriptEnabled: false });
}

async function printWith(ctx: BrowserContext, html: string, paper: Paper): Promise<Buffer> {
  const page = await ctx.newPage();
  try {
    // The page has no script and a CSP of default-src 'none'; nothing to wait for but layout.
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({
      format: FORMAT[paper],
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: '<div style="font-size:8px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
    });
  } finally {
    await page.close();
  }
}

/**
 * Starts the PDF's browser ahead of time (scripts off, as printPdf), so its
 * launch overlaps the plan's run instead of adding to it; undefined when no
 * Chromium is installed or it would not start (the renderer then says why).
 * The caller closes it.
 */
export async function prelaunchPdfBrowser(env: NodeJS.ProcessEnv = process.env): Promise<LaunchedBrowser | undefined> {
  const browser = await findChromium(env);
  return browser === undefined ? undefined : launchBrowser(browser, { javaScriptEnabled: false }).catch(() => undefined);
}

/**
 * How to get the PDF later. A signed-off folder is sealed, and re-rendering
 * in place would break `mailflow verify`, so it points elsewhere.
 */
export async function pdfLaterHint(dir: string, results: Results): Promise<string> {
  const sealed = (results.signoffs ?? []).length > 0 || (await access(path.join(dir, SEAL_FILE)).then(() => true, () => false));
  return sealed ? `\`mailflow report ${dir} --out OTHER_DIR\` (the folder is signed off and sealed)` : `\`mailflow report ${dir}\``;
}

/** The renderer writing report.pdf, or failing with how to get it when no browser is installed. */
export function pdfRenderer(opts: PdfOptions = {}): RunRenderer {
  return {
    name: 'pdf',
    outputs: ['report.pdf'],
    async write(dir: string, results: Results) {
      const browser = await findChromium(opts.env);
      if (browser === undefined) {
        throw new MailflowError('EINTERNAL', `report.pdf not written: no Chromium found; ${CHROMIUM_HINT}, then run ${await pdfLaterHint(dir, results)}`);
      }
      const file = path.join(dir, 'report.pdf');
      const html = renderHtmlReport(results, { print: true });
      const ready = opts.browser ? await opts.browser : undefined;
      await atomicWriteFile(file, ready ? await printWith(ready.ctx, html, opts.paper ?? 'a4') : await printPdf(browser, html, opts.paper));
      return [file];
    },
  };
}
