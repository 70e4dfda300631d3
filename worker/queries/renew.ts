/**
 * Heartbeats: renewing leases while tasks run.
 *
 * Lock order: the renewal of many leases locks its rows in id order first, like the inline
 * chains' checkpoints (`workflow-checkpoint.ts`), so the two cannot deadlock.
 *
 * Invariant: a lease is only ever extended by its holder (same worker id, and for a single
 * execution the same attempt) while the row is `running`. The ids a renewal returns are exactly
 * the executions the worker still holds; any other in-flight execution was lost (cancelled, or
 * expired and reclaimed) and its task must be aborted.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

const renewAllSql = `
with alive as (
  update workers set heartbeat_at = now() where id = $1
),
held as ( -- one primary-key lookup per lease, locked in id order ($3 comes sorted)
  select h.id from unnest($3::uuid[], $4::int[]) as l(id, attempt)
  cross join lateral (
    select e.id from executions e
     where e.id = l.id and e.status = 'running' and e.worker_id = $1 and e.attempts = l.attempt
       for update
  ) h
),
renewed as (
  update executions e set lease_until = now() + $2 * interval '1 millisecond'
    from held where e.id = held.id
  returning e.id, e.attempts
)
select id, attempts from renewed`;

/**
 * The worker's periodic heartbeat: refreshes `workers.heartbeat_at` and extends the leases of
 * the given in-flight attempts; returns the leases still held, as `"<id>:<attempt>"` keys.
 *
 * @example
 * ```ts
 * const held = await renewLeases(db, workerId, [{ id, attempt: 1 }], 30_000);
 * held.has(`${id}:1`);
 * ```
 */
export async function renewLeases(
  q: Queryable,
  workerId: string,
  leases: readonly { id: string; attempt: number }[],
  leaseMs: number,
): Promise<Set<string>> {
  const sorted = [...leases].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows = await q.query<{ id: string; attempts: number }>(renewAllSql, [
    workerId,
    leaseMs,
    sorted.map((l) => l.id),
    sorted.map((l) => l.attempt),
  ]);
  return new Set(rows.map((r) => `${r.id}:${r.attempts}`));
}

/**
 * Extends the lease of one execution (a task's `ctx.heartbeat()`); false when it was lost.
 *
 * @example
 * ```ts
 * if (!(await renewLease(db, id, workerId, attempt, 30_000))) controller.abort();
 * ```
 */
export async function renewLease(
  q: Queryable,
  id: string,
  workerId: string,
  attempt: number,
  leaseMs: number,
): Promise<boolean> {
  const rows = await q.query(
    `update executions set lease_until = now() + $4 * interval '1 millisecond'
      where id = $1 and status = 'running' and worker_id = $2 and attempts = $3
     returning id`,
    [id, workerId, attempt, leaseMs],
  );
  return rows.length === 1;
}
