/**
 * The live state of one execution while the VM runs: call frames, try handlers, the
 * handles it created and the commands (outbox) of the current step. `snapshot.ts` turns
 * it into plain JSON between steps.
 * @module
 */
import type { CompiledProgram } from "./compile-context.ts";
import type { ErrorValue } from "./errors.ts";
import type { Handle, Scope, VObj } from "./values.ts";

/** Options of a task or child workflow command (LANGUAGE.md §6). */
export interface TaskOptions {
  queue?: string;
  priority?: number;
  retry?: import("./retry.ts").RetryPolicy;
  /** Per-attempt timeout in milliseconds. */
  timeout?: number;
  idempotencyKey?: string;
}

/** The outbox of a step: what the host must do (DESIGN.md "Interpreter"). */
export type Command =
  | {
    type: "task";
    handle: string;
    name: string;
    inputs: unknown;
    options: TaskOptions;
    line: number;
  }
  | {
    type: "workflow";
    handle: string;
    name: string;
    inputs: unknown;
    options: TaskOptions;
    line: number;
  }
  | { type: "timer"; handle: string; fireAt: number }
  | { type: "signal"; handle: string; name: string; timeoutAt: number | null }
  | { type: "cancel"; handle: string }
  | { type: "log"; level: "log" | "warn" | "error"; message: string };

/** A result the host delivers for one handle. */
export type Resolution =
  | { handle: string; ok: true; value: unknown }
  | { handle: string; ok: false; error: ErrorValue };

/** Limits of one step (LANGUAGE.md §8). */
export interface Limits {
  /** Instructions one step may run before it fails (default 10,000,000). */
  instructions?: number;
  /** Nested user-function calls (default 1,000). */
  callDepth?: number;
  /** Bytes of the JSON snapshot (default 1 MiB). */
  snapshotBytes?: number;
  /** Bytes of one JSON payload: task inputs, outputs (default 1 MiB). */
  payloadBytes?: number;
}

/**
 * The default limits.
 * @example
 * ```ts
 * DEFAULT_LIMITS.instructions; // 10_000_000
 * ```
 */
export const DEFAULT_LIMITS: Required<Limits> = Object.freeze({
  instructions: 10_000_000,
  callDepth: 1000,
  snapshotBytes: 1 << 20,
  payloadBytes: 1 << 20,
});

/**
 * A try handler: where to go on a throw (catch, or finally when `catchPc` is -1) and the
 * scope and stack height to restore.
 * @example
 * ```ts
 * new Handler(10, -1, scope, 0);
 * ```
 */
export class Handler {
  catchPc: number;
  finallyPc: number;
  env: Scope;
  sp: number;
  constructor(catchPc: number, finallyPc: number, env: Scope, sp: number) {
    this.catchPc = catchPc;
    this.finallyPc = finallyPc;
    this.env = env;
    this.sp = sp;
  }
}

/**
 * One activation of a compiled function.
 * @example
 * ```ts
 * new Frame(0, [], scope);
 * ```
 */
export class Frame {
  fn: number;
  pc = 0;
  stack: unknown[];
  env: Scope;
  handlers: Handler[] | null = null;
  /** True when a built-in called this function: returning hands the value back to it. */
  barrier = false;
  constructor(fn: number, stack: unknown[], env: Scope) {
    this.fn = fn;
    this.stack = stack;
    this.env = env;
  }
}

/** Where a run of the VM stopped. */
export type ExitReason = 0 | 1 | 2;
/** The program finished (completed or failed). */
export const EXIT_DONE: ExitReason = 0;
/** The program waits for a pending handle (`vm.waitingOn`). */
export const EXIT_SUSPEND: ExitReason = 1;
/** A function called by a built-in returned (`vm.returned`). */
export const EXIT_RETURN: ExitReason = 2;

/**
 * A `.flow` function value made callable from a built-in (`map`, `sort` …): it takes the
 * arguments one by one, and only the count fixed when it was made is passed on.
 */
export type Callback = (a?: unknown, b?: unknown, c?: unknown, d?: unknown) => unknown;

/** Execution status as reported by `advance`. */
export type Status = "running" | "suspended" | "completed" | "failed";

/**
 * The whole live state of an execution.
 * @example
 * ```ts
 * const vm = new VM(program, limits);
 * ```
 */
export class VM {
  program: CompiledProgram;
  frames: Frame[] = [];
  inputs: unknown = null;
  context: VObj | null = null;
  now = 0;
  /** Counter for handle ids ("h1", "h2" …). */
  nextHandle = 1;
  /** Counter for settlement order. */
  seq = 1;
  commands: Command[] = [];
  status: Status = "running";
  output: unknown = null;
  error: unknown = null;
  errorLine: number | null = null;
  waitingOn: Handle | null = null;
  budget: number;
  maxDepth: number;
  payloadBytes: number;
  limits: Required<Limits>;
  /** Depth of built-in callbacks currently running (they may not suspend). */
  nested = 0;
  returned: unknown = null;
  /** Pending leaf handles by id, for resolutions. */
  leaves = new Map<string, Handle>();
  /** Calls a `.flow` function value from a built-in (installed by `vm.ts`). */
  call: (fn: unknown, args: unknown[]) => unknown = () => null;
  /**
   * Makes a function value callable from a built-in many times with `n` (≤ 4) arguments
   * (installed by `vm.ts`); cheaper per call than {@link VM.call}.
   */
  callback: (fn: unknown, n: number) => Callback = () => () => null;

  constructor(program: CompiledProgram, limits: Limits = {}) {
    this.program = program;
    this.limits = withDefaults(limits);
    this.budget = this.limits.instructions;
    this.maxDepth = this.limits.callDepth;
    this.payloadBytes = this.limits.payloadBytes;
  }

  /** The `.flow` line the current frame is executing. */
  line(): number {
    const f = this.frames[this.frames.length - 1];
    if (!f) return 0;
    const lines = this.program.functions[f.fn].lines;
    return lines[Math.max(0, Math.min(f.pc - 1, lines.length - 1))] ?? 0;
  }
}

/** The limits given as positive numbers, the defaults for the others. */
function withDefaults(limits: Limits): Required<Limits> {
  const pick = (v: number | undefined, otherwise: number) =>
    typeof v === "number" && v > 0 ? v : otherwise;
  return {
    instructions: pick(limits.instructions, DEFAULT_LIMITS.instructions),
    callDepth: pick(limits.callDepth, DEFAULT_LIMITS.callDepth),
    snapshotBytes: pick(limits.snapshotBytes, DEFAULT_LIMITS.snapshotBytes),
    payloadBytes: pick(limits.payloadBytes, DEFAULT_LIMITS.payloadBytes),
  };
}
