/**
 * Hot path: the last step of a workflow — it completed or failed without starting new work —
 * committed in ONE statement: fenced like `workflow-suspend.ts`, it records the output or the
 * error, drops the snapshot and the remaining handle rows, writes the event and the log lines.
 * The `executions_wake_waiters` trigger wakes a waiting parent in the same statement.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** What the last step writes. */
export interface FinishStep {
  id: string;
  workerId: string;
  attempt: number;
  status: "completed" | "failed";
  /** JSON text (completed). */
  output: string | null;
  /** JSON text (failed). */
  error: string | null;
  consumed: { id: number; handle: string }[];
  logs: { level: string; message: string }[];
  /** JSON text of the event's data. */
  event: string;
}

const sql = `
with fence as (
  select id from executions
   where id = $1 and status = 'running' and worker_id = $2 and attempts = $3
     and set_config('synchronous_commit', 'off', true) is not null
   for update
),
consumed as (
  update signals s set consumed_at = now(), handle = t.handle
    from unnest($8::bigint[], $9::text[]) as t(id, handle), fence where s.id = t.id
),
state as (delete from workflow_state where execution_id = (select id from fence)),
handles as (delete from workflow_handles where workflow_id = (select id from fence)),
logs as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select $1, 'log', $3, $2, json_build_object('level', l.level, 'message', l.message)
    from unnest($10::text[], $11::text[]) with ordinality as l(level, message, n)
   cross join fence
   order by l.n
),
moved as (
  update executions e
     set status = $4, output = $5::text::json, error = $6::text::json, worker_id = null,
         lease_until = null, finished_at = now(), updated_at = now()
    from fence where e.id = fence.id
  returning e.attempts
),
event as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select $1, $4, attempts, $2, $7::text::json from moved
)
select $4::text as status from moved`;

/**
 * Commits the last step; returns its status, or null when the lease was lost.
 *
 * @example
 * ```ts
 * await writeFinishedStep(db, { id, workerId, attempt, status: "completed", output: "1",
 *   error: null, consumed: [], logs: [], event: "{}" });
 * ```
 */
export async function writeFinishedStep(q: Queryable, s: FinishStep): Promise<string | null> {
  const rows = await q.query<{ status: string }>(sql, [
    s.id,
    s.workerId,
    s.attempt,
    s.status,
    s.output,
    s.error,
    s.event,
    s.consumed.map((c) => c.id),
    s.consumed.map((c) => c.handle),
    s.logs.map((l) => l.level),
    s.logs.map((l) => l.message),
  ]);
  return rows[0]?.status ?? null;
}
