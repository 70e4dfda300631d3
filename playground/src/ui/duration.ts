/**
 * Durations for people, as the timeline and the clock panel show them.
 * @module
 */

/**
 * Formats milliseconds for people: `2h 5m`, `30s`, `250ms`.
 * @example
 * ```ts
 * formatDuration(7_500_000); // "2h 5m"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(" ");
}
