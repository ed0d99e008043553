/**
 * The summary chart as numbers for an inline SVG donut: one circle per
 * verdict drawn with a dash pattern (pathLength 100, so a dash of 12.5 is
 * 12.5 % of the ring). The template writes only these numbers and fixed CSS
 * classes into the SVG: nothing from a message or a config reaches it.
 */
import type { Summary } from './model.ts';
import { VERDICTS } from './model.ts';
import { verdictView } from './view-model.ts';

export interface ChartSegment {
  css: string;
  label: string;
  count: number;
  /** "12.500 87.500": dash then gap, in percent of the ring. */
  dash: string;
  /** Where the dash starts: rotated so the first segment starts at 12 o'clock. */
  offset: string;
  percent: string;
}

export interface ChartView {
  total: number;
  segments: ChartSegment[];
  /** A text alternative for screen readers and for the Word report. */
  description: string;
}

const fixed = (n: number): string => n.toFixed(3);

/** Donut segments for the verdict counts; empty verdicts get no segment. */
export function chartView(summary: Summary): ChartView {
  const total = VERDICTS.reduce((n, v) => n + summary[v], 0);
  const segments: ChartSegment[] = [];
  let start = 0;
  for (const v of VERDICTS) {
    const count = summary[v];
    if (count === 0 || total === 0) continue;
    const pct = (count / total) * 100;
    const view = verdictView(v);
    // SVG dashes run clockwise from 3 o'clock; +25 moves the origin to 12 o'clock.
    segments.push({ css: view.css, label: view.label, count, dash: `${fixed(pct)} ${fixed(100 - pct)}`, offset: fixed(25 - start), percent: pct.toFixed(0) });
    start += pct;
  }
  const description = total === 0
    ? 'No case has a result yet.'
    : `${total} cases: ${segments.map((s) => `${s.count} ${s.label.toLowerCase()}`).join(', ')}.`;
  return { total, segments, description };
}
