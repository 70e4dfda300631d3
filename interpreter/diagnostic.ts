/**
 * Builds `Diagnostic` values (LANGUAGE.md §8) from offsets: 1-based line and column, and
 * `from`/`to` clamped into the source.
 * @module
 */
import type { Diagnostic } from "./ast.ts";

/** A problem before it has a line and column. */
export interface Located {
  code: string;
  message: string;
  from: number;
  to: number;
  severity?: "error" | "warning";
}

/**
 * Returns a function that turns problems in `source` into diagnostics.
 * @example
 * ```ts
 * const toDiagnostic = diagnosticsFor("a\nbc");
 * toDiagnostic({ code: "syntax", message: "x", from: 3, to: 4 }).line; // 2
 * ```
 */
export function diagnosticsFor(source: string): (problem: Located) => Diagnostic {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) {
    if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  }
  return (problem) => {
    const from = clamp(problem.from, 0, source.length);
    const to = clamp(problem.to, from, source.length);
    const line = lineIndex(lineStarts, from);
    return {
      severity: problem.severity ?? "error",
      code: problem.code,
      message: problem.message,
      line: line + 1,
      column: from - lineStarts[line] + 1,
      from,
      to,
    };
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(Number.isFinite(value) ? value : min, min), max);
}

/** Index of the last line start at or before `pos` (binary search). */
function lineIndex(lineStarts: number[], pos: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= pos) low = mid;
    else high = mid - 1;
  }
  return low;
}
