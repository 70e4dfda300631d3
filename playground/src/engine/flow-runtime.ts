/**
 * Runs flows with the REAL interpreter: each workflow step is `advance` (the same pure step
 * function the durable engine runs) and its commands are carried out here — tasks on the
 * real engine's queue and worker loop (`engine-tasks.ts`), timers and signal timeouts on the
 * virtual clock, signals from the page, child workflows as further runs. Every step is
 * recorded with its `.flow` line and the snapshot's variables.
 *
 * FALLBACK: workflow executions and their steps live in memory in this Web Worker (not in
 * the engine's tables) until the engine runs workflows itself (issue 5); then this module
 * gives way to the engine's workflow runner.
 * @module
 */
import {
  advance,
  cancelledError,
  type Command,
  compile,
  type CompiledProgram,
  type ErrorValue,
  type Resolution,
  type SnapshotState,
  taskError,
  timeoutError,
  workflowError,
} from "../../../interpreter/mod.ts";
import type { Execution, ExecutionFilter } from "../source/types.ts";
import type { VirtualClock } from "./clock.ts";
import type { EngineTasks, TaskFailure } from "./engine-tasks.ts";
import { MemoryStore } from "./memory-store.ts";
import type { RunRequest, Runtime } from "./runtime.ts";
import { variables, waitingLine } from "./variables.ts";

interface Run {
  execution: Execution;
  program: CompiledProgram;
  state: SnapshotState | null;
  pending: Resolution[];
  waits: Map<string, string[]>;
  buffered: Map<string, unknown[]>;
  cancels: Map<string, () => void>;
  closed: Set<string>;
  children: Run[];
  parent: { run: Run; handle: string } | null;
  scheduled: boolean;
}

const ACTIVE = new Set(["pending", "running", "suspended"]);

/**
 * Creates the runtime: the real interpreter on a virtual clock, tasks on the real engine.
 * @example
 * ```ts
 * const runtime = createFlowRuntime(new VirtualClock(), await startEngineTasks(pg));
 * const id = await runtime.start({ workflow: "w", workflows: { w: "return 1" }, tasks: [], inputs: {} });
 * ```
 */
