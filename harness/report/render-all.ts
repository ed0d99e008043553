/**
 * Writes every output of a run into its folder. Each renderer runs in its own
 * error boundary (STYLE.md §8: a broken reporter cannot fail the run): a
 * renderer that throws is reported in `failed` and logged, and the others
 * still write their files.
 */
import { join } from 'node:path';
import { errorMessage } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import type { Logger } from '../logger.ts';
import type { Results } from './model.ts';
import { atomicWriteFile } from './atomic-write.ts';
import { createResultsWriter } from './results-writer.ts';
import { renderHtmlReport } from './html-report.ts';
import { renderJunit } from './junit.ts';
import { renderDocx, type Paper } from './docx-report.ts';
import { pdfRenderer, type PdfOptions } from './pdf-report.ts';

/** One output of a run: writes its file(s) into `dir` and returns the paths written. */
export interface RunRenderer {
  name: string;
  /** File names (in the run folder) this renderer writes: what goes stale when it fails. */
  outputs?: readonly string[];
  write(dir: string, results: Results): Promise<string[]>;
}

export interface RenderOutcome {
  written: string[];
  failed: { renderer: string; error: string }[];
}

/** A renderer producing one text file from the results. */
export function textRenderer(name: string, file: string, render: (results: Results) => string): RunRenderer {
  return {
    name,
    outputs: [file],
    async write(dir, results) {
      const path = join(dir, file);
      await atomicWriteFile(path, render(results));
      return [path];
    },
  };
}

/** Word document: report.docx. */
export function docxRenderer(paper: Paper = 'a4'): RunRenderer {
  return {
    name: 'docx',
    outputs: ['report.docx'],
    async write(dir, results) {
      const path = join(dir, 'report.docx');
      await atomicWriteFile(path, await renderDocx(results, { paper }));
      return [path];
    },
  };
}

export interface RendererOptions {
  /** Paper of report.docx and report.pdf (default A4). */
  paper?: Paper;
  /** A browser started ahead for the PDF (pdf-report.ts prelaunchPdfBrowser). */
  browser?: PdfOptions['browser'];
}

/**
 * results.json (through the shared writer queue), report.html, junit.xml,
 * report.docx and report.pdf (the last fails alone, saying how to get it,
 * when no Chromium is installed), on the paper asked for.
 */
export function renderersFor(opts: RendererOptions = {}): RunRenderer[] {
  return [{
    name: 'results',
    async write(dir, results) {
      const writer = createResultsWriter(dir);
      await writer.update(results);
      return [writer.path];
    },
  },
  textRenderer('html', 'report.html', (r) => renderHtmlReport(r)),
  textRenderer('junit', 'junit.xml', renderJunit),
  docxRenderer(opts.paper),
  pdfRenderer({ ...(opts.paper === undefined ? {} : { paper: opts.paper }), ...(opts.browser === undefined ? {} : { browser: opts.browser }) }),
  ];
}

/** Every output on A4 paper. */
export const defaultRenderers: readonly RunRenderer[] = renderersFor();

async function isolated(r: RunRenderer, dir: string, results: Results): Promise<string[] | Error> {
  try {
    // Wrapped in an async call so a renderer that throws synchronously is caught too.
    return await (async () => r.write(dir, results))();
  } catch (e) {
    return e instanceof Error ? e : new Error(errorMessage(e));
  }
}

/**
 * Writes every output of `defaultRenderers` (or `opts.renderers`) into `dir`. Never rejects for
 * a renderer's fault: failures come back in `failed` (and are logged as warnings).
 */
export async function renderRun(
  dir: string,
  results: Results,
  logger: Logger = silentLogger,
  opts: { renderers?: readonly RunRenderer[] } = {},
): Promise<RenderOutcome> {
  const renderers = opts.renderers ?? defaultRenderers;
  const outcomes = await Promise.all(renderers.map((r) => isolated(r, dir, results)));
  const out: RenderOutcome = { written: [], failed: [] };
  outcomes.forEach((o, i) => {
    const name = renderers[i]?.name ?? `renderer ${i}`;
    if (o instanceof Error) {
      out.failed.push({ renderer: name, error: o.message });
      logger.warn(`renderer ${name} failed`, { renderer: name, error: o.message });
    } else {
      out.written.push(...o);
      logger.debug(`renderer ${name} wrote ${o.length} file(s)`, { renderer: name, files: o });
    }
  });
  return out;
}
