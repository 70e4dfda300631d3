/**
 * Hot path of inline chains (docs/engine.md "Inline chains", `workflows/inline.ts`): a batch of
 * workflow steps, each of a workflow this worker keeps `running` under its lease while it runs
 * the workflow's next task itself, committed in ONE statement (group commit: the worker writes
 * the checkpoints that arrive while the previous batch is being written together).
 *
 * One item = one step of one workflow: the completion of the task it received (its row exists,
 * `running` under this worker's lease), the handles it delivered and signals it consumed, the
 * next task (inserted `running` under this worker's lease, with its handle row), the snapshot,
 * the `step` event and log lines — or, for the step that finished the workflow, its outcome.
 *
 * Invariants:
 * - fenced twice: an item writes only while this worker holds the workflow (status `running`,
 *   worker, attempt) and, when it carries a completion, still holds that task (status `running`,
 *   worker, attempt). A task completion is written whenever the task's lease holds, even if the
 *   workflow's does not (the task did complete); everything else of the item only when both
 *   hold. The statement returns, per item, which of the two it wrote;
 * - the workflow's row is not written by a continuing item: it stays `running` with the same
 *   attempt, which fences the next step as well. A completed task whose handle row the item
 *   deletes (it delivered the result) wakes nobody: the `executions_wake_waiters` trigger, which
 *   runs after the statement, no longer finds the handle. An item that only records a completion
 *   (the chain ends, its next step commits as usual) keeps the handle: the trigger bumps the
 *   workflow's `wake_seq` once (it is `running`, so no NOTIFY), and the step expects that;
 * - every row of `executions` is reached by a primary-key lookup per id (a lateral subquery), never
 *   by `id = any($n)`: a prepared statement's generic plan, chosen while the table was small (a
 *   fresh database, before its first ANALYZE), would keep scanning the whole table as it grows;
 * - rows are locked in id order, as the lease renewal (`renew.ts`) locks them. Ids are uuidv7,
 *   so a task's id sorts after its workflow's (it was created later), and cancellations, which
 *   lock a workflow before its children, take the same order;
 * - the new tasks are inserted exactly as `workflow-suspend.ts` inserts a local task (`running`,
 *   attempt 1, lease, `created` and `started` events, no NOTIFY) — unless a ready `pending`
 *   execution this worker could run (`names`) waits in that queue with a higher priority: then
 *   the task is inserted `pending` with a NOTIFY, and the workflow is parked `suspended` (lease
 *   cleared) to wait for it like any other;
 * - a finishing item is written as `workflow-finish.ts` writes the last step (output or error,
 *   snapshot and handles dropped, event), and its completion wakes a waiting parent through the
 *   trigger.
 *
 * Asynchronous commit, as every step commit (`workflow-commit.ts`): a checkpoint lost to a
 * server crash is lost whole, and the workflow runs again from the previous snapshot.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";
import type { NewExecution } from "./insert.ts";

/** One step of an inline chain. */
export interface CheckpointItem {
  workflowId: string;
  /** The workflow's attempt (its fencing token with the worker id). */
  attempt: number;
  /** The task whose result this step received, or null (the first step of a chain). */
  completion: { id: string; attempt: number; output: string } | null;
  /** Handles whose rows this step deletes (delivered to the VM). */
  delivered: string[];
  /** Signals this step consumed: id → handle. */
  consumed: { id: number; handle: string }[];
  /** The next task, inserted `running` under this worker's lease, and its handle. */
  next: { task: NewExecution; handle: string; position: number } | null;
  /** JSON text of the snapshot (continuing items; null: the saved one stays). */
  snapshot: string | null;
  /** The workflow's outcome when this step finished it. */
  finish: { status: "completed" | "failed"; output: string | null; error: string | null } | null;
  /** JSON text of the `step` event's data (or of the finishing event's); null: no event. */
  event: string | null;
  logs: { level: string; message: string }[];
  /** JSON text of the step span's trace carrier, saved on the next task; or null. */
  traceContext: string | null;
}

/** What the statement wrote for one item. */
export interface CheckpointResult {
  /** The step is committed (workflow and task leases held). */
  committed: boolean;
  /** This worker still held the workflow's lease. */
  held: boolean;
  /**
   * The next task went to the queue instead (higher-priority work this worker could run waits
   * there), and the workflow is now `suspended` waiting for it: the chain ends.
   */
  queued: boolean;
  /** The completion was written (the task's lease held). */
  completed: boolean;
}

