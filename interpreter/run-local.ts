/**
 * `runLocal`: runs a workflow to the end in memory, with plain functions as tasks and a
 * virtual clock (DESIGN.md "Interpreter", conformance/README.md). It is a tiny host built
 * on `advance` — the same step function the durable engine uses — with an event queue in
 * virtual time for task attempts and latencies, retry backoffs (the shared policy of
 * `retry.ts`), timers, signals, signal timeouts and child workflows.
 * @module
 */
import type { Diagnostic } from "./ast.ts";
import type { CompiledProgram } from "./compile-context.ts";
import { compile } from "./compile-source.ts";
import {
  cancelledError,
  type ErrorValue,
  taskError,
  timeoutError,
  workflowError,
} from "./errors.ts";
import { DEFAULT_RETRY, retryDelay, shouldRetry } from "./retry.ts";
import { type Command, type Limits, type Resolution, type TaskOptions } from "./vm-state.ts";
import { advance } from "./vm-advance.ts";
import type { SnapshotState } from "./snapshot.ts";

/** A task implementation: receives the inputs, returns (or resolves to) the result; throws to fail. */
// deno-lint-ignore no-explicit-any
export type TaskFunction = (inputs: any) => unknown | Promise<unknown>;

/** Options of {@link runLocal}. */
export interface RunLocalOptions {
  inputs?: unknown;
  tasks?: Record<string, TaskFunction>;
  /** Sources of child workflows by name (for `Workflow.run`). */
  workflows?: Record<string, string>;
  /** Signals sent to the workflow at virtual time `at` (seconds from the start). */
  signals?: { name: string; payload?: unknown; at?: number }[];
  /** Virtual seconds each attempt of a task takes (default 0). */
  taskLatency?: Record<string, number>;
  /** Virtual clock at the start, epoch ms (default 2025-01-01T00:00:00Z). */
  now?: number;
  /** Random source for retry jitter (default: no jitter). */
  random?: () => number;
  /** The workflow's name in `Context.workflow` (default "main"). */
  name?: string;
  limits?: Limits;
  /** Steps (calls of `advance`) before giving up (default 200,000). */
  maxSteps?: number;
  /**
   * Keep each saved state as JSON text between steps, as the durable engine does
   * (default true); false passes the state object along unchanged.
   */
  jsonStates?: boolean;
}

/** What {@link runLocal} returns. */
export interface RunLocalResult {
  /** `blocked`: the workflow waits for something that will never come. */
  status: "completed" | "failed" | "blocked";
  output?: unknown;
  error?: ErrorValue;
  diagnostics?: Diagnostic[];
  /** Every `Task.run` in the order started (one per call, not per attempt). */
  calls: { name: string; inputs: unknown }[];
  /** Virtual milliseconds from the start to the end. */
  elapsed: number;
  /** `console.log` lines. */
  logs: { level: string; message: string }[];
  /** Steps taken (calls of `advance`). */
  steps: number;
}

/** The default start of the virtual clock. */
const EPOCH = Date.UTC(2025, 0, 1);

interface Execution {
  id: string;
  name: string;
  program: CompiledProgram;
  inputs: unknown;
  state: SnapshotState | null;
  status: "running" | "suspended" | "completed" | "failed" | "cancelled";
  output?: unknown;
  error?: ErrorValue;
  parent: { exec: Execution; handle: string } | null;
  pending: Resolution[];
  /** Open signal waits by name, FIFO. */
  waits: Map<string, string[]>;
  /** Signals that arrived before a wait, by name, FIFO. */
  buffered: Map<string, unknown[]>;
  /** Handles settled or cancelled here (later outcomes are dropped). */
  closed: Set<string>;
  children: Map<string, Execution>;
  startedAt: number;
}

interface Event {
  at: number;
  seq: number;
  run: () => void | Promise<void>;
}

/** The in-memory host: executions, the virtual clock and its event queue. */
class LocalHost {
  options: RunLocalOptions;
  clock: number;
  start: number;
  events: Event[] = [];
  seq = 0;
  dirty = new Set<Execution>();
  calls: RunLocalResult["calls"] = [];
  logs: RunLocalResult["logs"] = [];
  steps = 0;
  nextId = 1;
  compiled = new Map<string, CompiledProgram | string>();

  constructor(options: RunLocalOptions) {
    this.options = options;
    this.start = this.clock = options.now ?? EPOCH;
  }

  at(time: number, run: Event["run"]): void {
    const ev = { at: Math.max(time, this.clock), seq: this.seq++, run };
    let i = this.events.length;
    while (i > 0 && (this.events[i - 1].at > ev.at)) i--;
    this.events.splice(i, 0, ev);
  }

