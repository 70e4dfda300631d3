/**
 * Reading an execution's events after a cursor (the event id), for the live event stream of the
 * HTTP API. Invariant relied on: every transition of one execution locks its `executions` row
 * before it inserts the event, so the event ids of ONE execution are handed out in commit
 * order and "after id N" never skips one of its events.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";
import type { ExecutionEvent } from "./read.ts";

/**
 * Events of `executionId` with an id greater than `afterId`, in order, at most `limit`.
 *
 * @example
 * ```ts
 * const fresh = await selectEventsAfter(db, id, lastSeen, 100);
 * ```
 */
export async function selectEventsAfter(
  q: Queryable,
  executionId: string,
  afterId: number,
  limit: number,
): Promise<ExecutionEvent[]> {
  const rows = await q.query<{
    id: number;
    type: string;
    at: Date;
    attempt: number | null;
    worker_id: string | null;
    data: string | null;
  }>(
    `select id::float8 as id, type, at, attempt, worker_id, data::text as data
       from events where execution_id = $1 and id > $2 order by id limit $3`,
    [executionId, afterId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    executionId,
    type: r.type,
    at: r.at,
    attempt: r.attempt,
    workerId: r.worker_id,
    data: r.data === null ? null : JSON.parse(r.data),
  }));
}
