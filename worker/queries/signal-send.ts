/**
 * Sending a signal to a workflow execution: stored, then matched FIFO to the execution's waits
 * by its next step (`workflows/resolutions.ts`); signals sent before the wait stay buffered.
 *
 * Invariant: the execution row is locked before anything else, then its `wake_seq` is bumped, so
 * the wake-up cannot be lost: a step running meanwhile commits `pending` (its `wake_seq`
 * changed), and a step that committed before the lock left a wait this transaction sees.
 *
 * @module
 */
import type { Db } from "../db/driver.ts";

/** The result of {@link insertSignal}. */
export type SignalResult =
  | { ok: true; id: number; woke: boolean }
  | { ok: false; reason: "not-found" | "not-a-workflow" | "finished"; status?: string };

const wakeSql = `
with waits as (
  select exists (select 1 from workflow_handles h
                  where h.workflow_id = $1 and h.kind = 'signal' and h.signal_name = $2) as yes
),
woken as (
  update executions e
     set wake_seq = e.wake_seq + 1,
         status = case when e.status = 'suspended' and waits.yes then 'pending' else e.status end,
         run_at = case when e.status = 'suspended' and waits.yes then now() else e.run_at end,
         updated_at = now()
    from waits where e.id = $1
  returning e.queue, e.status
)
select count(notify_ready(queue, now()))::int as woke from woken where status = 'pending'`;

/**
 * Stores a signal for execution `id` and wakes it when it waits for one of that name.
 *
 * @example
 * ```ts
 * const r = await insertSignal(db, id, "approval", '{"ok":true}');
 * ```
 */
export function insertSignal(
  db: Db,
  id: string,
  name: string,
  payload: string,
): Promise<SignalResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ kind: string; status: string }>(
      "select kind, status from executions where id = $1 for update",
      [id],
    );
    if (!row) return { ok: false, reason: "not-found" };
    if (row.kind !== "workflow") return { ok: false, reason: "not-a-workflow" };
    if (["completed", "failed", "cancelled"].includes(row.status)) {
      return { ok: false, reason: "finished", status: row.status };
    }
    const [signal] = await tx.query<{ id: number }>(
      `with s as (
         insert into signals (execution_id, name, payload) values ($1, $2, $3::text::json)
         returning id
       ),
       e as (
         insert into events (execution_id, type, data)
         select $1, 'signal', json_build_object('name', $2::text, 'signal', id) from s
       )
       select id::float8 as id from s`,
      [id, name, payload],
    );
    const [woken] = await tx.query<{ woke: number }>(wakeSql, [id, name]);
    return { ok: true, id: Number(signal.id), woke: woken.woke > 0 };
  });
}
