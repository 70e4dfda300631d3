/**
 * Hot path: inserting workflow executions (client starts and child workflows), pinned to the
 * name's current version, with their `created` events and one NOTIFY per queue, in ONE
 * statement.
 *
 * Invariants: a workflow row has `kind = 'workflow'`, a non-null `version`, and `max_attempts`
 * so large that reclaiming an expired step lease never fails it (`attempts` counts steps); the
 * queue defaults to the definition's front-matter `queue`, else `default`. Ids are
 * client-generated (a retried insert is a no-op) and a repeated idempotency key returns the
 * first execution's id.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** `max_attempts` of workflow rows: steps are never failed for being claimed often. */
export const WORKFLOW_MAX_ATTEMPTS = 1_000_000_000;

/** A workflow execution to insert. */
export interface NewWorkflow {
  id: string;
  name: string;
  /** Null: the definition's front-matter queue, else `defaultQueue`. */
  queue: string | null;
  /** The queue when neither `queue` nor the front matter names one (default `default`). */
  defaultQueue?: string;
  /** JSON text. */
  inputs: string;
  priority: number;
  idempotencyKey: string | null;
  parentId: string | null;
}

/** What happened to each row, in input order. */
export interface StartResult {
  /** The execution id (the existing one for a repeated idempotency key); null when unknown. */
  id: string | null;
  created: boolean;
  /** False when no workflow of that name is registered (nothing was inserted). */
  known: boolean;
}

const sql = `
with input as (
  select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[],
                       $7::uuid[], $8::text[])
    with ordinality as t(id, name, queue, inputs, priority, idempotency_key, parent_id,
                         default_queue, n)
),
resolved as (
  select i.*, w.version, coalesce(i.queue, d.compiled -> 'defaults' ->> 'queue', i.default_queue) as q
    from input i
    join workflows w on w.name = i.name
    join workflow_definitions d on d.name = w.name and d.version = w.version
),
inserted as (
  insert into executions (id, kind, name, queue, inputs, priority, max_attempts, version,
                          idempotency_key, parent_id)
  select id, 'workflow', name, q, inputs::json, priority, ${WORKFLOW_MAX_ATTEMPTS}, version,
         idempotency_key, parent_id
    from resolved order by n
  on conflict do nothing
  returning id, queue, run_at, version
),
created as (
  insert into events (execution_id, type, data)
  select id, 'created', json_build_object('version', version) from inserted
),
notified as (
  select notify_ready(queue, min(run_at)) from inserted group by queue
)
select input.id as requested, coalesce(inserted.id, existing.id) as id,
       inserted.id is not null as created,
       exists (select 1 from workflows w where w.name = input.name) as known,
       (select count(*) from notified)::int as queues
  from input
  left join inserted on inserted.id = input.id
  left join executions existing
    on inserted.id is null and existing.name = input.name
   and existing.idempotency_key = input.idempotency_key
 order by input.n`;

/**
 * Inserts workflow executions; results in input order.
 *
 * @example
 * ```ts
 * const [r] = await insertWorkflows(db, [{ id: uuidv7(), name: "processOrder", queue: null,
 *   inputs: "{}", priority: 0, idempotencyKey: null, parentId: null }]);
 * if (!r.known) throw new Error("no such workflow");
 * ```
 */
export async function insertWorkflows(
  q: Queryable,
  rows: readonly NewWorkflow[],
): Promise<StartResult[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof NewWorkflow>(key: K) => rows.map((r) => r[key]);
  const result = await q.query<{ id: string | null; created: boolean; known: boolean }>(sql, [
    column("id"),
    column("name"),
    column("queue"),
    column("inputs"),
    column("priority"),
    column("idempotencyKey"),
    column("parentId"),
    rows.map((r) => r.defaultQueue ?? "default"),
  ]);
  return Promise.all(result.map((r, i) => resolveExisting(q, rows[i], r)));
}

/** A conflict that matched nothing visible: our own earlier insert, or a concurrent twin. */
async function resolveExisting(q: Queryable, row: NewWorkflow, r: StartResult) {
  if (r.id !== null || !r.known) return r;
  const [found] = await q.query<{ id: string }>(
    `select id from executions
      where id = $1 or (name = $2 and idempotency_key = $3) order by id = $1 desc limit 1`,
    [row.id, row.name, row.idempotencyKey],
  );
  if (!found) throw new Error(`workflow execution ${row.id} was neither inserted nor found`);
  return { id: found.id, created: false, known: true };
}