export function createFlowRuntime(clock: VirtualClock, engine: EngineTasks): Runtime {
  const store = new MemoryStore(() => clock.now());
  const runs = new Map<string, Run>();
  let sources: Record<string, string> = {};

  function startRun(name: string, inputs: unknown, parent: Run["parent"]): Run {
    const source = sources[name];
    if (source === undefined) throw new Error(`no workflow named "${name}" in this project`);
    const compiled = compile(source);
    if (!compiled.ok) {
      const first = compiled.diagnostics[0];
      throw new Error(`${name}.flow:${first.line}:${first.column}: ${first.message}`);
    }
    const execution = store.create({
      kind: "workflow",
      name,
      inputs,
      parent: parent?.run.execution.id ?? null,
      source,
      status: "running",
    });
    store.event(execution.id, "workflow.started", {
      data: { inputs, version: compiled.hash.slice(0, 12) },
    });
    const run: Run = {
      execution,
      program: compiled.program,
      state: null,
      pending: [],
      waits: new Map(),
      buffered: new Map(),
      cancels: new Map(),
      closed: new Set(),
      children: [],
      parent,
      scheduled: false,
    };
    runs.set(execution.id, run);
    parent?.run.children.push(run);
    schedule(run);
    return run;
  }

  function schedule(run: Run): void {
    if (run.scheduled) return;
    run.scheduled = true;
    setTimeout(() => {
      run.scheduled = false;
      step(run);
    }, 0);
  }

  function deliver(run: Run, resolution: Resolution): void {
    if (run.closed.has(resolution.handle) || !ACTIVE.has(run.execution.status)) return;
    run.closed.add(resolution.handle);
    run.cancels.get(resolution.handle)?.();
    run.cancels.delete(resolution.handle);
    run.pending.push(resolution);
    schedule(run);
  }

  function step(run: Run): void {
    if (!ACTIVE.has(run.execution.status)) return;
    const { execution } = run;
    const result = advance(run.program, {
      state: run.state,
      inputs: execution.inputs,
      context: {
        executionId: execution.id,
        workflow: execution.name,
        version: run.program.hash,
        startedAt: new Date(execution.createdAt).toISOString(),
      },
      now: clock.now(),
      resolutions: run.pending.splice(0),
    });
    run.state = result.state;
    const line = result.status === "failed"
      ? result.error?.line ?? null
      : waitingLine(run.program, result.state);
    store.event(execution.id, "step.committed", {
      line: line ?? undefined,
      data: {
        status: result.status,
        commands: result.commands.filter((c) => c.type !== "log").length,
      },
      snapshot: result.status === "suspended" ? { scopes: variables(result.state) } : undefined,
    });
    for (const command of result.commands) carryOut(run, command);
    if (result.status === "suspended") {
      const on = result.waiting.length === 1
        ? describe(run, result.waiting[0])
        : `${result.waiting.length} handles`;
      store.update(execution.id, { status: "suspended", waiting: { on, line: line ?? undefined } });
    } else finish(run, result.status, result.output, result.error);
  }

  const labels = new Map<string, string>();
  const describe = (run: Run, handle: string) =>
    labels.get(`${run.execution.id}/${handle}`) ?? handle;
  const label = (run: Run, handle: string, text: string) =>
    labels.set(`${run.execution.id}/${handle}`, text);

  function finish(
    run: Run,
    status: "completed" | "failed" | "cancelled",
    output?: unknown,
    error?: ErrorValue & { line?: number },
  ) {
    const { execution } = run;
    for (const cancel of run.cancels.values()) cancel();
    run.cancels.clear();
    store.update(execution.id, {
      status,
      output: output ?? null,
      error: error ?? null,
      waiting: status === "failed" && error?.line ? { on: "failed", line: error.line } : null,
    });
    store.event(execution.id, `workflow.${status}`, {
      line: error?.line,
      data: status === "completed" ? { output: output ?? null } : error,
    });
    for (const child of run.children) {
      if (ACTIVE.has(child.execution.status)) {
        finish(child, "cancelled", undefined, cancelledError("cancelled with its parent"));
      }
    }
    if (!run.parent) return;
    const { run: parent, handle } = run.parent;
    if (status === "completed") deliver(parent, { handle, ok: true, value: output ?? null });
    else {deliver(parent, {
        handle,
        ok: false,
        error: workflowError(execution.name, error ?? cancelledError("cancelled")),
      });}
  }

  function carryOut(run: Run, c: Command): void {
    const id = run.execution.id;
    switch (c.type) {
      case "task":
        label(run, c.handle, `task ${c.name}`);
        store.event(id, "task.started", { line: c.line, data: { task: c.name, inputs: c.inputs } });
        void runTask(run, c.handle, c.name, c.inputs, c.options.retry);
        return;
      case "workflow": {
        label(run, c.handle, `workflow ${c.name}`);
        try {
          const child = startRun(c.name, c.inputs, { run, handle: c.handle });
          store.event(id, "child.started", {
            line: c.line,
            data: { workflow: c.name, id: child.execution.id },
          });
        } catch (e) {
          deliver(run, {
            handle: c.handle,
            ok: false,
            error: workflowError(c.name, { name: "Error", message: (e as Error).message }),
          });
        }
        return;
      }
      case "timer":
        label(run, c.handle, `timer until ${new Date(c.fireAt).toISOString()}`);
        store.event(id, "timer.set", { data: { ms: c.fireAt - clock.now(), fireAt: c.fireAt } });
        run.cancels.set(
          c.handle,
          clock.schedule(c.fireAt, () => {
            store.event(id, "timer.fired");
            deliver(run, { handle: c.handle, ok: true, value: null });
          }),
        );
        return;
      case "signal":
        return waitForSignal(run, c.handle, c.name, c.timeoutAt);
      case "cancel":
        run.cancels.get(c.handle)?.();
        run.cancels.delete(c.handle);
        run.closed.add(c.handle);
        for (const list of run.waits.values()) {
          list.splice(
            0,
            list.length,
            ...list.filter((h) => h !== c.handle),
          );
        }
        return;
      case "log":
        store.event(id, "log", { data: [c.message] });
        return;
    }
  }

  async function runTask(run: Run, handle: string, name: string, inputs: unknown, retry: unknown) {
    const id = run.execution.id;
    try {
      const done = await engine.run(name, inputs, retry as never);
      store.event(id, "task.completed", { data: { task: name, id: done.id, output: done.output } });
      deliver(run, { handle, ok: true, value: done.output });
    } catch (thrown) {
      const failure = thrown as TaskFailure;
      store.event(id, "task.failed", { data: failure });
      deliver(run, {
        handle,
        ok: false,
        error: taskError(name, failure.message, failure.attempts ?? 1),
      });
    }
  }

  function waitForSignal(run: Run, handle: string, name: string, timeoutAt: number | null) {
    const id = run.execution.id;
    label(run, handle, `signal "${name}"`);
    store.event(id, "signal.waiting", { data: { name, timeoutAt } });
    const buffered = run.buffered.get(name);
    if (buffered?.length) return deliver(run, { handle, ok: true, value: buffered.shift() });
    run.waits.set(name, [...(run.waits.get(name) ?? []), handle]);
    if (timeoutAt === null) return;
    run.cancels.set(
      handle,
      clock.schedule(timeoutAt, () => {
        run.waits.set(name, (run.waits.get(name) ?? []).filter((h) => h !== handle));
        store.event(id, "signal.timeout", { data: { name } });
        deliver(run, { handle, ok: false, error: timeoutError(`no "${name}" signal in time`) });
      }),
    );
  }

  function find(id: string): Run {
    const run = runs.get(id);
    if (!run) throw new Error(`no workflow execution with id ${JSON.stringify(id)}`);
    return run;
  }

  return {
    description: "Rhythm interpreter (advance) + task queue and worker loop on PGlite",
    clock,
    start(request: RunRequest) {
      sources = { ...request.workflows };
      engine.setTasks(request.tasks);
      return Promise.resolve(startRun(request.workflow, request.inputs, null).execution.id);
    },
    signal(id, name, payload) {
      const run = find(id);
      if (!ACTIVE.has(run.execution.status)) {
        throw new Error(`execution ${id} is ${run.execution.status}`);
      }
      store.event(id, "signal.received", { data: { name, payload } });
      const handle = run.waits.get(name)?.shift();
      if (handle) deliver(run, { handle, ok: true, value: payload ?? null });
      else run.buffered.set(name, [...(run.buffered.get(name) ?? []), payload ?? null]);
      return Promise.resolve();
    },
    cancel(id) {
      const run = find(id);
      if (ACTIVE.has(run.execution.status)) {
        finish(run, "cancelled", undefined, cancelledError("cancelled from the inspector"));
      }
      return Promise.resolve();
    },
    async list(filter?: ExecutionFilter) {
      const all = [
        ...store.list(filter),
        ...(filter?.kind === "workflow" ? [] : await engine.list(filter)),
      ];
      return all.sort((a, b) => b.createdAt - a.createdAt).slice(0, filter?.limit ?? 200);
    },
    async get(id) {
      return runs.has(id) ? store.get(id) : (await engine.get(id)) ?? store.get(id);
    },
    async events(id) {
      return runs.has(id) ? store.events(id) : await engine.events(id);
    },
    onChange(listener) {
      const stops = [store.onChange(listener), engine.onChange(listener)];
      return () => stops.forEach((stop) => stop());
    },
  };
}
