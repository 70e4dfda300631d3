/**
 * STAND-IN runtime, used only while the real interpreter (`interpreter/mod.ts`) and engine
 * (`worker/`) cannot run workflows yet: it runs a flow as an async JavaScript function with
 * host objects for `Task`, `Timer`, `Signal` and `Workflow`. It is not durable, records no
 * variable snapshots and knows no `.flow` lines. `runtime-select.ts` replaces it with the
 * real thing as soon as that exists.
 * @module
 */
import { compileMock, defaultMock, type MockFunction } from "../mocks.ts";
import type { Execution, ExecutionFilter } from "../source/types.ts";
import type { VirtualClock } from "./clock.ts";
import { durationMs } from "./duration.ts";
import { MemoryStore } from "./memory-store.ts";
import type { RunRequest, Runtime } from "./runtime.ts";
import type { EngineTasks, TaskFailure } from "./engine-tasks.ts";

const HOST_NAMES = ["Task", "Timer", "Signal", "Workflow", "Inputs", "Context", "task", "sleep"];

interface Mailbox {
  buffer: unknown[];
  waiters: ((payload: unknown) => void)[];
}

function flowError(name: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name }, extra);
}

/** Turns flow source into an async function of the host objects (seed calls get `await`). */
function compileFlow(source: string): (...host: unknown[]) => Promise<unknown> {
  const body = source
    .replace(/^(```|---)\n[\s\S]*?\n\1\n/, "")
    .replace(/(?<![.\w$]|await\s)\b(task|sleep)\(/g, "await $1(");
  return new Function(
    ...HOST_NAMES,
    "console",
    `"use strict"; return (async () => {\n${body}\n})();`,
  ) as (...host: unknown[]) => Promise<unknown>;
}

/**
 * Creates the stand-in runtime on a virtual clock. With `engine`, tasks run on the real
 * Rhythm engine (queue, worker loop, retries, events in PGlite); else in memory.
 * @example
 * ```ts
 * const runtime = createStandinRuntime(new VirtualClock());
 * const id = await runtime.start({ workflow: "w", workflows: { w: "return 1" }, tasks: [], inputs: {} });
 * ```
 */
export function createStandinRuntime(clock: VirtualClock, engine?: EngineTasks): Runtime {
  const store = new MemoryStore(() => clock.now());
  const mailboxes = new Map<string, Map<string, Mailbox>>();
  let workflows: Record<string, string> = {};
  let mocks = new Map<string, MockFunction>();

  const mailbox = (id: string, name: string): Mailbox => {
    const boxes = mailboxes.get(id) ?? new Map<string, Mailbox>();
    mailboxes.set(id, boxes);
    const box = boxes.get(name) ?? { buffer: [], waiters: [] };
    boxes.set(name, box);
    return box;
  };

  const delay = (ms: number) => new Promise<void>((r) => clock.schedule(clock.now() + ms, r));

  function startWorkflow(name: string, inputs: unknown, parent: string | null) {
    const source = workflows[name];
    if (source === undefined) throw flowError("WorkflowError", `unknown workflow ${name}`);
    const run = store.create({ kind: "workflow", name, inputs, parent, source, status: "running" });
    store.event(run.id, "workflow.started", { data: { inputs } });
    const done = execute(run, source);
    done.catch(() => {});
    return { run, done };
  }

  async function execute(run: Execution, source: string): Promise<unknown> {
    try {
      const output = await compileFlow(source)(...hostFor(run), consoleFor(run.id));
      if (run.status === "cancelled") throw flowError("CancelledError", "cancelled");
      store.update(run.id, { status: "completed", output: output ?? null, waiting: null });
      store.event(run.id, "workflow.completed", { data: { output: output ?? null } });
      return output ?? null;
    } catch (thrown) {
      const error = { name: (thrown as Error).name, message: (thrown as Error).message };
      if (run.status !== "cancelled") {
        store.update(run.id, { status: "failed", error, waiting: null });
        store.event(run.id, "workflow.failed", { data: error });
      }
      throw flowError("WorkflowError", `${run.name} failed: ${error.message}`);
    }
  }

  function hostFor(run: Execution): unknown[] {
    let pending = 0;
    const track = <T>(promise: Promise<T>, on: string): Promise<T> => {
      if (run.status === "cancelled") throw flowError("CancelledError", "cancelled");
      pending++;
      store.update(run.id, { status: "suspended", waiting: { on } });
      promise.catch(() => {}).finally(() => {
        if (--pending === 0 && run.status === "suspended") {
          store.update(run.id, { status: "running", waiting: null });
        }
      });
      return promise;
    };
    const Task = {
      run: (name: string, inputs: unknown, options?: { retry?: { maxAttempts?: number } }) =>
        track(runTask(run.id, name, inputs, options?.retry?.maxAttempts ?? 3), `task ${name}`),
    };
    const Timer = {
      delay: (d: unknown) => track(timer(run.id, durationMs(d)), `timer ${String(d)}`),
      until: (iso: string) => track(timer(run.id, Date.parse(iso) - clock.now()), `timer ${iso}`),
    };
    const Signal = {
      next: (name: string, options?: { timeout?: unknown }) =>
        track(nextSignal(run.id, name, options?.timeout), `signal "${name}"`),
    };
    const Workflow = {
      run: (name: string, inputs: unknown) => {
        const child = startWorkflow(name, inputs, run.id);
        store.event(run.id, "child.started", { data: { workflow: name, id: child.run.id } });
        return track(child.done, `workflow ${name}`);
      },
    };
    const context = { executionId: run.id, workflow: run.name, version: "stand-in" };
    return [Task, Timer, Signal, Workflow, run.inputs ?? {}, context, Task.run, Timer.delay];
  }

  function consoleFor(id: string) {
    const log = (...values: unknown[]) => store.event(id, "log", { data: values });
    return { log, info: log, warn: log, error: log };
  }

  async function runTask(parent: string, name: string, inputs: unknown, maxAttempts: number) {
    if (engine) return await runEngineTask(engine, parent, name, inputs, maxAttempts);
    const task = store.create({ kind: "task", name, inputs, parent });
    const mock = mocks.get(name) ?? compileMock(defaultMock(name));
    store.event(parent, "task.started", { data: { task: name, id: task.id, inputs } });
    for (let attempt = 1;; attempt++) {
      store.update(task.id, { status: "running", attempts: attempt });
      try {
        const output = JSON.parse(JSON.stringify((await mock(inputs, attempt)) ?? null));
        store.update(task.id, { status: "completed", output });
        store.event(parent, "task.completed", { data: { task: name, id: task.id, output } });
        return output;
      } catch (thrown) {
        const message = (thrown as Error).message;
        if (attempt < maxAttempts) {
          store.event(parent, "task.retried", { data: { task: name, attempt, error: message } });
          store.update(task.id, { status: "pending" });
          await delay(1000 * 2 ** (attempt - 1));
          continue;
        }
        const error = { name: "TaskError", message, task: name, attempts: attempt };
        store.update(task.id, { status: "failed", error });
        store.event(parent, "task.failed", { data: error });
        throw flowError("TaskError", message, { task: name, attempts: attempt });
      }
    }
  }

  async function runEngineTask(
    engine: EngineTasks,
    parent: string,
    name: string,
    inputs: unknown,
    maxAttempts: number,
  ) {
    store.event(parent, "task.started", { data: { task: name, inputs } });
    try {
      const { id, output } = await engine.run(name, inputs, maxAttempts);
      store.event(parent, "task.completed", { data: { task: name, id, output } });
      return output;
    } catch (thrown) {
      const failure = thrown as TaskFailure;
      store.event(parent, "task.failed", { data: failure });
      throw flowError("TaskError", failure.message, { task: name, attempts: failure.attempts });
    }
  }

  async function timer(id: string, ms: number): Promise<null> {
    store.event(id, "timer.set", { data: { ms, fireAt: clock.now() + ms } });
    await delay(ms);
    store.event(id, "timer.fired");
    return null;
  }

  function nextSignal(id: string, name: string, timeout: unknown): Promise<unknown> {
    const box = mailbox(id, name);
    store.event(id, "signal.waiting", { data: { name } });
    if (box.buffer.length > 0) return Promise.resolve(box.buffer.shift());
    return new Promise((resolve, reject) => {
      let cancelTimeout = () => {};
      const waiter = (payload: unknown) => {
        cancelTimeout();
        resolve(payload);
      };
      box.waiters.push(waiter);
      if (timeout === undefined || timeout === null) return;
      cancelTimeout = clock.schedule(clock.now() + durationMs(timeout), () => {
        const index = box.waiters.indexOf(waiter);
        if (index < 0) return;
        box.waiters.splice(index, 1);
        reject(flowError("TimeoutError", `no signal "${name}" within ${String(timeout)}`));
      });
    });
  }

  return {
    description: engine
      ? "tasks on the Rhythm engine (PGlite, worker loop); workflow steps in a stand-in"
      : "stand-in runtime (the Rhythm engine is not available yet)",
    clock,
    start(request: RunRequest) {
      workflows = request.workflows;
      mocks = new Map(request.tasks.map((t) => [t.name, compileMock(t)]));
      engine?.setTasks(request.tasks);
      return Promise.resolve(startWorkflow(request.workflow, request.inputs, null).run.id);
    },
    signal(id, name, payload) {
      const run = store.get(id);
      if (store.isFinished(run.status)) throw new Error(`execution ${id} is ${run.status}`);
      store.event(id, "signal.received", { data: { name, payload } });
      const box = mailbox(id, name);
      const waiter = box.waiters.shift();
      if (waiter) waiter(payload);
      else box.buffer.push(payload);
      return Promise.resolve();
    },
    cancel(id) {
      const run = store.get(id);
      if (!store.isFinished(run.status)) {
        store.update(id, { status: "cancelled", waiting: null });
        store.event(id, "workflow.cancelled");
      }
      return Promise.resolve();
    },
    async list(filter?: ExecutionFilter) {
      const all = [...store.list(filter), ...(engine ? await engine.list(filter) : [])];
      return all.sort((a, b) => b.createdAt - a.createdAt).slice(0, filter?.limit ?? 200);
    },
    async get(id) {
      return (await engine?.get(id)) ?? store.get(id);
    },
    async events(id) {
      const found = store.events(id);
      return found.length > 0 || !engine ? found : await engine.events(id);
    },
    onChange(listener) {
      const stops = [store.onChange(listener), engine?.onChange(listener)];
      return () => stops.forEach((stop) => stop?.());
    },
  };
}
