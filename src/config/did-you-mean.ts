/**
 * "Did you mean …?" for misspelt names (settings, identifiers): the closest candidate by edit distance, if close
 * enough to be a plausible typo. Pure; no I/O.
 */

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate closest to `name` (case-insensitive, `-` and `_` alike), or null when none is close. */
export function didYouMean(name: string, candidates: readonly string[]): string | null {
  const normal = (s: string) => s.toLowerCase().replace(/-/g, '_');
  const target = normal(name);
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(target, normal(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return null;
  const allowed = Math.max(1, Math.floor(Math.max(target.length, 3) / 3));
  return best.distance <= allowed ? best.candidate : null;
}
