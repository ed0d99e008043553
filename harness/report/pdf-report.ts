/**
 * report.pdf: the HTML report printed by headless Chromium. The PDF is what
 * gets attached to the customer's change record, so it is printed from the
 * very same page as report.html (one source, no second layout to drift).
 * Without a browser the run still succeeds: the renderer fails alone, with a
 * message saying how to get the PDF (render-all.ts isolates renderers).
 */
import path from 'node:path';
import { MailflowError } from '../errors.ts';
import type { Results } from './model.ts';
import type { RunRenderer } from './render-all.ts';
import { renderHtmlReport } from './html-report.ts';
import { CHROMIUM_HINT, findChromium, withBrowser } from './browser.ts';
import { atomicWriteFile } from './atomic-write.ts';

export interface PdfOptions {
  /** Paper size; A4 unless told (the report's CSS fits Letter as well). */
  format?: 'A4' | 'Letter';
  env?: NodeJS.ProcessEnv;
}

/** Prints `html` to PDF bytes with the given browser. */
export async function printPdf(executablePath: string, html: string, format: 'A4' | 'Letter' = 'A4'): Promise<Buffer> {
  return withBrowser(executablePath, async (ctx) => {
    const page = await ctx.newPage();
    // The page has no script and a CSP of default-src 'none'; nothing to wait for but layout.
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return page.pdf({
      format,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: '<div style="font-size:8px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
    });
  });
}

/** The renderer writing report.pdf, or failing with how to get it when no browser is installed. */
export function pdfRenderer(opts: PdfOptions = {}): RunRenderer {
  return {
    name: 'pdf',
    async write(dir: string, results: Results) {
      const browser = await findChromium(opts.env);
      if (browser === undefined) {
        throw new MailflowError('EINTERNAL', `report.pdf not written: no Chromium found; ${CHROMIUM_HINT}, then run \`mailflow report ${dir}\``);
      }
      const file = path.join(dir, 'report.pdf');
      await atomicWriteFile(file, await printPdf(browser, renderHtmlReport(results), opts.format));
      return [file];
    },
  };
}
