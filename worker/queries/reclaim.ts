/**
 * Failover: any live worker periodically takes back executions whose lease expired (their
 * worker died or stalled). Each goes back to `pending` (event `lease_expired`, NOTIFY) or to
 * `failed`:
 *
 * - a task that already used all its attempts (`LeaseExpiredError`): a task that keeps killing
 *   its worker must not loop forever;
 * - a workflow whose step lost its lease `maxStepCrashes` times in a row, with no committed step
 *   (event `step`) in between (`StepCrashError`, plus a `failed` event): workflows have a huge
 *   `max_attempts` (attempts count steps), so this is what stops a step that kills its worker
 *   every time. Its snapshot and handles go, as when a step fails it.
 *
 * Invariant: the old holder's fencing token (worker id, attempt) no longer matches afterwards,
 * so whatever it writes later is ignored.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** Default of `maxStepCrashes`: lost step leases in a row before the workflow fails. */
export const DEFAULT_MAX_STEP_CRASHES = 5;

const sql = `
with expired as (
  select id, worker_id, kind from executions
   where status = 'running' and lease_until < now()
   order by lease_until
   limit $1
   for update skip locked
),
judged as (
  select x.id, x.worker_id,
         x.kind = 'workflow' and 1 + (
           select count(*) from events ev
            where ev.execution_id = x.id and ev.type = 'lease_expired'
              and ev.id > coalesce((select max(s.id) from events s
                                     where s.execution_id = x.id and s.type = 'step'), 0)
         ) >= $2::int as crashed
    from expired x
),
reclaimed as (
  update executions e
     set status = case when e.attempts >= e.max_attempts or j.crashed then 'failed'
                       else 'pending' end,
         error = case when j.crashed
                      then json_build_object('name', 'StepCrashError', 'retryable', false,
                             'message', 'the step crashed or lost its worker ' || $2::int ||
                                        ' times in a row (its lease expired each time): ' ||
                                        'the workflow failed instead of retrying it again')
                      when e.attempts >= e.max_attempts
                      then json_build_object('name', 'LeaseExpiredError', 'retryable', false,
                             'message', 'the worker running attempt ' || e.attempts ||
                                        ' stopped renewing its lease')
                      else e.error end,
         finished_at = case when e.attempts >= e.max_attempts or j.crashed then now() end,
         worker_id = null, lease_until = null, run_at = now(), updated_at = now()
    from judged j where e.id = j.id
  returning e.id, e.queue, e.status, e.attempts, e.error, j.worker_id as old_worker, j.crashed
),
event as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select r.id, ev.type, r.attempts, r.old_worker, ev.data
    from reclaimed r
   cross join lateral (
     select 1 as n, 'lease_expired' as type, json_build_object('status', r.status) as data
     union all
     select 2, 'failed', json_build_object('error', r.error) where r.crashed
   ) ev
   order by r.id, ev.n
),
crash_state as (
  delete from workflow_state where execution_id in (select id from reclaimed where crashed)
),
crash_handles as (
  delete from workflow_handles where workflow_id in (select id from reclaimed where crashed)
)
select id, status, (select count(*) from (select notify_ready(queue, now()) from reclaimed
                                          where status = 'pending' group by queue) n)::int as q
  from reclaimed`;

/**
 * Reclaims up to `limit` expired leases, failing a workflow whose step lost its lease
 * `maxStepCrashes` times in a row; returns the ids and their new status.
 *
 * @example
 * ```ts
 * const reclaimed = await reclaimExpiredLeases(db, 100);
 * ```
 */
export async function reclaimExpiredLeases(
  q: Queryable,
  limit = 100,
  maxStepCrashes = DEFAULT_MAX_STEP_CRASHES,
): Promise<{ id: string; status: "pending" | "failed" }[]> {
  const rows = await q.query<{ id: string; status: "pending" | "failed" }>(sql, [
    limit,
    maxStepCrashes,
  ]);
  return rows.map(({ id, status }) => ({ id, status }));
}
