/**
 * `advance`: the one pure step function of a workflow (DESIGN.md "Interpreter"). Given
 * the program, the saved state (or the start inputs) and the results that arrived, it
 * runs the VM until the workflow ends or waits, and returns the new state, the status
 * and the commands (the outbox) for the host to carry out.
 * @module
 */
import type { CompiledProgram } from "./compile-context.ts";
import { type ErrorValue, toFlowError } from "./errors.ts";
import { restore, serialize, type SnapshotState } from "./snapshot.ts";
import { exportJson, importJson } from "./values-json.ts";
import { Scope, toStr, VObj } from "./values.ts";
import { pendingLeaves, resolve } from "./vm-effects.ts";
import { execute, EXIT_SUSPEND, prepare } from "./vm.ts";
import { type Command, Frame, type Limits, type Resolution, type Status, VM } from "./vm-state.ts";

/** Who is running: available to the flow as `Context` (LANGUAGE.md §7). */
export interface ExecutionContext {
  executionId: string;
  workflow: string;
  version: string;
  startedAt: string;
}

/** The input of one step. */
export interface AdvanceInput {
  /** The state from the previous step; null for the first step (start with `inputs`). */
  state: SnapshotState | null;
  /** The start inputs (first step only). */
  inputs?: unknown;
  context: ExecutionContext;
  /** Epoch milliseconds; `Date.now()` inside the flow returns it. */
  now: number;
  /** Results that arrived since the last step, in arrival order. */
  resolutions: Resolution[];
  limits?: Limits;
}

/** The result of one step. */
export interface AdvanceResult {
  state: SnapshotState;
  status: Exclude<Status, "running">;
  /** The workflow's return value as plain JSON (completed). */
  output?: unknown;
  /** The uncaught error as plain JSON with its `.flow` line (failed). */
  error?: ErrorValue & { line?: number };
  /** The outbox: start work, timers, signal waits, cancellations, log lines. */
  commands: Command[];
  /** Leaf handles the workflow is waiting for (suspended). */
  waiting: string[];
}

function start(program: CompiledProgram, input: AdvanceInput): VM {
  const vm = new VM(program, input.limits);
  vm.inputs = importJson(input.inputs ?? null);
  const ctx = new VObj();
  for (const key of ["executionId", "workflow", "version", "startedAt"] as const) {
    ctx[key] = String(input.context?.[key] ?? "");
  }
  vm.context = ctx;
  const main = program.functions[0];
  const vars: unknown[] = [];
  for (let i = 0; i < main.slots; i++) vars.push(null);
  vm.frames = [new Frame(0, [], new Scope(null, vars))];
  return vm;
}

/**
 * A thrown `.flow` value as a plain error: error objects keep their fields; other values
 * become `{ name: "Error", message, value }`.
 * @example
 * ```ts
 * errorJson("oops"); // { name: "Error", message: "oops", value: "oops" }
 * ```
 */
export function errorJson(value: unknown): ErrorValue {
  let plain: unknown;
  try {
    plain = exportJson(value, "the error", 1 << 20);
  } catch {
    plain = toStr(value);
  }
  if (plain && typeof plain === "object" && !Array.isArray(plain)) {
    const o = plain as Record<string, unknown>;
    const name = typeof o.name === "string" ? o.name : "Error";
    const message = typeof o.message === "string" ? o.message : JSON.stringify(o);
    return { ...o, name, message };
  }
  return {
    name: "Error",
    message: typeof plain === "string" ? plain : JSON.stringify(plain),
    value: plain,
  };
}

function finalState(vm: VM, extra: Partial<SnapshotState>): SnapshotState {
  return {
    format: 1,
    program: vm.program.hash,
    status: vm.status,
    nextHandle: vm.nextHandle,
    seq: vm.seq,
    inputs: null,
    context: null,
    frames: [],
    waiting: null,
    heap: [],
    ...extra,
  };
}

function failed(vm: VM, value: unknown, line: number | null): AdvanceResult {
  vm.status = "failed";
  const error = { ...errorJson(value), line: line ?? undefined };
  if (error.line === undefined) delete error.line;
  return {
    state: finalState(vm, { error, errorLine: line }),
    status: "failed",
    error,
    commands: vm.commands,
    waiting: [],
  };
}

function finished(vm: VM): AdvanceResult {
  if (vm.status === "failed") return failed(vm, vm.error, vm.errorLine);
  let output: unknown;
  try {
    output = exportJson(vm.output, "the workflow's output", vm.payloadBytes);
  } catch (e) {
    return failed(vm, toFlowError(e), null);
  }
  return {
    state: finalState(vm, { output }),
    status: "completed",
    output,
    commands: vm.commands,
    waiting: [],
  };
}

function suspended(vm: VM): AdvanceResult {
  vm.status = "suspended";
  const { state, sizeBound } = serialize(vm);
  const limit = vm.limits.snapshotBytes;
  const size = sizeBound <= limit ? sizeBound : JSON.stringify(state).length;
  if (size > limit) {
    const message =
      `the workflow's state is ${size} bytes, over the ${vm.limits.snapshotBytes}-byte snapshot limit`;
    return failed(vm, toFlowError(new RangeError(message)), vm.line());
  }
  return {
    state,
    status: "suspended",
    commands: vm.commands,
    waiting: vm.waitingOn ? pendingLeaves(vm.waitingOn) : [],
  };
}

/**
 * Advances a workflow by one step: applies the resolutions, runs until the workflow
 * completes, fails or waits on a pending handle, and returns the new state and the
 * outbox. Pure: no I/O, no clock but `now`, no randomness but `Math.random()` inside
 * the flow. `.flow` errors never throw out of it (they fail the execution); it throws
 * only when `state` is not a snapshot of `program` (a host bug).
 *
 * A host loop: call with `state: null` and the inputs; carry out `commands`; when
 * results for the handles in `waiting` (or any others) arrive, call again with the saved
 * `state` and those `resolutions`; stop at `completed` or `failed`.
 * @example
 * ```ts
 * const { program } = compile('return await Task.run("add", { a: 1 })') as CompileOk;
 * const ctx = { executionId: "e1", workflow: "w", version: program.hash, startedAt: "" };
 * let r = advance(program, { state: null, inputs: {}, context: ctx, now: 0, resolutions: [] });
 * // r.status === "suspended", r.commands[0] = { type: "task", handle: "h1", name: "add", … }
 * r = advance(program, {
 *   state: r.state, context: ctx, now: 10,
 *   resolutions: [{ handle: "h1", ok: true, value: 2 }],
 * });
 * // r.status === "completed", r.output === 2
 * ```
 */
export function advance(program: CompiledProgram, input: AdvanceInput): AdvanceResult {
  const vm = input.state ? restore(program, input.state, input.limits) : start(program, input);
  if (vm.status === "completed" || vm.status === "failed") {
    return {
      state: input.state!,
      status: vm.status,
      output: input.state?.output,
      error: input.state?.error as AdvanceResult["error"],
      commands: [],
      waiting: [],
    };
  }
  vm.now = input.now;
  prepare(vm);
  try {
    for (const r of input.resolutions ?? []) resolve(vm, r);
    vm.waitingOn = null;
    if (execute(vm) === EXIT_SUSPEND) return suspended(vm);
  } catch (e) {
    return failed(vm, toFlowError(e), vm.line());
  }
  return finished(vm);
}
