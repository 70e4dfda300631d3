/**
 * `createTestEnv()`: the real engine (migrations, worker loop, workflow steps, SQL) on an
 * in-memory PGlite, with a virtual clock, mock tasks, signals and result waiting — so a test of
 * your workflows needs no server and never waits for a timer.
 *
 * ```ts
 * import { expect, test } from "vitest";
 * import { createTestEnv } from "rhythm/worker/testing.ts";
 *
 * test("an order ships after the cooling-off day", async () => {
 *   const env = await createTestEnv({
 *     workflows: { order: 'sleep("1d")\nreturn await Task.run("ship", Inputs)' },
 *     tasks: { ship: (input) => ({ shipped: input.id }) },
 *   });
 *   const id = await env.start("order", { id: 7 });
 *   await env.advance("1d");
 *   expect((await env.result(id)).output).toEqual({ shipped: 7 });
 *   await env.close();
 * });
 * ```
 *
 * @module
 */
import { durationMs } from "../interpreter/mod.ts";
import { getExecution, getExecutionEvents, waitForExecution } from "./client.ts";
import { PGlite } from "@electric-sql/pglite";
import { connect } from "./connect.ts";
import { createPgliteDb } from "./db/pglite.ts";
import type { Db } from "./db/driver.ts";
import { sleep } from "./db/reconnect.ts";
import type { Execution } from "./execution.ts";
import type { Logger } from "./logger.ts";
import { migrate } from "./migrate.ts";
import type { ExecutionEvent } from "./queries/read.ts";
import { defineTask, type TaskDefinition, type TaskFunction } from "./tasks.ts";
import { createVirtualClock, nextDeadline } from "./workflows/clock.ts";
import { sendSignal, startWorkflow, type StartWorkflowOptions } from "./workflows/client.ts";
import { type RegisterResult, registerWorkflows } from "./workflows/definitions.ts";
import { createWorker, type Worker } from "./worker.ts";

/** Options of {@link createTestEnv}. */
export interface TestEnvOptions {
  /** Workflow sources by name, registered at once (a rejected one throws). */
  workflows?: Record<string, string>;
  /** Mock tasks by name (replace or add more with `env.mockTask`). */
  // deno-lint-ignore no-explicit-any
  tasks?: Record<string, TaskFunction<any, unknown>>;
  /** The virtual clock's start (default: the real now). */
  start?: Date | number;
  /** Log lines of the worker (default: none). */
  logger?: Logger;
  /** How long `idle`, `result` and `advance` wait for the engine, in ms (default 10000). */
  timeoutMs?: number;
  /**
   * A PGlite of its own for this environment (slower to create: ~1 s). By default environments
   * share one in-memory PGlite per process, emptied for each new environment, so only one of
   * them may be open at a time.
   */
  isolated?: boolean;
}

/** A task call recorded by the test environment. */
export interface TaskCall {
  name: string;
  inputs: unknown;
  attempt: number;
}

/** The environment returned by {@link createTestEnv}. */
export interface TestEnv {
  /** The engine's database (in-memory PGlite), for the client functions of `worker/mod.ts`. */
  readonly db: Db;
  /** Every task attempt, in the order they started. */
  readonly calls: TaskCall[];
  /** The virtual time in epoch ms (what `Date.now()` returns inside workflows). */
  now(): number;
  /** Registers more workflow sources (e.g. a changed version). */
  register(sources: Record<string, string>): Promise<RegisterResult>;
  /** Adds or replaces a mock task. */
  // deno-lint-ignore no-explicit-any
  mockTask(name: string, fn: TaskFunction<any, unknown>): void;
  /** Starts a workflow; returns its execution id. */
  start(name: string, inputs?: unknown, options?: StartWorkflowOptions): Promise<string>;
  /** Sends a signal to an execution. */
  signal(id: string, name: string, payload?: unknown): Promise<void>;
  /**
   * Moves the virtual clock forward (`"3d"`, `"90s"`, or seconds), running everything that
   * becomes due on the way, in order; resolves when the engine is idle again.
   */
  advance(duration: string | number): Promise<void>;
  /** Resolves when nothing is ready or running (everything waits for time or signals). */
  idle(): Promise<void>;
  /** Waits until the execution finishes (without moving the clock) and returns it. */
  result(id: string): Promise<Execution>;
  /**
   * Runs the execution to its end, jumping the clock to each next deadline when the engine is
   * idle; throws when it waits for something that no time can bring (a signal).
   */
  runToCompletion(id: string): Promise<Execution>;
  /** The execution's event history. */
  events(id: string): Promise<ExecutionEvent[]>;
  /** Stops the worker and closes the database. */
  close(): Promise<void>;
}

