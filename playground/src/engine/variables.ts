/**
 * Reads a workflow's snapshot (`interpreter/snapshot.ts`, format 1) for the inspector: where
 * it waits (the `.flow` line of the innermost frame) and the values in its scopes, decoded
 * from the heap into plain JSON for display. Handles show as `«handle …»`, functions as
 * `«function»`. The compiler keeps no variable names yet, so scopes list values by slot.
 * @module
 */
import type { CompiledProgram, SnapshotState } from "../../../interpreter/mod.ts";

type Encoded = unknown;

function decode(heap: unknown[][], value: Encoded, seen: Set<number>, depth: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (!Array.isArray(value)) return (value as { $: string }).$; // -0, NaN, Infinity
  const id = value[0] as number;
  if (seen.has(id) || depth > 6) return "«…»";
  const entry = heap[id] ?? [];
  const next = new Set(seen).add(id);
  switch (entry[0]) {
    case "a":
      return (entry[1] as Encoded[]).map((v) => decode(heap, v, next, depth + 1));
    case "o": {
      const flat = entry[1] as Encoded[];
      const out: Record<string, unknown> = {};
      for (let i = 0; i < flat.length; i += 2) {
        out[String(flat[i])] = decode(heap, flat[i + 1], next, depth + 1);
      }
      return out;
    }
    case "h":
      return `«handle ${entry[2]} ${entry[3]}»`;
    case "f":
      return "«function»";
    case "b":
      return `«${entry[1]}»`;
    default:
      return "«…»";
  }
}

/**
 * The `.flow` line the innermost frame stands at, or null.
 * @example
 * ```ts
 * waitingLine(program, result.state); // 5
 * ```
 */
export function waitingLine(program: CompiledProgram, state: SnapshotState): number | null {
  const frame = state.frames.at(-1);
  if (!frame) return null;
  const lines = program.functions[frame.fn]?.lines ?? [];
  return lines[Math.max(0, frame.pc - 1)] ?? lines[frame.pc] ?? null;
}

/**
 * The values of every scope of the innermost frame, innermost first, as plain JSON.
 * @example
 * ```ts
 * variables(result.state); // [["exp-1", null, …], …]
 * ```
 */
export function variables(state: SnapshotState): unknown[][] {
  const frame = state.frames.at(-1);
  const scopes: unknown[][] = [];
  let scope = frame?.env as Encoded;
  while (Array.isArray(scope) && scopes.length < 8) {
    const entry = state.heap[scope[0] as number];
    if (!entry || entry[0] !== "s") break;
    scopes.push((entry[2] as Encoded[]).map((v) => decode(state.heap, v, new Set(), 0)));
    scope = entry[1];
  }
  return scopes;
}
