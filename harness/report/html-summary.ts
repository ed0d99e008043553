/**
 * The self-contained HTML summary of a run (`report.html`): one file, inline
 * CSS, no script and no network, readable offline and attachable to a ticket.
 *
 * Everything read from a mailbox is hostile (DESIGN.md non-negotiables): the
 * template only uses handlebars' escaping `{{ }}`, is compiled with
 * `knownHelpersOnly` (no helper can be injected) and `strict` (a misspelt
 * field fails loudly in tests instead of rendering blank).
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Results } from './model.ts';
import { buildReportView } from './view-model.ts';
import type { ReportView, ViewOptions } from './view-model.ts';

const TEMPLATE_URL = new URL('./templates/summary.hbs', import.meta.url);

let compiled: Handlebars.TemplateDelegate<ReportView> | undefined;

function template(): Handlebars.TemplateDelegate<ReportView> {
  if (!compiled) {
    const source = readFileSync(TEMPLATE_URL, 'utf8');
    // An isolated environment: helpers registered elsewhere in the process
    // (by another renderer or a plugin) cannot change this page.
    const hbs = Handlebars.create();
    compiled = hbs.compile<ReportView>(source, { strict: true, knownHelpersOnly: true });
  }
  return compiled;
}

/** The run as one self-contained HTML page, read from the results model only. */
export function renderHtmlSummary(results: Results, opts: ViewOptions = {}): string {
  return template()(buildReportView(results, opts));
}
