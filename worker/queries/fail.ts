/**
 * Recording a failed attempt: either back to `pending` with a later `run_at` (a retry, event
 * `retrying`, NOTIFY with the time so idle workers wake up then) or `failed` for good (event
 * `failed`). The worker decides which from the retry policy and the error.
 *
 * Invariant: fenced by (worker id, attempt) like every worker write.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** Parameters of {@link failExecution}. */
export interface Failure {
  id: string;
  workerId: string;
  attempt: number;
  /** The serialised error as JSON text. */
  error: string;
  /** Milliseconds until the retry, or null to fail for good. */
  retryInMs: number | null;
}

const sql = `
with failed as (
  update executions e
     set status = case when $5::float8 is null then 'failed' else 'pending' end,
         error = $4::text::json, worker_id = null, lease_until = null, updated_at = now(),
         run_at = case when $5::float8 is null then e.run_at
                       else now() + $5::float8 * interval '1 millisecond' end,
         finished_at = case when $5::float8 is null then now() end
   where e.id = $1 and e.status = 'running' and e.worker_id = $2 and e.attempts = $3
  returning e.id, e.queue, e.status, e.run_at
),
event as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select id, case when status = 'failed' then 'failed' else 'retrying' end, $3, $2,
         json_build_object('error', $4::text::json, 'retryAt', case when status = 'pending' then run_at end)
    from failed
)
select id, (select count(*) from (select notify_ready(queue, run_at) from failed
                                   where status = 'pending') n)::int as notified
  from failed`;

/**
 * Records the failure; returns false when the worker no longer held the lease.
 *
 * @example
 * ```ts
 * await failExecution(db, { id, workerId, attempt: 1, error: '{"name":"Error"}', retryInMs: 1000 });
 * ```
 */
export async function failExecution(q: Queryable, failure: Failure): Promise<boolean> {
  const rows = await q.query(sql, [
    failure.id,
    failure.workerId,
    failure.attempt,
    failure.error,
    failure.retryInMs,
  ]);
  return rows.length === 1;
}
