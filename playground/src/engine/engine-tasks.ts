/**
 * Tasks on the REAL Rhythm engine, inside the engine's Web Worker: the bundled migrations are
 * applied to PGlite, a real worker (`worker/worker.ts`) claims task executions with its lease,
 * heartbeat and retry logic and is woken by LISTEN/NOTIFY, and the inspector reads task
 * executions and their events from the engine's tables through the client API.
 * The mock tasks of each run replace the worker's task registry in place.
 * @module
 */
import type { PGlite } from "@electric-sql/pglite";
import {
  connect,
  createWorker,
  type Db,
  defineTask,
  type Execution as EngineExecution,
  type ExecutionEvent as EngineEvent,
  getExecution,
  getExecutionEvents,
  listExecutions,
  migrate,
  queueTask,
  type RetryOptions,
  silentLogger,
  type TaskDefinition,
  waitForExecution,
} from "../../../worker/mod.ts";
import { compileMock, defaultMock, type MockTask } from "../mocks.ts";
import type { Execution, ExecutionEvent, ExecutionFilter } from "../source/types.ts";

/** A task that failed for good, as thrown into the workflow. */
export interface TaskFailure {
  name: "TaskError";
  message: string;
  task: string;
  attempts: number;
  id: string;
}

/** Runs tasks on the engine and reads them back for the inspector. */
export interface EngineTasks {
  /** Replaces the mock tasks the worker runs. */
  setTasks(tasks: MockTask[]): void;
  /** Queues a task, waits for its end, returns its id and output or throws a {@link TaskFailure}. */
  run(
    name: string,
    inputs: unknown,
    retry?: RetryOptions,
  ): Promise<{ id: string; output: unknown }>;
  list(filter?: ExecutionFilter): Promise<Execution[]>;
  get(id: string): Promise<Execution | null>;
  events(id: string): Promise<ExecutionEvent[]>;
  /** Called every 250 ms while tasks are in flight (their rows change in the database). */
  onChange(listener: () => void): () => void;
}

/** The inspector's shape of an engine execution. */
export function fromEngine(e: EngineExecution): Execution {
  return {
    id: e.id,
    kind: e.kind,
    name: e.name,
    status: e.status,
    parent: e.parentId,
    inputs: e.inputs,
    output: e.output,
    error: e.error as Execution["error"],
    attempts: e.attempts,
    createdAt: e.createdAt.getTime(),
    updatedAt: e.updatedAt.getTime(),
  };
}

function fromEngineEvent(e: EngineEvent): ExecutionEvent {
  const data = e.attempt === null ? e.data : { attempt: e.attempt, ...(e.data ?? {}) as object };
  return { seq: e.id, execution: e.executionId, type: `task.${e.type}`, at: e.at.getTime(), data };
}

/**
 * Migrates `pg` (then calls `hooks.afterMigrate`) and starts a real worker on it.
 * @example
 * ```ts
 * const tasks = await startEngineTasks(await PGlite.create());
 * tasks.setTasks([{ name: "hi", code: "() => 1", latencyMs: 0, failRate: 0, failFirst: 0 }]);
 * await tasks.run("hi", {}, 3); // { id: "…", output: 1 }
 * ```
 */
export async function startEngineTasks(
  pg: PGlite,
  hooks: { afterMigrate?: () => Promise<void> } = {},
): Promise<EngineTasks> {
  const db: Db = await connect(pg);
  await migrate(db);
  await hooks.afterMigrate?.();
  const registry = new Map<string, TaskDefinition>();
  const define = (task: MockTask): TaskDefinition => {
    const mock = compileMock(task);
    return defineTask(
      task.name,
      (input, context) => mock(input, context.attempt),
    ) as TaskDefinition;
  };
  const worker = createEngineWorker(db, registry);
  await worker.start();
  const listeners = new Set<() => void>();
  let inFlight = 0;
  let ticker: ReturnType<typeof setInterval> | null = null;
  const track = (delta: number) => {
    inFlight += delta;
    if (inFlight > 0 && ticker === null) {
      ticker = setInterval(() => listeners.forEach((listener) => listener()), 250);
    }
    if (inFlight === 0 && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
      listeners.forEach((listener) => listener());
    }
  };
  return {
    setTasks(tasks) {
      registry.clear();
      for (const task of tasks) if (task.name) registry.set(task.name, define(task));
    },
    async run(name, inputs, retry) {
      if (!registry.has(name)) registry.set(name, define(defaultMock(name)));
      const id = await queueTask(db, name, inputs, { retry });
      track(+1);
      const done = await waitForExecution(db, id, { pollMs: 50 }).finally(() => track(-1));
      if (done.status === "completed") return { id, output: done.output };
      const message = done.error?.message ?? `task ${name} was ${done.status}`;
      throw {
        name: "TaskError",
        message,
        task: name,
        attempts: done.attempts,
        id,
      } satisfies TaskFailure;
    },
    async list(filter = {}) {
      return (await listExecutions(db, { ...filter, kind: "task" })).map(fromEngine);
    },
    async get(id) {
      if (!/^[0-9a-f-]{36}$/.test(id)) return null;
      const found = await getExecution(db, id);
      return found ? fromEngine(found) : null;
    },
    async events(id) {
      return (await getExecutionEvents(db, id)).map(fromEngineEvent);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function createEngineWorker(db: Db, registry: Map<string, TaskDefinition>) {
  return createWorker(db, {
    tasks: registry,
    concurrency: 8,
    pollIntervalMs: 1000,
    logger: silentLogger,
    name: "playground",
  });
}
