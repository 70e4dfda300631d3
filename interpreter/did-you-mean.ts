/**
 * "Did you mean …?" hints for misspelled names (LANGUAGE.md §8), by edit distance.
 * @module
 */

/**
 * The Levenshtein distance between two strings (insertions, deletions, substitutions).
 * @example
 * ```ts
 * editDistance("runn", "run"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The closest candidate to `name`, if it is close enough to be a likely typo (case
 * differences count as near misses).
 * @example
 * ```ts
 * closest("runn", ["run"]); // "run"
 * closest("xyz", ["run"]); // undefined
 * ```
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.max(1, Math.floor(name.length / 3));
  for (const candidate of candidates) {
    if (candidate === name || candidate === "") continue;
    const distance = candidate.toLowerCase() === name.toLowerCase()
      ? 0.5
      : editDistance(name, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The hint sentence to append to a message, or "".
 * @example
 * ```ts
 * didYouMean("runn", ["run"]); // ' Did you mean "run"?'
 * ```
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closest(name, candidates);
  return best === undefined ? "" : ` Did you mean "${best}"?`;
}
