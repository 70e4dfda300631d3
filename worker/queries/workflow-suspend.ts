/**
 * Hot path: the common workflow step — it received results, started tasks, timers or signal
 * waits, and suspends again — committed in ONE statement, no explicit transaction
 * (`workflow-commit.ts` takes the other paths: cancellations, child workflows, idempotency keys).
 *
 * Invariants:
 * - fenced: the `fence` CTE locks the row only while this worker holds the lease, and every
 *   write joins it, so a refused step writes nothing;
 * - no lost wake-up: the row's `wake_seq` (read from the newest row version, after the lock) is
 *   compared with the value the step loaded; anything that arrived since makes the step commit
 *   `pending`. Results already in the statement's snapshot for handles created by this very step
 *   (a buffered signal for a new wait) are found by the `ready` check, which excludes the rows
 *   this statement deletes and adds the rows it inserts (one snapshot sees neither change);
 * - task ids are client-generated, so handle rows reference them without a round trip;
 * - local start (the continuation fast path, docs/engine.md "Local continuation"): a task the
 *   step marks `local` (this worker runs its name in its queue and reserved a free slot for it)
 *   is inserted already `running` under this worker's lease (`attempts` 1, `lease_until`,
 *   `started_at`, a `started` event after its `created` one) and without a NOTIFY — unless a
 *   ready `pending` execution this worker could run waits in that queue with a higher priority,
 *   decided in this statement: then it is inserted `pending` like any other task. The statement
 *   returns the ids it started, and whether every handle the workflow still waits on is a task
 *   (`tasksOnly`: no timer, signal wait, deadline or child workflow), which lets the worker
 *   continue the workflow from memory when one of those tasks completes.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";
import type { NewExecution } from "./insert.ts";
import type { NewHandle } from "./workflow-commit.ts";

/** Everything the fast path writes. */
export interface SuspendStep {
  id: string;
  workerId: string;
  attempt: number;
  /** `wake_seq` as loaded by the step. */
  wakeSeq: number;
  delivered: string[];
  consumed: { id: number; handle: string }[];
  tasks: NewExecution[];
  handles: NewHandle[];
  logs: { level: string; message: string }[];
  /** JSON text. */
  snapshot: string;
  /** JSON text of the step event. */
  event: string;
  /** JSON text of the step span's trace carrier, saved on the tasks it starts; or null. */
  traceContext: string | null;
  /** Tasks this worker starts itself (same order as `tasks`), see the module doc. */
  local?: LocalStart;
}

/** Which new tasks to start on this worker, and the lease they get. */
export interface LocalStart {
  /** Per task (same order as `tasks`): this worker reserved a slot for it. */
  flags: boolean[];
  leaseMs: number;
  /** Task names this worker runs (for the priority check). */
  names: string[];
}

/** What the one-statement commit did. */
export interface SuspendResult {
  /** `suspended`, or `pending` when a result is already waiting. */
  status: string;
  /** Ids of the tasks inserted `running` under this worker's lease. */
  started: string[];
  /** Every handle the workflow waits on now is a task. */
  tasksOnly: boolean;
}

