/**
 * Graceful shutdown: giving back executions a stopping worker could not finish in time, so
 * another worker picks them up at once instead of waiting for the lease to expire.
 *
 * Invariant: fenced like every worker write. `attempts` is not decremented: it counts claims
 * and is part of the fencing token.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

const sql = `
with released as (
  update executions e
     set status = 'pending', worker_id = null, lease_until = null, run_at = now(),
         updated_at = now()
    from unnest($1::uuid[], $2::int[]) as r(id, attempt)
   where e.id = r.id -- the fence as one case: see completeBatchCte in complete.ts
     and case when e.status = 'running' and e.worker_id = $3 then e.attempts = r.attempt end
  returning e.id, e.queue, e.attempts
),
event as (
  insert into events (execution_id, type, attempt, worker_id)
  select id, 'released', attempts, $3 from released
)
select id, (select count(*) from (select notify_ready(queue, now()) from released
                                   group by queue) n)::int as q
  from released`;

/**
 * Puts held executions back to `pending`; returns the ids released.
 *
 * @example
 * ```ts
 * await releaseExecutions(db, workerId, [{ id, attempt: 1 }]);
 * ```
 */
export async function releaseExecutions(
  q: Queryable,
  workerId: string,
  leases: readonly { id: string; attempt: number }[],
): Promise<string[]> {
  if (leases.length === 0) return [];
  const rows = await q.query<{ id: string }>(sql, [
    leases.map((l) => l.id),
    leases.map((l) => l.attempt),
    workerId,
  ]);
  return rows.map((r) => r.id);
}
