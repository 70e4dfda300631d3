/**
 * The last statement of a workflow step's transaction: the new status of the execution, its
 * snapshot and its step event, in ONE statement, with a NOTIFY when it is ready again.
 *
 * Invariant: runs after the step locked the execution row (`workflow-commit.ts`), so it sees
 * every child result and signal committed before the lock; anything committed later finds the
 * row `suspended` and makes it `pending` itself. A suspended execution's `run_at` is its earliest
 * deadline ('infinity' when it has none), which the claim query treats as a due time.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** How a step ends. Payloads are JSON text. */
export type StepOutcome =
  | { status: "suspended"; snapshot: string }
  | { status: "completed"; output: string }
  | { status: "failed"; error: string };

const suspendSql = `
with state as (
  insert into workflow_state (execution_id, snapshot, updated_at)
  values ($1, $2::text::json, now())
  on conflict (execution_id) do update set snapshot = excluded.snapshot, updated_at = now()
),
ready as (
  select exists (
           select 1 from workflow_handles h left join executions c on c.id = h.child_id
            where h.workflow_id = $1
              and (h.result is not null or c.status in ('completed', 'failed', 'cancelled')))
      or exists (
           select 1 from workflow_handles h
             join signals s on s.execution_id = h.workflow_id and s.name = h.signal_name
            where h.workflow_id = $1 and h.kind = 'signal' and s.consumed_at is null) as now,
         (select min(fire_at) from workflow_handles where workflow_id = $1) as deadline
),
moved as (
  update executions e
     set status = case when ready.now then 'pending' else 'suspended' end,
         run_at = case when ready.now then now() else coalesce(ready.deadline, 'infinity') end,
         worker_id = null, lease_until = null, updated_at = now()
    from ready where e.id = $1
  returning e.status, e.run_at, e.queue, e.attempts
),
event as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select $1, 'step', attempts, $3, $4::text::json from moved
)
select status, (select count(*) from (select notify_ready(queue, run_at) from moved
                                       where run_at <> 'infinity') n)::int as notified
  from moved`;

const finishSql = `
with moved as (
  update executions
     set status = $2, output = $4::text::json, error = $5::text::json, worker_id = null,
         lease_until = null, finished_at = now(), updated_at = now()
   where id = $1
  returning attempts
),
state as (delete from workflow_state where execution_id = $1),
handles as (delete from workflow_handles where workflow_id = $1),
event as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select $1, $2, attempts, $3, $6::text::json from moved
)
select $2::text as status from moved`;

/**
 * Writes the step's outcome; returns the status the execution now has (`pending` when a result
 * arrived while the step ran).
 *
 * @example
 * ```ts
 * await writeOutcome(tx, id, workerId, { status: "completed", output: "42" }, '{"step":3}');
 * ```
 */
export async function writeOutcome(
  q: Queryable,
  id: string,
  workerId: string,
  outcome: StepOutcome,
  eventData: string,
): Promise<string> {
  if (outcome.status === "suspended") {
    const [row] = await q.query<{ status: string }>(suspendSql, [
      id,
      outcome.snapshot,
      workerId,
      eventData,
    ]);
    return row.status;
  }
  const output = outcome.status === "completed" ? outcome.output : null;
  const error = outcome.status === "failed" ? outcome.error : null;
  const [row] = await q.query<{ status: string }>(finishSql, [
    id,
    outcome.status,
    workerId,
    output,
    error,
    eventData,
  ]);
  return row.status;
}
