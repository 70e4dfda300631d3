/**
 * The `workers` table: a row per worker process, registered at start, heartbeated while it runs
 * (see `renew.ts`), marked stopped at a clean stop.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** What a worker records about itself. */
export interface WorkerRecord {
  id: string;
  name: string;
  queues: readonly string[];
  tasks: readonly string[];
  concurrency: number;
}

/**
 * Registers a starting worker.
 *
 * @example
 * ```ts
 * await registerWorker(db, { id, name: "host-123", queues: ["default"], tasks: ["t"], concurrency: 10 });
 * ```
 */
export async function registerWorker(q: Queryable, worker: WorkerRecord): Promise<void> {
  await q.query(
    `insert into workers (id, name, queues, tasks, concurrency) values ($1, $2, $3::text[], $4::text[], $5)`,
    [worker.id, worker.name, worker.queues, worker.tasks, worker.concurrency],
  );
}

/**
 * Marks a worker stopped.
 *
 * @example
 * ```ts
 * await markWorkerStopped(db, id);
 * ```
 */
export async function markWorkerStopped(q: Queryable, id: string): Promise<void> {
  await q.query(`update workers set stopped_at = now(), heartbeat_at = now() where id = $1`, [id]);
}

/**
 * Every task name some worker of this schema has registered (to warn about unknown names).
 *
 * @example
 * ```ts
 * const names = await knownTaskNames(db);
 * ```
 */
export async function knownTaskNames(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ name: string }>(
    `select distinct unnest(tasks) as name from workers order by name`,
  );
  return rows.map((r) => r.name);
}
