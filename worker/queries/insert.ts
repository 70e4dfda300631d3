/**
 * Hot path: inserting new executions (one or a batch) in ONE statement, with their `created`
 * events and one NOTIFY per queue in the same transaction.
 *
 * Invariants: ids are client-generated, so a retried insert is a no-op (`on conflict do
 * nothing`); an idempotency key already used for the same name returns the existing id.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** A row to insert; payloads already encoded to JSON text. */
export interface NewExecution {
  id: string;
  kind: "task" | "workflow";
  name: string;
  queue: string;
  inputs: string;
  priority: number;
  maxAttempts: number;
  /** The backoff part of the retry policy as JSON text, or null for the default. */
  retry: string | null;
  timeoutMs: number | null;
  /** Absolute start time (epoch ms), or null. */
  runAtMs: number | null;
  /** Delay from the server's now(), used when `runAtMs` is null. */
  delayMs: number;
  idempotencyKey: string | null;
  parentId: string | null;
}

/** What happened to each row, in input order. */
export interface InsertResult {
  /** The execution id: the new one, or the existing one for a repeated idempotency key. */
  id: string;
  /** False when an execution with the same name and idempotency key already existed. */
  created: boolean;
}

const sql = `
with input as (
  select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[],
                       $7::int[], $8::text[], $9::int[], $10::float8[], $11::float8[],
                       $12::text[], $13::uuid[])
    with ordinality as t(id, kind, name, queue, inputs, priority, max_attempts, retry,
                         timeout_ms, run_at_ms, delay_ms, idempotency_key, parent_id, n)
),
inserted as (
  insert into executions (id, kind, name, queue, inputs, priority, max_attempts, retry,
                          timeout_ms, run_at, idempotency_key, parent_id)
  select id, kind, name, queue, inputs::json, priority, max_attempts, retry::json, timeout_ms,
         coalesce(to_timestamp(run_at_ms / 1000.0), now() + delay_ms * interval '1 millisecond'),
         idempotency_key, parent_id
    from input order by n
  on conflict do nothing
  returning id, queue, run_at
),
created as (
  insert into events (execution_id, type) select id, 'created' from inserted
),
notified as (
  select notify_ready(queue, min(run_at)) from inserted group by queue
)
select input.id as requested, inserted.id as id, inserted.id is not null as created,
       (select count(*) from notified)::int as queues
  from input
  left join inserted on inserted.id = input.id
 order by input.n`;

/** The same for one row, without `unnest` (the common case: about twice as fast). */
const oneSql = `
with inserted as (
  insert into executions (id, kind, name, queue, inputs, priority, max_attempts, retry,
                          timeout_ms, run_at, idempotency_key, parent_id)
  values ($1::uuid, $2::text, $3::text, $4::text, $5::text::json, $6::int, $7::int,
          $8::text::json, $9::int,
          coalesce(to_timestamp($10::float8 / 1000.0),
                   now() + $11::float8 * interval '1 millisecond'),
          $12::text, $13::uuid)
  on conflict do nothing
  returning id, queue, run_at
),
created as (
  insert into events (execution_id, type) select id, 'created' from inserted
)
select id, true as created, (select count(*) from (select notify_ready(queue, run_at)
                                                    from inserted) n)::int as queues
  from inserted`;

/**
 * Inserts executions and returns their ids in input order.
 *
 * @example
 * ```ts
 * const [{ id }] = await insertExecutions(db, [row]);
 * ```
 */
export async function insertExecutions(
  q: Queryable,
  rows: readonly NewExecution[],
): Promise<InsertResult[]> {
  if (rows.length === 0) return [];
  if (rows.length === 1) return [await insertOne(q, rows[0])];
  const column = <K extends keyof NewExecution>(key: K) => rows.map((r) => r[key]);
  const result = await q.query<{ requested: string; id: string | null; created: boolean }>(sql, [
    column("id"),
    column("kind"),
    column("name"),
    column("queue"),
    column("inputs"),
    column("priority"),
    column("maxAttempts"),
    column("retry"),
    column("timeoutMs"),
    column("runAtMs"),
    column("delayMs"),
    column("idempotencyKey"),
    column("parentId"),
  ]);
  return Promise.all(result.map((r, i) => resolveExisting(q, rows[i], r)));
}

async function insertOne(q: Queryable, row: NewExecution): Promise<InsertResult> {
  const [inserted] = await q.query<{ id: string }>(oneSql, [
    row.id,
    row.kind,
    row.name,
    row.queue,
    row.inputs,
    row.priority,
    row.maxAttempts,
    row.retry,
    row.timeoutMs,
    row.runAtMs,
    row.delayMs,
    row.idempotencyKey,
    row.parentId,
  ]);
  return resolveExisting(q, row, { id: inserted?.id ?? null, created: inserted !== undefined });
}

/**
 * A row that hit a conflict (rare, so looked up by a second query rather than joined in the hot
 * statement): an earlier execution with the same name and idempotency key, or our own earlier
 * insert whose reply was lost (same id).
 */
async function resolveExisting(
  q: Queryable,
  row: NewExecution,
  result: { id: string | null; created: boolean },
): Promise<InsertResult> {
  if (result.id !== null) return { id: result.id, created: result.created };
  const [found] = await q.query<{ id: string }>(
    `select id from executions
      where id = $1 or (name = $2 and idempotency_key = $3) order by id = $1 desc limit 1`,
    [row.id, row.name, row.idempotencyKey],
  );
  if (!found) throw new Error(`execution ${row.id} was neither inserted nor found`);
  return { id: found.id, created: false };
}
