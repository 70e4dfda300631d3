/**
 * Hot path: completing executions, a batch at a time (the worker groups completions that
 * arrive while the previous batch is being written).
 *
 * Invariant: fenced. A row changes only while it is still `running` under the same worker and
 * attempt; a worker that lost its lease (expired and reclaimed, or cancelled) changes nothing
 * and learns it from the missing id in the result.
 *
 * Asynchronous commit (as for claims, see `claim.ts`): a completion lost to a server crash
 * leaves the execution `running` until its lease expires; it then runs again (at-least-once).
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** One completion: the lease it holds and the output as JSON text. */
export interface Completion {
  id: string;
  attempt: number;
  output: string;
}

/**
 * The CTE `done` that completes a batch: ids `$1`, attempts `$2`, outputs `$3` (JSON text), fenced
 * by worker `$4`; it returns the rows it changed. Shared with `workflow-continue.ts`.
 *
 * Plan: one primary-key lookup per completion, driven by the `unnest`. The fence is written as
 * one `case` on purpose. As plain conditions (`e.status = 'running' and e.worker_id = $4`), the
 * planner estimated the matching rows at 1 (no statistics, or statistics from an idle moment)
 * and could reach them through `executions_leases`; the plan the statement switched to after
 * five runs (the generic plan: `unnest` of a parameter counts as 10 rows) then read this worker's
 * running rows and, for each, scanned the whole `unnest` again: 500 × 2,000 comparisons,
 * 90–190 ms for a batch of 500 instead of 3–6 ms. The planner cannot use a `case` to pick an
 * index or to shrink its estimate (it counts it as a filter keeping half the rows), so the only
 * cheap way to the rows is `e.id = c.id`. A lookup on `e.id = any($1)` is not used either: its
 * estimate of 10 rows in the generic plan invites the same nested loop over the `unnest`.
 */
export const completeBatchCte = `
done as (
  update executions e
     set status = 'completed', output = c.output::json, error = null, lease_until = null,
         finished_at = now(), updated_at = now()
    from unnest($1::uuid[], $2::int[], $3::text[]) as c(id, attempt, output)
   where e.id = c.id
     and case when e.status = 'running' and e.worker_id = $4 then e.attempts = c.attempt end
  returning e.id, e.attempts, e.parent_id, e.finished_at
)`;

const sql = `
with ${completeBatchCte},
completed as (
  insert into events (execution_id, type, attempt, worker_id)
  select id, 'completed', attempts, $4 from done
)
select id from done where set_config('synchronous_commit', 'off', true) is not null`;

/**
 * Marks executions completed and returns the ids that were still held by this worker.
 *
 * @example
 * ```ts
 * const done = await completeExecutions(db, workerId, [{ id, attempt: 1, output: "42" }]);
 * ```
 */
export async function completeExecutions(
  q: Queryable,
  workerId: string,
  completions: readonly Completion[],
): Promise<Set<string>> {
  const rows = await q.query<{ id: string }>(sql, [
    completions.map((c) => c.id),
    completions.map((c) => c.attempt),
    completions.map((c) => c.output),
    workerId,
  ]);
  return new Set(rows.map((r) => r.id));
}