  create(name: string, program: CompiledProgram, inputs: unknown, parent: Execution["parent"]) {
    const exec: Execution = {
      id: `local-${this.nextId++}`,
      name,
      program,
      inputs,
      state: null,
      status: "running",
      parent,
      pending: [],
      waits: new Map(),
      buffered: new Map(),
      closed: new Set(),
      children: new Map(),
      startedAt: this.clock,
    };
    this.dirty.add(exec);
    if (program.timeout !== null) {
      this.at(this.clock + program.timeout, () => {
        if (exec.status !== "running" && exec.status !== "suspended") return;
        this.end(exec, "failed", undefined, timeoutError(`workflow "${name}" timed out`));
      });
    }
    return exec;
  }

  deliver(exec: Execution, r: Resolution): void {
    if (exec.closed.has(r.handle)) return;
    exec.closed.add(r.handle);
    exec.pending.push(r);
    this.dirty.add(exec);
  }

  step(exec: Execution): void {
    if (exec.status !== "running" && exec.status !== "suspended") return;
    this.steps++;
    const r = advance(exec.program, {
      state: exec.state,
      inputs: exec.inputs,
      context: {
        executionId: exec.id,
        workflow: exec.name,
        version: exec.program.hash,
        startedAt: new Date(exec.startedAt).toISOString(),
      },
      now: this.clock,
      resolutions: exec.pending,
      limits: this.options.limits,
    });
    exec.pending = [];
    exec.state = this.options.jsonStates === false ? r.state : JSON.parse(JSON.stringify(r.state));
    for (const c of r.commands) this.command(exec, c);
    if (r.status === "suspended") exec.status = "suspended";
    else this.end(exec, r.status, r.output, r.error);
  }

  end(exec: Execution, status: Execution["status"], output?: unknown, error?: ErrorValue): void {
    exec.status = status;
    exec.output = output;
    exec.error = error;
    // Like the engine: cancelling cascades to unfinished children; a workflow that completes or
    // fails leaves the children it never awaited running (fire-and-forget).
    if (status === "cancelled") {
      for (const child of exec.children.values()) this.cancelExecution(child);
    }
    if (!exec.parent) return;
    const { exec: parent, handle } = exec.parent;
    if (status === "completed") this.deliver(parent, { handle, ok: true, value: output ?? null });
    else {
      const cause = error ?? cancelledError(`workflow "${exec.name}" was cancelled`);
      this.deliver(parent, { handle, ok: false, error: workflowError(exec.name, cause) });
    }
  }

  cancelExecution(exec: Execution): void {
    if (exec.status === "running" || exec.status === "suspended") {
      this.end(exec, "cancelled", undefined, cancelledError("cancelled with its parent"));
    }
  }

  command(exec: Execution, c: Command): void {
    switch (c.type) {
      case "task":
        this.calls.push({ name: c.name, inputs: c.inputs });
        this.at(this.clock, () => this.attempt(exec, c.handle, c.name, c.inputs, c.options, 1));
        return;
      case "workflow":
        return this.child(exec, c.handle, c.name, c.inputs);
      case "timer":
        this.at(c.fireAt, () => this.deliver(exec, { handle: c.handle, ok: true, value: null }));
        return;
      case "signal":
        return this.wait(exec, c.handle, c.name, c.timeoutAt);
      case "cancel":
        return this.cancel(exec, c.handle);
      case "log":
        this.logs.push({ level: c.level, message: c.message });
        return;
    }
  }

  async attempt(
    exec: Execution,
    handle: string,
    name: string,
    inputs: unknown,
    options: TaskOptions,
    attempt: number,
  ): Promise<void> {
    if (exec.closed.has(handle)) return;
    const fn = this.options.tasks?.[name];
    const latency = Math.max(0, (this.options.taskLatency?.[name] ?? 0) * 1000);
    const policy = options.retry ?? DEFAULT_RETRY;
    if (!fn) {
      const message = `no task named "${name}" is registered`;
      return this.deliver(exec, { handle, ok: false, error: taskError(name, message, attempt) });
    }
    let outcome: { ok: true; value: unknown } | { ok: false; message: string; details: unknown };
    try {
      outcome = { ok: true, value: await fn(structuredClone(inputs)) };
    } catch (e) {
      const err = e as { message?: unknown; details?: unknown };
      const message = typeof err?.message === "string" ? err.message : String(e);
      outcome = { ok: false, message, details: err?.details ?? null };
    }
    let finish = this.clock + latency;
    if (options.timeout !== undefined && latency > options.timeout) {
      finish = this.clock + options.timeout;
      outcome = { ok: false, message: `timed out after ${options.timeout} ms`, details: null };
    }
    if (outcome.ok) {
      const value = outcome.value === undefined ? null : outcome.value;
      return this.at(finish, () => this.deliver(exec, { handle, ok: true, value }));
    }
    const failure = outcome;
    if (shouldRetry(policy, attempt)) {
      const delay = retryDelay(policy, attempt, this.options.random?.() ?? 0.5);
      this.at(finish + delay, () => this.attempt(exec, handle, name, inputs, options, attempt + 1));
      return;
    }
    const error = taskError(name, failure.message, attempt, failure.details);
    this.at(finish, () => this.deliver(exec, { handle, ok: false, error }));
  }

