/**
 * Failover: any live worker periodically takes back executions whose lease expired (their
 * worker died or stalled). Each goes back to `pending` (event `lease_expired`, NOTIFY) or, when
 * it already used all its attempts, to `failed`: a task that keeps killing its worker must
 * not loop forever.
 *
 * Invariant: the old holder's fencing token (worker id, attempt) no longer matches afterwards,
 * so whatever it writes later is ignored.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

const sql = `
with expired as (
  select id, worker_id from executions
   where status = 'running' and lease_until < now()
   order by lease_until
   limit $1
   for update skip locked
),
reclaimed as (
  update executions e
     set status = case when e.attempts >= e.max_attempts then 'failed' else 'pending' end,
         error = case when e.attempts >= e.max_attempts
                      then json_build_object('name', 'LeaseExpiredError', 'retryable', false,
                             'message', 'the worker running attempt ' || e.attempts ||
                                        ' stopped renewing its lease')
                      else e.error end,
         finished_at = case when e.attempts >= e.max_attempts then now() end,
         worker_id = null, lease_until = null, run_at = now(), updated_at = now()
    from expired where e.id = expired.id
  returning e.id, e.queue, e.status, e.attempts, expired.worker_id as old_worker
),
event as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select id, 'lease_expired', attempts, old_worker, json_build_object('status', status)
    from reclaimed
)
select id, status, (select count(*) from (select notify_ready(queue, now()) from reclaimed
                                          where status = 'pending' group by queue) n)::int as q
  from reclaimed`;

/**
 * Reclaims up to `limit` expired leases; returns the ids and their new status.
 *
 * @example
 * ```ts
 * const reclaimed = await reclaimExpiredLeases(db, 100);
 * ```
 */
export async function reclaimExpiredLeases(
  q: Queryable,
  limit = 100,
): Promise<{ id: string; status: "pending" | "failed" }[]> {
  const rows = await q.query<{ id: string; status: "pending" | "failed" }>(sql, [limit]);
  return rows.map(({ id, status }) => ({ id, status }));
}
