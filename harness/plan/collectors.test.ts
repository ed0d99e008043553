import { describe, expect, it } from 'vitest';
import type { Config } from '../config/schema.ts';
import { probeFormats } from './collectors.ts';

const config = { probes: { formats: ['html', 'text', 'html-only', 'rich-text'] } } as unknown as Config;

describe('probeFormats', () => {
  it('sends every configured format for a whole run', () => {
    expect(probeFormats(config, [])).toEqual(['html', 'text', 'html-only', 'rich-text']);
  });

  it('sends every format when a selected case reads them all (MAN14, MAN15, OPT02)', () => {
    for (const id of ['MAN14', 'man15', 'OPT02']) expect(probeFormats(config, ['MAN10', id])).toHaveLength(4);
  });

  it('sends only the primary probe when the selected cases read nothing else', () => {
    expect(probeFormats(config, ['MAN07', 'MAN08', 'MAN10', 'MAN11', 'MAN12', 'MAN13'])).toEqual(['html']);
  });
});
