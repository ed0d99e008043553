/**
 * The run summary for a terminal: one line per case, then the counts and the
 * outcome. Text from the run (details quote mail headers) is reduced to one
 * line with control characters removed, so a hostile header cannot move the
 * cursor, clear the screen or forge a line of output.
 */
import { comparisonLines } from './compare-runs.ts';
import { VERDICTS } from './model.ts';
import type { CaseResult, Results, Verdict } from './model.ts';
import { oneLine, shorten } from './sanitize.ts';
import { formatDuration } from './view-format.ts';
import { acceptance } from './acceptance.ts';
import { trustedResults } from './results-audit.ts';

export interface ConsoleOptions {
  /** ANSI colours; pass `shouldColor(process.stdout)` (default: none). */
  color?: boolean;
  /** Width the verdict column is padded to (default 6: "PASS  "). */
  verdictWidth?: number;
  /** Longest reason shown after a non-PASS verdict (default 120). */
  maxReason?: number;
}

/** Colours only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

const SGR: Record<Verdict, string> = { PASS: '32', FAIL: '31', ERROR: '35', NOT_RUN: '33', NOT_APPLICABLE: '90', ATTESTED: '36' };

function paint(text: string, v: Verdict, color: boolean): string {
  return color ? `\u001b[${SGR[v]}m${text}\u001b[0m` : text;
}

/** Why a case is not PASS: its first check with the case's verdict, with its domain and format. */
function reason(c: CaseResult): string {
  const check = c.checks.find((k) => k.verdict === c.verdict) ?? c.checks.find((k) => k.verdict !== 'PASS');
  if (!check) return c.checks.length === 0 ? 'no checks recorded' : '';
  const scope = [check.domain, check.format].filter((x) => x !== undefined && x !== '').join(', ');
  return scope ? `${scope}: ${check.detail}` : check.detail;
}

/** One line for a case: `MAN10 PASS  TLS encryption ...`, plus a short reason unless PASS. */
export function formatCaseLine(c: CaseResult, opts: ConsoleOptions = {}): string {
  const width = opts.verdictWidth ?? 6;
  // Pad outside the colour codes so alignment does not depend on them; a
  // verdict longer than the column still gets one separating space.
  const gap = ' '.repeat(Math.max(1, width - c.verdict.length));
  const head = `${oneLine(c.id)} ${paint(c.verdict, c.verdict, opts.color ?? false)}${gap}${oneLine(c.title)}`;
  if (c.verdict === 'PASS') return head;
  const why = oneLine(reason(c));
  return why ? `${head} - ${shorten(why, opts.maxReason ?? 120)}` : head;
}

/** The whole run for a terminal: header, one line per case, counts and outcome (verdicts recomputed, results-audit.ts). */
export function formatSummary(stored: Results, opts: ConsoleOptions = {}): string {
  const color = opts.color ?? false;
  const { results, audit } = trustedResults(stored);
  const verdictOf = acceptance(results, audit);
  const r = results.run;
  const width = Math.max(6, ...results.cases.map((c) => c.verdict.length + 1));
  const start = Date.parse(r.startedAt);
  const end = r.finishedAt === undefined ? Number.NaN : Date.parse(r.finishedAt);
  const lines = [`Run ${oneLine(r.id)}: ${oneLine(r.customer)} (${oneLine(r.target)}, ${oneLine(r.environment)})`];
  if (r.labFaults.length > 0) lines.push(`Lab faults: ${r.labFaults.map(oneLine).join(', ')}`);
  for (const w of r.warnings) lines.push(`Warning: ${oneLine(w)}`);
  if (!r.complete) lines.push(paint('INCOMPLETE: the run did not finish; results are partial.', 'NOT_RUN', color));
  if (verdictOf.partialLine !== '') lines.push(paint(`${verdictOf.partialLine}: only the selected cases were run.`, 'NOT_RUN', color));
  for (const i of audit.inconsistencies) lines.push(paint(`INCONSISTENT: ${oneLine(i)}`, 'ERROR', color));
  lines.push('');
  for (const c of results.cases) lines.push(formatCaseLine(c, { ...opts, color, verdictWidth: width }));
  lines.push('');
  const counts = VERDICTS.filter((v) => results.summary[v] > 0).map((v) => paint(`${v} ${results.summary[v]}`, v, color));
  const took = formatDuration(end - start);
  lines.push(`${counts.join('  ') || 'no cases'}${took ? `  (${took})` : ''}`);
  lines.push(`Mandatory cases failed: ${verdictOf.mandatoryFailed}`);
  if (results.comparison) {
    const moved = comparisonLines(results.comparison);
    for (const l of moved) lines.push(paint(oneLine(l), l.startsWith('Regressed') ? 'FAIL' : l.startsWith('Fixed') ? 'PASS' : 'NOT_RUN', color));
    if (moved.length === 0) lines.push(`No case changed its verdict since run ${oneLine(results.comparison.previousRunId)}.`);
  }
  const { blocking } = verdictOf;
  if (blocking.length > 0) lines.push(paint(`Mandatory cases not passed: ${blocking.map((c) => `${oneLine(c.id)} ${c.verdict}`).join(', ')}`, 'FAIL', color));
  for (const c of verdictOf.coverage.filter((x) => !x.startsWith('Partial plan'))) lines.push(paint(oneLine(c), 'ERROR', color));
  if (verdictOf.accepted) lines.push(paint(verdictOf.outcome, 'PASS', color));
  else if (blocking.length === 0 && r.complete) lines.push(paint(oneLine(verdictOf.outcome), 'NOT_RUN', color));
  return lines.join('\n');
}
