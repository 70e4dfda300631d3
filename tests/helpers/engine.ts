/**
 * Helpers for engine tests: workers with short, test-friendly timings that stop themselves
 * after the test, and small polling utilities. Use with {@link forEachDriver}.
 *
 * @module
 */
import { expect } from "vitest";
import type { Db } from "../../worker/db/driver.ts";
import { getExecution, waitForExecution } from "../../worker/client.ts";
import type { Execution } from "../../worker/execution.ts";
import type { Logger } from "../../worker/logger.ts";
import { createWorker, type Worker, type WorkerOptions } from "../../worker/worker.ts";
import type { TestDatabase } from "./db.ts";

/**
 * Timings that keep engine tests fast: fast polls, quick reclaim. The lease is long enough that
 * a heartbeat delayed by a loaded machine (PGlite serialises every query on one connection) never
 * loses it; tests of leases and failover set their own, shorter `leaseMs`.
 */
export const FAST: Partial<WorkerOptions> = {
  leaseMs: 5000,
  heartbeatMs: 250,
  pollIntervalMs: 200,
  reclaimIntervalMs: 100,
  probeTimeoutMs: 1000,
  shutdownTimeoutMs: 2000,
};

/** A logger that keeps lines in memory so a test can assert on them. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = ((level: string, message: string) => {
    lines.push(`${level} ${message}`);
  }) as Logger & { lines: string[] };
  logger.lines = lines;
  return logger;
}

/**
 * Creates and starts a worker with {@link FAST} timings and a silent logger (override any
 * option); it is stopped after the test.
 *
 * @example
 * ```ts
 * const worker = await startWorker(t, { tasks: [double] });
 * ```
 */
export async function startWorker(
  t: TestDatabase,
  options: WorkerOptions,
  db: Db = t.db,
): Promise<Worker> {
  const worker = createWorker(db, { logger: () => {}, ...FAST, ...options });
  t.defer(() => worker.stop());
  await worker.start();
  return worker;
}

/**
 * Waits (up to 20 s) for an execution to finish and returns it.
 *
 * @example
 * ```ts
 * const done = await finished(t.db, id);
 * ```
 */
export function finished(db: Db, id: string): Promise<Execution> {
  return waitForExecution(db, id, { timeoutMs: 20_000, pollMs: 50 });
}

/**
 * Waits until the execution has the status.
 *
 * @example
 * ```ts
 * await statusBecomes(t.db, id, "running");
 * ```
 */
export async function statusBecomes(db: Db, id: string, status: string): Promise<void> {
  await expect.poll(async () => (await getExecution(db, id))?.status, { timeout: 20_000 })
    .toBe(status);
}

/**
 * A promise with its resolve function exposed (for tasks that wait for the test).
 *
 * @example
 * ```ts
 * const gate = deferred<void>(); // in a task: await gate.promise; in the test: gate.resolve()
 * ```
 */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
