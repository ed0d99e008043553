/**
 * The plan's cases in the order of the test plan document. Each case's full
 * metadata lives in its test file (tests/); this list only orders the report
 * and says which cases read the shared probes.
 */
export const PLAN_ORDER = [
  'MAN01', 'MAN02', 'MAN03', 'MAN04', 'MAN05', 'MAN06', 'OPT01', 'OPT02',
  'MAN07', 'MAN08', 'MAN09', 'MAN10', 'MAN11', 'MAN12', 'MAN13', 'MAN14', 'MAN15',
] as const;

/** Cases that read the outbound probes (MAN15 and MAN09 too: a reply chain starts from the delivered probe). */
export const PROBE_CASES: ReadonlySet<string> = new Set(['MAN07', 'MAN08', 'MAN10', 'MAN11', 'MAN12', 'MAN13', 'MAN14', 'MAN15', 'MAN09']);

export function planIndex(id: string): number {
  const i = (PLAN_ORDER as readonly string[]).indexOf(id);
  return i === -1 ? PLAN_ORDER.length : i;
}
