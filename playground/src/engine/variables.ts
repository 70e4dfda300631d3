/**
 * Reads a workflow's snapshot (`interpreter/snapshot.ts`) for the inspector: where it waits
 * (the `.flow` line of the innermost frame) and its variables by name, per frame, as plain
 * JSON (`describeState` in `interpreter/describe-state.ts`: handles show as
 * `{ handle, kind, status }`, functions as `{ function }`, an object met again as
 * `{ $ref }`). Programs compiled before names were recorded show variables by slot (`#0`).
 * @module
 */
import {
  type CompiledProgram,
  describeState,
  type SnapshotState,
  type StateDescription,
} from "../../../interpreter/mod.ts";

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
 * Every frame of a snapshot, innermost first, with its function, line and named variables;
 * null when the snapshot does not belong to the program.
 * @example
 * ```ts
 * variables(program, result.state); // { frames: [{ function: "main", line: 5, variables: { request: { id: "exp-1" } } }] }
 * ```
 */
export function variables(
  program: CompiledProgram,
  state: SnapshotState,
): StateDescription | null {
  try {
    return describeState(program, state);
  } catch {
    return null;
  }
}
