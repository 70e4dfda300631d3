/**
 * Cancelling an execution and, recursively, its unfinished children.
 *
 * Invariant: only unfinished executions change (`pending`, `running`, `suspended` →
 * `cancelled`); the lease is dropped, so the worker running it can no longer complete it, and a
 * NOTIFY `{"cancel": id}` tells that worker to abort the task now rather than at its next
 * heartbeat.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

const sql = `
with recursive tree as (
  select id, status from executions where id = $1
  union
  select c.id, c.status from executions c join tree on c.parent_id = tree.id
),
cancelled as (
  update executions e
     set status = 'cancelled', worker_id = null, lease_until = null, finished_at = now(),
         updated_at = now()
    from tree
   where e.id = tree.id and e.status in ('pending', 'running', 'suspended')
  returning e.id, e.attempts, tree.status as was
),
event as (
  insert into events (execution_id, type, attempt, data)
  select id, 'cancelled', attempts, json_build_object('reason', $2::text) from cancelled
)
select id, was,
       case when was = 'running'
            then pg_notify('rhythm:' || current_schema(), json_build_object('cancel', id)::text)
       end is null as quiet
  from cancelled`;

/**
 * Cancels `id` and its unfinished descendants; returns the ids cancelled (empty when `id` was
 * already finished or does not exist).
 *
 * @example
 * ```ts
 * const ids = await cancelExecutions(db, id, "no longer needed");
 * ```
 */
export async function cancelExecutions(
  q: Queryable,
  id: string,
  reason: string | null,
): Promise<string[]> {
  const rows = await q.query<{ id: string }>(sql, [id, reason]);
  return rows.map((r) => r.id);
}
