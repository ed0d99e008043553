import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../logger.ts';
import type { Results } from './model.ts';
import { defaultRenderers, renderRun, textRenderer } from './render-all.ts';
import type { RunRenderer } from './render-all.ts';
import { readResults } from './results-writer.ts';

const sample = (): Results => JSON.parse(readFileSync(new URL('./sample/results.json', import.meta.url), 'utf8')) as Results;

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'mailflow-render-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn(msg) { warnings.push(msg); } };
}

describe('renderRun', () => {
  it('writes results.json, report.html and junit.xml', async () => {
    const out = await renderRun(dir, sample());
    expect(out.failed).toEqual([]);
    expect(out.written).toEqual([join(dir, 'results.json'), join(dir, 'report.html'), join(dir, 'junit.xml')]);
    expect(await readResults(dir)).toEqual(sample());
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<!DOCTYPE html>');
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(/^<\?xml version="1.0"/);
  });

  it('isolates a renderer that throws or rejects', async () => {
    const logger = recordingLogger();
    const throwsSync: RunRenderer = { name: 'sync-bomb', write: () => { throw new Error('template exploded'); } };
    const rejects = textRenderer('async-bomb', 'never.txt', () => { throw new TypeError('bad field'); });
    const out = await renderRun(dir, sample(), logger, { renderers: [throwsSync, ...defaultRenderers, rejects] });
    expect(out.failed).toEqual([
      { renderer: 'sync-bomb', error: 'template exploded' },
      { renderer: 'async-bomb', error: 'bad field' },
    ]);
    expect(out.written).toHaveLength(3);
    expect(logger.warnings).toEqual(['renderer sync-bomb failed', 'renderer async-bomb failed']);
    expect((await readResults(dir)).run.id).toBe(sample().run.id);
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
