/**
 * "Did you mean" for misspelt identifiers: the closest known name by Damerau–Levenshtein distance (optimal string
 * alignment: insert, delete, substitute, swap two neighbours), ignoring case, within a distance that grows with
 * the length of the word. Pure.
 */

/** Edit distance with adjacent transpositions (optimal string alignment). Stops early above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const width = b.length + 1;
  let before = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] as number;
}

/** How far a guess may be from the word: 1 edit for short words, up to 3 for long ones. */
function tolerance(word: string): number {
  if (word.length <= 3) return 1;
  if (word.length <= 7) return 2;
  return 3;
}

/** The known name closest to `word`, or null when none is close enough. Ties go to the first candidate. */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  const wanted = word.toLowerCase();
  const limit = tolerance(word);
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const lower = candidate.toLowerCase();
    // Same name in another case is the best guess there is, but still not equal: rank it just above an exact match.
    const distance = lower === wanted ? 0.5 : editDistance(wanted, lower, Math.min(limit, bestDistance));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
