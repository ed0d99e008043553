/**
 * The plan's cases in the order of the test plan document. Each case's full
 * metadata lives in its test file (tests/); this list only orders the report
 * and says which cases read the shared probes.
 */
export const PLAN_ORDER = [
  'MAN01', 'MAN02', 'MAN03', 'MAN04', 'MAN05', 'MAN06', 'OPT01', 'OPT02',
  'MAN07', 'MAN08', 'MAN09', 'MAN10', 'MAN11', 'MAN12', 'MAN13', 'MAN14', 'MAN15',
] as const;

/**
 * What each case reads beyond the config and the gateway's API: the primary
 * probe, a probe of every configured format, the reply chains. The collector
 * sets below are derived from it, so `--only` gathers exactly the evidence
 * the selected cases need (a case that ran without it would fall back to an
 * attestation and could pass on nothing).
 */
const CASE_READS: Record<string, readonly ('probe' | 'every-format' | 'reply-chains')[]> = {
  MAN03: ['probe'], // every outbound delivery of the run used TLS
  MAN04: ['probe', 'reply-chains'], // the auto-allow entry fired for the reply
  MAN05: ['probe', 'reply-chains'],
  MAN06: ['probe'], // the gateway addresses seen delivering are permitted
  OPT02: ['every-format'], // MAN14's evidence
  MAN07: ['probe'], MAN08: ['probe'], MAN10: ['probe'], MAN11: ['probe'], MAN12: ['probe'], MAN13: ['probe'],
  MAN09: ['probe', 'reply-chains'],
  MAN14: ['every-format'],
  MAN15: ['every-format', 'reply-chains'],
};

const casesReading = (what: 'probe' | 'every-format' | 'reply-chains'): ReadonlySet<string> =>
  new Set(Object.entries(CASE_READS).filter(([, reads]) => reads.includes(what)).map(([id]) => id));

/** Cases that read a probe of every configured format; the others read the primary (first) format only. */
export const EVERY_FORMAT_CASES = casesReading('every-format');

/** Cases that read the reply chains (which start from the delivered probes). */
export const REPLY_CHAIN_CASES = casesReading('reply-chains');

/** Cases that read the outbound probes, of one format or of all. */
export const PROBE_CASES: ReadonlySet<string> = new Set([...casesReading('probe'), ...EVERY_FORMAT_CASES, ...REPLY_CHAIN_CASES]);

export function planIndex(id: string): number {
  const i = (PLAN_ORDER as readonly string[]).indexOf(id);
  return i === -1 ? PLAN_ORDER.length : i;
}
