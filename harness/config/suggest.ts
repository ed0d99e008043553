/**
 * "Did you mean" for config keys and enum values: a misspelt key is the most
 * common config error and the fix is usually one character away.
 */

/** Case, `_` and `-` do not count: `reject_unauthorized` is `rejectUnauthorized`. */
function normalize(s: string): string {
  return s.toLowerCase().replace(/[-_]/g, '');
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition,
 * so "prot" is one edit from "port"). Inputs are config keys: short, bounded.
 */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.abs(a.length - b.length) + 64;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = v;
    }
  }
  return at(a.length, b.length);
}

/** The known word closest to `word`, when close enough to be a likely typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = normalize(word);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(w, normalize(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  // Allow one edit per three characters (at least one): "prot" -> "port", "hots" -> "host".
  const limit = Math.max(1, Math.floor(Math.max(w.length, 3) / 3));
  return best.distance <= limit ? best.candidate : undefined;
}
