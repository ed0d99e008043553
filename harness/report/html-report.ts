/**
 * The signed-off report as one self-contained HTML page (`report.html`):
 * inline CSS and SVG, no script and no network, readable offline, printable
 * on A4 and Letter, and the source of report.pdf.
 *
 * Everything read from a mailbox is hostile (DESIGN.md non-negotiables): the
 * template only uses handlebars' escaping `{{ }}`, is compiled with
 * `knownHelpersOnly` (no helper can be injected) and `strict` (a misspelt
 * field fails loudly in tests instead of rendering blank).
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Results } from './model.ts';
import { buildFullReportView, type FullReportView, type FullViewOptions } from './report-view.ts';

export const REPORT_TEMPLATE_URL = new URL('./templates/report.hbs', import.meta.url);

let compiled: Handlebars.TemplateDelegate<FullReportView> | undefined;

function template(): Handlebars.TemplateDelegate<FullReportView> {
  if (!compiled) {
    // An isolated environment: helpers registered elsewhere in the process
    // (by another renderer or a plugin) cannot change this page.
    const hbs = Handlebars.create();
    compiled = hbs.compile<FullReportView>(readFileSync(REPORT_TEMPLATE_URL, 'utf8'), { strict: true, knownHelpersOnly: true });
  }
  return compiled;
}

/**
 * The run as one self-contained HTML page, read from the results model only.
 * `print: true` is the PDF's variant: every evidence block unfolded.
 */
export function renderHtmlReport(results: Results, opts: FullViewOptions = {}): string {
  return template()(buildFullReportView(results, opts));
}
