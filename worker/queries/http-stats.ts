/**
 * Counts and checks for the operational routes of the HTTP API (`/metrics`, `/health`).
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** How many executions have one status in one queue. */
export interface StatusCount {
  status: string;
  queue: string;
  kind: "task" | "workflow";
  count: number;
}

/**
 * Executions counted by status, queue and kind (one group-by over the table).
 *
 * @example
 * ```ts
 * for (const row of await countExecutions(db)) console.log(row.queue, row.status, row.count);
 * ```
 */
export function countExecutions(q: Queryable): Promise<StatusCount[]> {
  return q.query<StatusCount>(
    `select status, queue, kind, count(*)::int as count from executions
      group by status, queue, kind order by queue, kind, status`,
  );
}

/**
 * The number of the newest migration applied to the schema (0 when none).
 *
 * @example
 * ```ts
 * const applied = await appliedMigration(db); // 2
 * ```
 */
export async function appliedMigration(q: Queryable): Promise<number> {
  const [row] = await q.query<{ id: number | null }>("select max(id)::int as id from migrations");
  return row?.id ?? 0;
}