/**
 * Creates a test environment; call `close()` at the end of the test.
 *
 * @example
 * ```ts
 * const env = await createTestEnv({
 *   workflows: { greet: 'return await Task.run("hello", Inputs)' },
 *   tasks: { hello: (input) => `hello ${input.name}` },
 * });
 * const id = await env.start("greet", { name: "Ada" });
 * console.log((await env.result(id)).output); // "hello Ada"
 * await env.close();
 * ```
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const db = await openDatabase(options.isolated ?? false);
  const clock = createVirtualClock(options.start === undefined ? Date.now() : +options.start);
  const calls: TaskCall[] = [];
  const registry = new Map<string, TaskDefinition>();
  const timeoutMs = options.timeoutMs ?? 10_000;
  // deno-lint-ignore no-explicit-any
  const mockTask = (name: string, fn: TaskFunction<any, unknown>) => {
    registry.set(
      name,
      defineTask(name, (input, ctx) => {
        calls.push({ name, inputs: input, attempt: ctx.attempt });
        return fn(input, ctx);
      }),
    );
  };
  for (const [name, fn] of Object.entries(options.tasks ?? {})) mockTask(name, fn);
  const worker = createWorker(db, {
    tasks: registry,
    concurrency: 16,
    pollIntervalMs: 100,
    leaseMs: 10_000,
    logger: options.logger ?? (() => {}),
    random: () => 0.5,
    workflows: { clock: clock.now },
  });
  await worker.start();
  if (options.workflows) await registerOrThrow(db, options.workflows);
  const idle = () => waitIdle(db, registry, timeoutMs);
  return {
    db,
    calls,
    now: clock.now,
    register: (sources) => registerWorkflows(db, sources),
    mockTask,
    start: (name, inputs = {}, startOptions) => startWorkflow(db, name, inputs, startOptions),
    signal: (id, name, payload = null) => sendSignal(db, id, name, payload),
    advance: (duration) => advanceBy(db, clock, idle, toMs(duration)),
    idle,
    result: (id) => waitForExecution(db, id, { timeoutMs, pollMs: 10 }),
    runToCompletion: (id) => runToCompletion(db, clock, idle, id),
    events: (id) => getExecutionEvents(db, id),
    close: () => closeEnv(worker, db),
  };
}

async function registerOrThrow(db: Db, sources: Record<string, string>) {
  const { rejected } = await registerWorkflows(db, sources);
  if (rejected.length === 0) return;
  const lines = rejected.flatMap((r) =>
    r.diagnostics.map((d) => `${r.name}.flow:${d.line}:${d.column}: ${d.message}`)
  );
  throw new Error(`workflows rejected:\n${lines.join("\n")}`);
}

function toMs(duration: string | number): number {
  const ms = durationMs(duration);
  if (ms === null) throw new RangeError(`not a duration: ${JSON.stringify(duration)}`);
  return ms;
}

type Clock = ReturnType<typeof createVirtualClock>;

async function advanceBy(db: Db, clock: Clock, idle: () => Promise<void>, ms: number) {
  let remaining = ms;
  await idle();
  while (remaining > 0) {
    const next = await nextDeadline(db);
    const step = next === null ? remaining : Math.min(next, remaining);
    await clock.shift(db, step);
    remaining -= step;
    await idle();
  }
}

async function runToCompletion(db: Db, clock: Clock, idle: () => Promise<void>, id: string) {
  for (;;) {
    await idle();
    const execution = await getExecution(db, id);
    if (!execution) throw new Error(`execution ${id} not found`);
    if (["completed", "failed", "cancelled"].includes(execution.status)) return execution;
    const next = await nextDeadline(db);
    if (next === null) {
      throw new Error(
        `execution ${id} is ${execution.status} and waits for something no ` +
          `timer brings (a signal, or a task without a mock)`,
      );
    }
    await clock.shift(db, next);
  }
}

/** Nothing ready (that this worker can run) and nothing running. */
async function waitIdle(db: Db, registry: Map<string, TaskDefinition>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < 2;) {
    const [row] = await db.query<{ busy: number }>(
      `select count(*)::int as busy from executions
        where status = 'running'
           or (status in ('pending', 'suspended') and run_at <= now()
               and (kind = 'workflow' or name = any($1::text[])))`,
      [[...registry.keys()]],
    );
    quiet = row.busy === 0 ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error(`the engine is still busy after ${timeoutMs} ms`);
    await sleep(quiet > 0 ? 5 : 10);
  }
}

let shared: Promise<PGlite> | null = null;
let sharedInUse = false;

/** The shared instance, emptied; or a new one when `isolated`. */
async function openDatabase(isolated: boolean): Promise<Db> {
  if (isolated) {
    const db = await connect("memory://");
    await migrate(db);
    return db;
  }
  if (sharedInUse) {
    throw new Error(
      "another test environment is still open: close it first, or pass { isolated: true }",
    );
  }
  sharedInUse = true;
  try {
    shared ??= PGlite.create();
    const db = await createPgliteDb(await shared, { closeInstance: false });
    await migrate(db);
    await emptyTables(db);
    return { ...db, close: () => Promise.resolve(void (sharedInUse = false)) };
  } catch (error) {
    sharedInUse = false;
    throw error;
  }
}

async function emptyTables(db: Db): Promise<void> {
  const rows = await db.query<{ name: string }>(
    `select tablename as name from pg_tables
      where schemaname = $1 and tablename <> 'migrations' order by tablename`,
    [db.schema],
  );
  const names = rows.map((r) => `"${r.name}"`).join(", ");
  await db.query(`truncate ${names} restart identity cascade`);
}

async function closeEnv(worker: Worker, db: Db) {
  await worker.stop();
  await db.close();
}