  child(exec: Execution, handle: string, name: string, inputs: unknown): void {
    const program = this.program(name);
    if (typeof program === "string") {
      const cause = { name: "Error", message: program };
      this.deliver(exec, { handle, ok: false, error: workflowError(name, cause) });
      return;
    }
    exec.children.set(handle, this.create(name, program, inputs, { exec, handle }));
  }

  program(name: string): CompiledProgram | string {
    const cached = this.compiled.get(name);
    if (cached) return cached;
    const source = this.options.workflows?.[name];
    let result: CompiledProgram | string;
    if (source === undefined) result = `no workflow named "${name}"`;
    else {
      const r = compile(source);
      result = r.ok
        ? r.program
        : `workflow "${name}" does not compile: ${r.diagnostics[0]?.message}`;
    }
    this.compiled.set(name, result);
    return result;
  }

  wait(exec: Execution, handle: string, name: string, timeoutAt: number | null): void {
    const buffered = exec.buffered.get(name);
    if (buffered?.length) {
      this.deliver(exec, { handle, ok: true, value: buffered.shift() ?? null });
      return;
    }
    const waits = exec.waits.get(name) ?? [];
    waits.push(handle);
    exec.waits.set(name, waits);
    if (timeoutAt === null) return;
    this.at(timeoutAt, () => {
      if (exec.closed.has(handle)) return;
      removeWait(exec, handle);
      const error = timeoutError(`no "${name}" signal arrived in time`);
      this.deliver(exec, { handle, ok: false, error });
    });
  }

  signal(exec: Execution, name: string, payload: unknown): void {
    if (exec.status !== "running" && exec.status !== "suspended") return;
    const waits = exec.waits.get(name);
    const handle = waits?.shift();
    if (handle) this.deliver(exec, { handle, ok: true, value: payload ?? null });
    else exec.buffered.set(name, [...(exec.buffered.get(name) ?? []), payload ?? null]);
  }

  cancel(exec: Execution, handle: string): void {
    if (exec.closed.has(handle)) return;
    removeWait(exec, handle);
    const child = exec.children.get(handle);
    if (child) this.cancelExecution(child);
    this.deliver(exec, { handle, ok: false, error: cancelledError("cancelled: lost a race") });
  }

  async run(root: Execution): Promise<void> {
    const maxSteps = this.options.maxSteps ?? 200_000;
    for (;;) {
      for (const exec of [...this.dirty]) {
        this.dirty.delete(exec);
        this.step(exec);
      }
      if (this.dirty.size) continue;
      if (root.status !== "running" && root.status !== "suspended") return;
      if (this.steps >= maxSteps) {
        const message = `runLocal stopped after ${maxSteps} steps`;
        return this.end(root, "failed", undefined, { name: "RangeError", message });
      }
      const ev = this.events.shift();
      if (!ev) return;
      this.clock = ev.at;
      await ev.run();
      while (this.events.length && this.events[0].at === this.clock) {
        await this.events.shift()!.run();
      }
    }
  }
}

function removeWait(exec: Execution, handle: string): void {
  for (const list of exec.waits.values()) {
    const i = list.indexOf(handle);
    if (i >= 0) list.splice(i, 1);
  }
}

/**
 * Runs a workflow to its end in memory (conformance/README.md "The runLocal contract").
 * Timers, signal timeouts, task latencies and retry backoffs run on a virtual clock, so
 * a run takes milliseconds of real time. Retries follow `retry.ts` (default 3 attempts,
 * backoff 1 s · 2ⁿ; no jitter unless `random` is given).
 * @example
 * ```ts
 * const r = await runLocal('return await Task.run("add", { a: 2, b: 3 })', {
 *   tasks: { add: ({ a, b }) => a + b },
 * });
 * r.status; // "completed"
 * r.output; // 5
 * ```
 */
export async function runLocal(
  source: string,
  options: RunLocalOptions = {},
): Promise<RunLocalResult> {
  const host = new LocalHost(options);
  const compiled = compile(source);
  if (!compiled.ok) {
    const first = compiled.diagnostics[0];
    return {
      status: "failed",
      error: { name: "CompileError", message: first ? `line ${first.line}: ${first.message}` : "" },
      diagnostics: compiled.diagnostics,
      calls: [],
      elapsed: 0,
      logs: [],
      steps: 0,
    };
  }
  const root = host.create(options.name ?? "main", compiled.program, options.inputs ?? null, null);
  for (const s of options.signals ?? []) {
    host.at(host.start + (s.at ?? 0) * 1000, () => host.signal(root, s.name, s.payload));
  }
  await host.run(root);
  const status = root.status === "completed" || root.status === "failed" ? root.status : "blocked";
  const result: RunLocalResult = {
    status,
    calls: host.calls,
    elapsed: host.clock - host.start,
    logs: host.logs,
    steps: host.steps,
  };
  if (status === "completed") result.output = root.output ?? null;
  if (status === "failed") result.error = root.error;
  return result;
}