const sql = `
with locked as ( -- one primary-key lookup per id, in id order ($35 comes sorted)
  select l.* from unnest($35::uuid[]) as k(id)
  cross join lateral (
    select e.id, e.status, e.worker_id, e.attempts from executions e
     where e.id = k.id and set_config('synchronous_commit', 'off', true) is not null
       for update
  ) l
),
w as (
  select l.id from locked l join unnest($1::uuid[], $2::int[]) as p(id, attempt) on p.id = l.id
   where l.status = 'running' and l.worker_id = $3 and l.attempts = p.attempt
),
c as (
  select l.id, p.wf, p.output from locked l
    join unnest($4::uuid[], $5::int[], $6::text[], $7::uuid[]) as p(id, attempt, output, wf)
      on p.id = l.id
   where l.status = 'running' and l.worker_id = $3 and l.attempts = p.attempt
),
ok as (
  select w.id from w
   where not exists (select 1 from unnest($7::uuid[]) as x(wf)
                      where x.wf = w.id and x.wf not in (select wf from c))
),
done as (
  update executions e
     set status = 'completed', output = c.output::json, error = null, lease_until = null,
         finished_at = now(), updated_at = now()
    from c where e.id = c.id
  returning e.id, e.attempts
),
gone as (
  delete from workflow_handles h
   using unnest($8::uuid[], $9::text[]) as d(wf, handle)
   where h.workflow_id = d.wf and h.handle = d.handle and d.wf in (select id from ok)
),
consumed as (
  update signals s set consumed_at = now(), handle = t.handle
    from unnest($10::bigint[], $11::text[], $12::uuid[]) as t(id, handle, wf)
   where s.id = t.id and t.wf in (select id from ok)
),
new_tasks as (
  insert into executions (id, kind, name, queue, inputs, priority, max_attempts, retry,
                          timeout_ms, parent_id, trace_context, status, attempts, worker_id,
                          lease_until, started_at)
  select t.id, 'task', t.name, t.queue, t.inputs::json, t.priority, t.max_attempts,
         t.retry::json, t.timeout_ms, t.wf, t.trace::json,
         case when g.here then 'running' else 'pending' end, case when g.here then 1 else 0 end,
         case when g.here then $3::uuid end,
         case when g.here then now() + $13 * interval '1 millisecond' end,
         case when g.here then now() end
    from unnest($14::uuid[], $15::uuid[], $16::text[], $17::text[], $18::text[], $19::int[],
                $20::int[], $21::text[], $22::int[], $23::text[])
      as t(id, wf, name, queue, inputs, priority, max_attempts, retry, timeout_ms, trace)
   cross join lateral (
     -- here unless higher-priority work this worker could run is waiting in the queue
     select not exists (
              select 1 from executions p
               where p.queue = t.queue and p.status = 'pending' and p.run_at <= now()
                 and p.priority > t.priority
                 and (p.name = any($34::text[]) or p.kind = 'workflow')) as here
   ) g
   where t.wf in (select id from ok)
   order by t.id
  returning id, parent_id, queue, status
),
parked as ( -- its next task went to the queue: the workflow waits for it, suspended
  update executions e
     set status = 'suspended', run_at = 'infinity', worker_id = null, lease_until = null,
         updated_at = now()
    from new_tasks n where n.status = 'pending' and e.id = n.parent_id
),
woken as (select notify_ready(queue, now()) from new_tasks where status = 'pending' group by queue),
new_handles as (
  insert into workflow_handles (workflow_id, handle, position, kind, child_id)
  select t.wf, t.handle, t.position, 'task', t.id
    from unnest($14::uuid[], $15::uuid[], $24::text[], $25::int[]) as t(id, wf, handle, position)
   where t.wf in (select id from ok)
),
items as (
  select p.* from unnest($1::uuid[], $2::int[], $26::text[], $27::text[], $28::text[],
                         $29::text[], $30::text[])
      as p(id, attempt, snapshot, event, status, output, error)
   where p.id in (select id from ok)
),
state as (
  insert into workflow_state (execution_id, snapshot, updated_at)
  select id, snapshot::json, now() from items where status is null and snapshot is not null
  on conflict (execution_id) do update set snapshot = excluded.snapshot, updated_at = now()
),
finished as (
  update executions e
     set status = i.status, output = i.output::json, error = i.error::json, worker_id = null,
         lease_until = null, finished_at = now(), updated_at = now()
    from items i where e.id = i.id and i.status is not null
  returning e.id
),
finished_state as (
  delete from workflow_state where execution_id in (select id from items where status is not null)
),
finished_handles as (
  delete from workflow_handles
   where workflow_id in (select id from items where status is not null)
     and not exists (select 1 from unnest($8::uuid[], $9::text[]) as d(wf, handle)
                      where d.wf = workflow_id and d.handle = workflow_handles.handle)
),
events as (
  insert into events (execution_id, type, attempt, worker_id, data)
  select x.id, x.type, x.attempt, $3, x.data
    from (select id, 'completed' as type, attempts as attempt, null::json as data, 1 as k,
                 0::bigint as n from done
          union all
          select id, v.type, case when v.k = 3 then 1 end, null, v.k, 0 from new_tasks
           cross join (values (2, 'created'), (3, 'started')) as v(k, type)
           where v.k = 2 or status = 'running'
          union all
          select l.wf, 'log', i.attempt, json_build_object('level', l.level, 'message', l.message),
                 4, l.n
            from unnest($31::uuid[], $32::text[], $33::text[]) with ordinality
              as l(wf, level, message, n)
            join items i on i.id = l.wf
          union all
          select id, coalesce(status, 'step'), attempt, event::json, 5, 0 from items
           where event is not null) x
   order by x.k, x.id, x.n
)
select ok.id::text as id, 'step' as what from ok
union all
select w.id::text, 'held' from w
union all
select id::text, 'task' from done
union all
select parent_id::text, 'queued' from new_tasks
 where status = 'pending' and (select count(*) from woken) >= 0`;

