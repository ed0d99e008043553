import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../logger.ts';
import { defaultRenderers, renderRun, textRenderer } from './render-all.ts';
import { pdfRenderer } from './pdf-report.ts';
import type { RunRenderer } from './render-all.ts';
import { readResults } from './results-writer.ts';
import { findChromium } from './browser.ts';
import { sample } from './sample-results.test-helper.ts';

const hasChromium = (await findChromium()) !== undefined;
const outputs = (dir: string): string[] =>
  ['results.json', 'report.html', 'junit.xml', 'report.docx', ...(hasChromium ? ['report.pdf'] : [])].map((f) => join(dir, f));


let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'mailflow-render-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn(msg) { warnings.push(msg); } };
}

describe('renderRun', () => {
  it('writes results.json, report.html, junit.xml, report.docx and (with a browser) report.pdf', async () => {
    const out = await renderRun(dir, sample());
    expect(out.failed).toEqual(hasChromium ? [] : [expect.objectContaining({ renderer: 'pdf' })]);
    expect(out.written).toEqual(outputs(dir));
    expect(await readResults(dir)).toEqual(sample());
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<!DOCTYPE html>');
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(/^<\?xml version="1.0"/);
  });

  it('isolates a renderer that throws or rejects', async () => {
    const logger = recordingLogger();
    const throwsSync: RunRenderer = { name: 'sync-bomb', write: () => { throw new Error('template exploded'); } };
    const rejects = textRenderer('async-bomb', 'never.txt', () => { throw new TypeError('bad field'); });
    const renderers = defaultRenderers.filter((r) => r.name !== 'pdf');
    const out = await renderRun(dir, sample(), logger, { renderers: [throwsSync, ...renderers, rejects] });
    expect(out.failed).toEqual([
      { renderer: 'sync-bomb', error: 'template exploded' },
      { renderer: 'async-bomb', error: 'bad field' },
    ]);
    expect(out.written).toHaveLength(4);
    expect(logger.warnings).toEqual(['renderer sync-bomb failed', 'renderer async-bomb failed']);
    expect((await readResults(dir)).run.id).toBe(sample().run.id);
  });

  it('says how to get the PDF when no browser is installed, and still writes the rest', async () => {
    const out = await renderRun(dir, sample(), undefined, { renderers: [pdfRenderer({ env: { MAILFLOW_CHROMIUM: join(dir, 'no-such-browser') } })] });
    expect(out.written).toEqual([]);
    expect(out.failed[0]?.error).toMatch(/report\.pdf not written: no Chromium found; install Chromium .*apt-get install chromium.* then run `mailflow report /);
    expect(out.failed[0]?.error).toContain(`run \`mailflow report ${dir}\``);
  });

  it('points a signed-off folder at --out for the PDF, since re-rendering in place breaks the seal', async () => {
    const signed = sample();
    signed.signoffs = [{ role: 'executed', by: 'Dana Whitfield', at: '2025-03-05T10:00:00.000Z' }];
    const out = await renderRun(dir, signed, undefined, { renderers: [pdfRenderer({ env: { MAILFLOW_CHROMIUM: join(dir, 'no-such-browser') } })] });
    expect(out.failed[0]?.error).toContain(`then run \`mailflow report ${dir} --out OTHER_DIR\` (the folder is signed off and sealed)`);
  });

  it('renders a partial run', async () => {
    const partial = sample();
    partial.run.complete = false;
    delete partial.run.finishedAt;
    partial.cases = partial.cases.slice(0, 3);
    const out = await renderRun(dir, partial);
    expect(out.failed).toEqual([]);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('Incomplete run');
  });
});
