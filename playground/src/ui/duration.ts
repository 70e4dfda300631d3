/**
 * Durations as `.flow` writes them (LANGUAGE.md §6): seconds as a number, or a string with a
 * unit (`"500ms"`, `"30s"`, `"5m"`, `"2h"`, `"7d"`).
 * @module
 */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Converts a duration to milliseconds.
 * @example
 * ```ts
 * durationMs("2h"); // 7200000
 * durationMs(5); // 5000
 * ```
 */
export function durationMs(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value * 1000;
  const match = typeof value === "string"
    ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value)
    : null;
  if (!match) {
    throw new RangeError(
      `invalid duration ${JSON.stringify(value)}: use seconds or "30s", "5m", "2h"`,
    );
  }
  return Number(match[1]) * UNITS[match[2]];
}

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
