/**
 * Reads a workflow's snapshot (`interpreter/snapshot.ts`) for the inspector: where it waits
 * (the `.flow` line of the innermost frame) and the values in its scopes, decoded from the
 * heap into plain JSON for display. Handles show as `«task handle, pending»`, functions as
 * `«function»`. The compiler keeps no variable names yet, so scopes list values by slot.
 *
 * Heap format (snapshot format 1): a reference is the string `"@<index>"` (`"@@x"` is the
 * string `"@x"`); entries are `["a", ...items]`, `["o", k1, v1, …]`, `["s", parent, ...vars]`,
 * `["f", fn, env]`, `["b", name, namespace]`, `["h", id, kind, state, value, …]`.
 * @module
 */
import type { CompiledProgram, SnapshotState } from "../../../interpreter/mod.ts";

type Heap = unknown[][];

/** The heap index a value refers to, or null for a plain value. */
function refOf(value: unknown): number | null {
  if (typeof value === "string" && value.startsWith("@") && !value.startsWith("@@")) {
    const index = Number(value.slice(1));
    return Number.isInteger(index) ? index : null;
  }
  return null;
}

function scalar(value: unknown): unknown {
  if (typeof value === "string") return value.startsWith("@@") ? value.slice(1) : value;
  if (value !== null && typeof value === "object") return (value as { $?: string }).$ ?? value;
  return value;
}

function decode(heap: Heap, value: unknown, seen: Set<number>, depth: number): unknown {
  const ref = refOf(value);
  if (ref === null) return scalar(value);
  if (seen.has(ref) || depth > 6) return "«…»";
  const entry = heap[ref] ?? [];
  const next = new Set(seen).add(ref);
  const item = (v: unknown) => decode(heap, v, next, depth + 1);
  switch (entry[0]) {
    case "a":
      return entry.slice(1).map(item);
    case "o": {
      const out: Record<string, unknown> = {};
      for (let i = 1; i + 1 < entry.length; i += 2) out[String(entry[i])] = item(entry[i + 1]);
      return out;
    }
    case "h":
      return `«${entry[2]} handle, ${entry[3]}»`;
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
 * variables(result.state); // [[{ id: "exp-1" }, null, …], …]
 * ```
 */
export function variables(state: SnapshotState): unknown[][] {
  const heap = state.heap as Heap;
  const scopes: unknown[][] = [];
  let scope = refOf(state.frames.at(-1)?.env);
  while (scope !== null && scopes.length < 8) {
    const entry = heap[scope];
    if (!entry || entry[0] !== "s") break;
    scopes.push(entry.slice(2).map((v) => decode(heap, v, new Set(), 0)));
    scope = refOf(entry[1]);
  }
  return scopes;
}
