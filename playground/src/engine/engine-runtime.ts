/**
 * The playground's flows on the REAL Rhythm engine, inside the engine's Web Worker: the
 * bundled migrations applied to PGlite, the project's `.flow` files registered by content
 * hash, the workflow started through the client, and a real worker (`worker/worker.ts`)
 * claiming its steps and tasks with leases, retries and LISTEN/NOTIFY wake-ups, on the
 * engine's virtual clock. The inspector reads executions and events through the client API.
 * The mock tasks of each run replace the worker's task registry in place.
 * @module
 */
import type { PGlite } from "@electric-sql/pglite";
import {
  cancelExecution,
  connect,
  createWorker,
  type Db,
  defineTask,
  formatDiagnostics,
  getExecution,
  migrate,
  registerWorkflows,
  sendSignal,
  silentLogger,
  startWorkflow,
  type TaskDefinition,
  type Worker,
} from "../../../worker/mod.ts";
import { compileMock, defaultMock, type MockTask } from "../mocks.ts";
import { createEngineClock } from "./engine-clock.ts";
import { createInspection } from "./inspection.ts";
import type { RunRequest, Runtime } from "./runtime.ts";

/** Task names a flow calls with a literal name (`Task.run("x"`, `task("x"`). */
function calledTasks(sources: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const source of Object.values(sources)) {
    for (const m of source.matchAll(/\b(?:Task\.run|task)\(\s*["'`]([\w.:-]+)["'`]/g)) {
      names.add(m[1]);
    }
  }
  return [...names];
}

/**
 * Migrates `pg` (then calls `hooks.afterMigrate`), starts a worker, and returns the runtime.
 * @example
 * ```ts
 * const runtime = await startEngineRuntime(await PGlite.create());
 * const id = await runtime.start({ workflow: "w", workflows: { w: "return 1" }, tasks: [], inputs: {} });
 * ```
 */
export async function startEngineRuntime(
  pg: PGlite,
  hooks: { afterMigrate?: () => Promise<void> } = {},
): Promise<Runtime> {
  const db: Db = await connect(pg);
  await migrate(db);
  await hooks.afterMigrate?.();
  const registry = new Map<string, TaskDefinition>();
  let worker: Worker | null = null;
  const startWorker = async () => {
    worker = createWorker(db, {
      tasks: registry,
      workflows: { clock: () => clock.now() },
      concurrency: 8,
      pollIntervalMs: 500,
      logger: silentLogger,
      name: "playground",
    });
    await worker.start();
  };
  const clock = createEngineClock(db, {
    pause: async () => await worker?.stop(),
    resume: startWorker,
  });
  await Promise.all([startWorker(), clock.listen()]);
  const inspection = createInspection(db, () => clock.poke());

  const define = (task: MockTask): TaskDefinition => {
    const mock = compileMock(task);
    return defineTask(
      task.name,
      (input, context) => mock(input, context.attempt),
    ) as TaskDefinition;
  };

  return {
    get description() {
      const wake = worker?.listening ? "LISTEN/NOTIFY" : "polling";
      return `Rhythm engine on PGlite (worker loop woken by ${wake})`;
    },
    async start(request: RunRequest) {
      const { rejected } = await registerWorkflows(db, request.workflows);
      if (rejected.length > 0) {
        const lines = rejected.flatMap((r) => formatDiagnostics(`${r.name}.flow`, r.diagnostics));
        throw new Error(lines.join("\n"));
      }
      registry.clear();
      for (const task of request.tasks) if (task.name) registry.set(task.name, define(task));
      for (const name of calledTasks(request.workflows)) {
        if (!registry.has(name)) registry.set(name, define(defaultMock(name)));
      }
      return await startWorkflow(db, request.workflow, request.inputs);
    },
    async signal(id, name, payload) {
      await sendSignal(db, id, name, payload);
    },
    async cancel(id) {
      if (await getExecution(db, id)) {
        await cancelExecution(db, id, { reason: "cancelled in the playground" });
      }
    },
    list: (filter) => inspection.list(filter),
    get: (id) => inspection.get(id),
    events: (id) => inspection.events(id),
    onChange: (listener) => inspection.onChange(listener),
    controlClock: (action) => clock.control(action),
    onClock: (listener) => clock.onChange(listener),
  };
}