const sql = `
with fence as (
  select id from executions
   where id = $1 and status = 'running' and worker_id = $20 and attempts = $21
     and set_config('synchronous_commit', 'off', true) is not null
   for update
),
gone as (
  delete from workflow_handles
   where workflow_id = (select id from fence) and handle = any($2::text[])
),
consumed as (
  update signals s set consumed_at = now(), handle = t.handle
    from unnest($3::bigint[], $4::text[]) as t(id, handle), fence where s.id = t.id
),
new_tasks as (
  insert into executions (id, kind, name, queue, inputs, priority, max_attempts, retry,
                          timeout_ms, parent_id, trace_context, status, attempts, worker_id,
                          lease_until, started_at)
  select t.id, 'task', t.name, t.queue, t.inputs::json, t.priority, t.max_attempts,
         t.retry::json, t.timeout_ms, $1, $26::text::json,
         case when g.here then 'running' else 'pending' end, case when g.here then 1 else 0 end,
         case when g.here then $20::uuid end,
         case when g.here then now() + $28 * interval '1 millisecond' end,
         case when g.here then now() end
    from unnest($5::uuid[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[],
                $11::text[], $12::int[], $27::int[])
      with ordinality as t(id, name, queue, inputs, priority, max_attempts, retry, timeout_ms,
                           local, n)
   cross join fence
   cross join lateral (
     -- local start unless higher-priority work this worker could run is waiting in the queue
     select coalesce(t.local = 1, false) and not exists (
              select 1 from executions p
               where p.queue = t.queue and p.status = 'pending' and p.run_at <= now()
                 and p.priority > t.priority
                 and (p.name = any($29::text[]) or p.kind = 'workflow')) as here
   ) g
   order by t.n
  returning id, queue, status
),
task_events as (
  insert into events (execution_id, type, attempt, worker_id)
  select n.id, v.type, case when v.k = 2 then 1 end, case when v.k = 2 then $20::uuid end
    from new_tasks n cross join (values (1, 'created'), (2, 'started')) as v(k, type)
   where v.k = 1 or n.status = 'running'
   order by n.id, v.k
),
new_handles as (
  insert into workflow_handles (workflow_id, handle, position, kind, child_id, signal_name,
                                fire_at)
  select $1, h.handle, h.position, h.kind, h.child_id, h.signal_name,
         now() + h.delay_ms * interval '1 millisecond'
    from unnest($13::text[], $14::int[], $15::text[], $16::uuid[], $17::text[], $18::float8[])
      as h(handle, position, kind, child_id, signal_name, delay_ms)
   cross join fence
  returning kind, signal_name, fire_at
),
state as (
  insert into workflow_state (execution_id, snapshot, updated_at)
  select id, $19::text::json, now() from fence
  on conflict (execution_id) do update set snapshot = excluded.snapshot, updated_at = now()
),
logs as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select $1, 'log', $21, $20, json_build_object('level', l.level, 'message', l.message)
    from unnest($23::text[], $24::text[]) with ordinality as l(level, message, n)
   cross join fence
   order by l.n
),
kept as (
  select * from workflow_handles where workflow_id = $1 and handle <> all($2::text[])
),
ready as (
  select exists (select 1 from kept h join executions c on c.id = h.child_id
                  where c.status in ('completed', 'failed', 'cancelled'))
      or exists (select 1 from kept where result is not null)
      or exists (select 1 from signals s
                  where s.execution_id = $1 and s.consumed_at is null
                    and s.id <> all($3::bigint[])
                    and s.name in (select signal_name from kept where kind = 'signal'
                                   union all
                                   select signal_name from new_handles where kind = 'signal'))
         as now,
         least((select min(fire_at) from kept), (select min(fire_at) from new_handles)) as deadline
),
moved as (
  update executions e
     set status = case when ready.now or e.wake_seq <> $25 then 'pending' else 'suspended' end,
         run_at = case when ready.now or e.wake_seq <> $25 then now()
                       else coalesce(ready.deadline, 'infinity') end,
         worker_id = null, lease_until = null, updated_at = now()
    from ready, fence where e.id = fence.id
  returning e.status, e.run_at, e.queue, e.attempts
),
event as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select $1, 'step', attempts, $20, $22::text::json from moved
),
woken as (
  select notify_ready(queue, now()) from new_tasks where status = 'pending' group by queue
  union all
  select notify_ready(queue, run_at) from moved where run_at <> 'infinity'
)
select (select status from moved) as status, (select count(*) from woken)::int as notified,
       (select string_agg(id::text, ',') from new_tasks where status = 'running') as started,
       not exists (select 1 from kept where kind <> 'task')
         and not exists (select 1 from new_handles where kind <> 'task') as "tasksOnly"`;

/**
 * Commits a suspending step in one statement; returns what it did (status `pending` when a
 * result is already waiting), or null when the lease was lost and nothing was written.
 *
 * @example
 * ```ts
 * const result = await writeSuspendedStep(db, step);
 * if (result) for (const id of result.started) runHere(id);
 * ```
 */
export async function writeSuspendedStep(
  q: Queryable,
  s: SuspendStep,
): Promise<SuspendResult | null> {
  const t = s.tasks;
  const h = s.handles;
  const [row] = await q.query<
    { status: string | null; started: string | null; tasksOnly: boolean }
  >(sql, [
    s.id,
    s.delivered,
    s.consumed.map((c) => c.id),
    s.consumed.map((c) => c.handle),
    t.map((x) => x.id),
    t.map((x) => x.name),
    t.map((x) => x.queue),
    t.map((x) => x.inputs),
    t.map((x) => x.priority),
    t.map((x) => x.maxAttempts),
    t.map((x) => x.retry),
    t.map((x) => x.timeoutMs),
    h.map((x) => x.handle),
    h.map((x) => x.position),
    h.map((x) => x.kind),
    h.map((x) => (x.child === undefined ? null : t[x.child].id)),
    h.map((x) => x.signalName ?? null),
    h.map((x) => x.delayMs ?? null),
    s.snapshot,
    s.workerId,
    s.attempt,
    s.event,
    s.logs.map((l) => l.level),
    s.logs.map((l) => l.message),
    s.wakeSeq,
    s.traceContext,
    t.map((_, i) => (s.local?.flags[i] ? 1 : 0)), // postgres.js cannot send boolean[]
    s.local?.leaseMs ?? 0,
    s.local?.names ?? [],
  ]);
  if (!row || row.status === null) return null;
  return {
    status: row.status,
    started: row.started ? row.started.split(",") : [],
    tasksOnly: row.tasksOnly,
  };
}