/**
 * Writes a batch of inline steps; returns, per item (same order), what was written.
 *
 * @example
 * ```ts
 * const [result] = await writeCheckpoints(db, workerId, 30_000, ["send-email"], [item]);
 * if (!result.committed) reloadAndStep();
 * ```
 */
export async function writeCheckpoints(
  q: Queryable,
  workerId: string,
  leaseMs: number,
  names: readonly string[],
  items: readonly CheckpointItem[],
): Promise<CheckpointResult[]> {
  const completions = items.filter((i) => i.completion !== null);
  const delivered = items.flatMap((i) =>
    i.delivered.map((handle) => ({ wf: i.workflowId, handle }))
  );
  const consumed = items.flatMap((i) => i.consumed.map((s) => ({ ...s, wf: i.workflowId })));
  const next = items.filter((i) => i.next !== null);
  const logs = items.flatMap((i) => i.logs.map((l) => ({ ...l, wf: i.workflowId })));
  const rows = await q.query<{ id: string; what: string }>(sql, [
    items.map((i) => i.workflowId),
    items.map((i) => i.attempt),
    workerId,
    completions.map((i) => i.completion!.id),
    completions.map((i) => i.completion!.attempt),
    completions.map((i) => i.completion!.output),
    completions.map((i) => i.workflowId),
    delivered.map((d) => d.wf),
    delivered.map((d) => d.handle),
    consumed.map((s) => s.id),
    consumed.map((s) => s.handle),
    consumed.map((s) => s.wf),
    leaseMs,
    next.map((i) => i.next!.task.id),
    next.map((i) => i.workflowId),
    next.map((i) => i.next!.task.name),
    next.map((i) => i.next!.task.queue),
    next.map((i) => i.next!.task.inputs),
    next.map((i) => i.next!.task.priority),
    next.map((i) => i.next!.task.maxAttempts),
    next.map((i) => i.next!.task.retry),
    next.map((i) => i.next!.task.timeoutMs),
    next.map((i) => i.traceContext),
    next.map((i) => i.next!.handle),
    next.map((i) => i.next!.position),
    items.map((i) => i.snapshot),
    items.map((i) => i.event),
    items.map((i) => i.finish?.status ?? null),
    items.map((i) => i.finish?.output ?? null),
    items.map((i) => i.finish?.error ?? null),
    logs.map((l) => l.wf),
    logs.map((l) => l.level),
    logs.map((l) => l.message),
    names,
    [...items.map((i) => i.workflowId), ...completions.map((i) => i.completion!.id)].sort(),
  ]);
  const sets: Record<string, Set<string>> = {
    step: new Set(),
    held: new Set(),
    task: new Set(),
    queued: new Set(),
  };
  for (const row of rows) sets[row.what].add(row.id);
  const { step: committed, held, task: completed, queued } = sets;
  return items.map((i) => ({
    committed: committed.has(i.workflowId),
    held: held.has(i.workflowId),
    queued: queued.has(i.workflowId),
    completed: i.completion !== null && completed.has(i.completion.id),
  }));
}
