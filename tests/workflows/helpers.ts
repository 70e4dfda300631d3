/**
 * Helpers of the workflow suites: register sources, start a fast worker that runs tasks and
 * workflow steps, wait for an execution.
 *
 * @module
 */
import { expect } from "vitest";
import type { Db } from "../../worker/db/driver.ts";
import { getExecution, getExecutionEvents, waitForExecution } from "../../worker/client.ts";
import type { Execution } from "../../worker/execution.ts";
import { registerWorkflows } from "../../worker/workflows/definitions.ts";
import type { WorkerOptions } from "../../worker/worker.ts";
import type { TestDatabase } from "../helpers/db.ts";
import { startWorker } from "../helpers/engine.ts";

/**
 * Registers `sources` and fails the test when one is rejected.
 *
 * @example
 * ```ts
 * await register(t.db, { main: "return 1" });
 * ```
 */
export async function register(db: Db, sources: Record<string, string>) {
  const result = await registerWorkflows(db, sources);
  expect(result.rejected).toEqual([]);
  return result.registered;
}

/**
 * Starts a worker with fast timings running `tasks` and workflow steps.
 *
 * @example
 * ```ts
 * await run(t, { double: (n: number) => n * 2 });
 * ```
 */
export function run(
  t: TestDatabase,
  tasks: Record<string, unknown> = {},
  options: Partial<WorkerOptions> = {},
  db: Db = t.db,
) {
  return startWorker(t, { tasks: [tasks], concurrency: 8, ...options }, db);
}

/**
 * Waits (up to 20 s) for the execution to finish.
 *
 * @example
 * ```ts
 * const done = await settled(t.db, id);
 * ```
 */
export function settled(db: Db, id: string): Promise<Execution> {
  return waitForExecution(db, id, { timeoutMs: 20_000, pollMs: 20 });
}

/**
 * Waits until the execution has `status`.
 *
 * @example
 * ```ts
 * await reaches(t.db, id, "suspended");
 * ```
 */
export async function reaches(db: Db, id: string, status: string): Promise<void> {
  await expect.poll(async () => (await getExecution(db, id))?.status, {
    timeout: 20_000,
    interval: 20,
  }).toBe(status);
}

/**
 * The types of the events of an execution, in order.
 *
 * @example
 * ```ts
 * expect(await eventTypes(t.db, id)).toContain("step");
 * ```
 */
export async function eventTypes(db: Db, id: string): Promise<string[]> {
  return (await getExecutionEvents(db, id)).map((e) => e.type);
}
