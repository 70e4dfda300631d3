/**
 * Hot path of the local continuation (docs/engine.md "Local continuation"): completing a batch
 * of tasks AND claiming, in the same statement, the parent workflows this worker can continue
 * from memory — the step that started those tasks was committed by this worker, and nothing
 * reached the workflow since.
 *
 * Invariants:
 * - the completions are fenced exactly like `complete.ts` (status `running`, this worker, same
 *   attempt) and write the same `completed` events;
 * - a parent is claimed only if tasks of it completed in this statement, each of them one the
 *   worker delivers (`deliverable`) to a handle row that still exists, and the row is
 *   exactly as this worker's commit left it: status `suspended`, `attempts` and `wake_seq`
 *   unchanged. Every writer that brings a workflow news bumps `wake_seq` (migrations/0003), so
 *   an unchanged value proves a fresh load would find nothing but these completions. A
 *   concurrent change re-checks the condition on the newest row version (read committed), so
 *   the claim fails and the workflow takes the queue path;
 * - the claim is the claim of `claim.ts`: `running`, `attempts + 1`, this worker's lease and a
 *   `started` event; `(worker_id, attempts)` fences the step's commit as usual;
 * - the `executions_wake_waiters` trigger runs after the statement: it finds the parent
 *   `running` (no NOTIFY) and bumps its `wake_seq` once per completed child, so the step
 *   commits against `wake_seq + completed children` (anything else makes it commit `pending`).
 *
 * Asynchronous commit, as `complete.ts` and `claim.ts`.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";
import { completeBatchCte, type Completion } from "./complete.ts";

/** A parent this worker may claim: the attempt and `wake_seq` its last commit left. */
export interface ContinuedParent {
  id: string;
  attempt: number;
  wakeSeq: number;
}

/** What the statement did. */
export interface ContinueResult {
  /** Completed task id → when it finished (epoch ms); missing ids lost their lease. */
  completed: Map<string, number>;
  /** Claimed parent id → its new attempt (the step's fencing token). */
  claimed: Map<string, number>;
}

const sql = `
with ${completeBatchCte},
claimed as (
  update executions w
     set status = 'running', attempts = w.attempts + 1, worker_id = $4,
         lease_until = now() + $8 * interval '1 millisecond',
         started_at = coalesce(w.started_at, now()), updated_at = now()
    from unnest($5::uuid[], $6::int[], $7::int[]) as p(id, attempt, wake_seq)
   where w.id = p.id -- the condition as one case: see completeBatchCte in complete.ts
     and case when w.status = 'suspended'
              then w.attempts = p.attempt and w.wake_seq = p.wake_seq end
     and exists (select 1 from done where done.parent_id = w.id)
     -- every child completed here is one the worker delivers, to a handle still waited on
     and not exists (
           select 1 from done d
            where d.parent_id = w.id
              and (d.id <> all($9::uuid[])
                   or not exists (select 1 from workflow_handles h
                                   where h.workflow_id = w.id and h.child_id = d.id)))
  returning w.id, w.attempts
),
events as ( -- the tasks' 'completed' events first, then the parents' 'started' ones
  insert into events (execution_id, type, attempt, worker_id)
  select id, type, attempts, $4
    from (select id, 'completed' as type, attempts, 1 as k from done
          union all
          select id, 'started', attempts, 2 from claimed) x
   order by k, id
)
select id::text as id, 'task' as what, (extract(epoch from finished_at) * 1000)::float8 as n
  from done where set_config('synchronous_commit', 'off', true) is not null
union all
select id::text, 'step', attempts::float8 from claimed`;

/**
 * Completes `completions` and claims those of `parents` that one of them unblocks.
 *
 * @example
 * ```ts
 * const { completed, claimed } = await completeAndContinue(db, workerId, items, parents, 30_000, ids);
 * ```
 */
export async function completeAndContinue(
  q: Queryable,
  workerId: string,
  completions: readonly Completion[],
  parents: readonly ContinuedParent[],
  leaseMs: number,
  deliverable: readonly string[],
): Promise<ContinueResult> {
  const rows = await q.query<{ id: string; what: string; n: number }>(sql, [
    completions.map((c) => c.id),
    completions.map((c) => c.attempt),
    completions.map((c) => c.output),
    workerId,
    parents.map((p) => p.id),
    parents.map((p) => p.attempt),
    parents.map((p) => p.wakeSeq),
    leaseMs,
    deliverable,
  ]);
  const completed = new Map<string, number>();
  const claimed = new Map<string, number>();
  for (const row of rows) {
    (row.what === "task" ? completed : claimed).set(row.id, Number(row.n));
  }
  return { completed, claimed };
}
