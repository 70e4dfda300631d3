/**
 * The messages between the page and the engine's Web Worker: numbered requests answered by
 * numbered responses, plus unsolicited notices (something changed, the clock moved).
 * Everything is structured-clone data.
 * @module
 */

/** What the clock panel shows. */
export interface ClockState {
  /** Virtual milliseconds since the epoch. */
  now: number;
  /** Whether the engine is paused (its worker claims nothing). */
  paused: boolean;
  /** Whether timers fire as soon as they are set (the clock jumps to them). */
  autoSkip: boolean;
  /** Virtual time of the next deadline (timer, signal timeout, retry), or null. */
  nextTimer: number | null;
}

/** Page → worker. */
export interface EngineRequest {
  id: number;
  method: string;
  args: unknown[];
}

/** Worker → page: the answer to request `id`. */
export interface EngineResponse {
  id: number;
  result?: unknown;
  error?: { name: string; message: string };
}

/** Worker → page, unasked. */
export type EngineNotice =
  | { notice: "changed" }
  | { notice: "clock"; state: ClockState };

/** What `boot` answers. */
export interface BootInfo {
  /** Which runtime runs flows, e.g. "Rhythm engine on PGlite". */
  description: string;
  /** Milliseconds spent in each boot phase, for the status bar and the benchmark. */
  timings: Record<string, number>;
  /** Whether PGlite started from an already migrated data directory (no `initdb`). */
  cached: boolean;
  /** Where PGlite's data directory came from: the build, this browser's cache, or `initdb`. */
  origin: "shipped" | "cached" | "initdb";
  /** When each boot phase ended in the worker, as epoch ms (`timeOrigin + now()`). */
  marks: Record<string, number>;
}

/** Clock actions the page can ask for. */
export type ClockAction =
  | { action: "pause" }
  | { action: "resume" }
  | { action: "next" }
  | { action: "advance"; ms: number }
  | { action: "autoSkip"; on: boolean }
  | { action: "get" };

/**
 * Whether a worker message is a response (as opposed to a notice).
 * @example
 * ```ts
 * isResponse({ id: 1, result: 2 }); // true
 * isResponse({ notice: "changed" }); // false
 * ```
 */
export function isResponse(message: EngineResponse | EngineNotice): message is EngineResponse {
  return "id" in message;
}
