/**
 * What the HTTP API shows about one execution beyond the client's record: the workflow version
 * it is pinned to and its children. Not the hot path.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** A child execution as the detail view lists it. */
export interface ChildSummary {
  id: string;
  kind: "task" | "workflow";
  name: string;
  status: string;
}

/** At most this many children are listed (oldest first). */
export const CHILDREN_LIMIT = 1000;

const sql = `
select e.version,
       coalesce((select json_agg(json_build_object('id', c.id, 'kind', c.kind, 'name', c.name,
                                                   'status', c.status) order by c.id)::text
                   from (select id, kind, name, status from executions
                          where parent_id = $1 order by id limit $2) c), '[]') as children
  from executions e where e.id = $1`;

/**
 * The version and children of execution `id`, or null when it does not exist.
 *
 * @example
 * ```ts
 * const extra = await selectExecutionExtras(db, id); // { version: "3f2a…", children: [] }
 * ```
 */
export async function selectExecutionExtras(
  q: Queryable,
  id: string,
): Promise<{ version: string | null; children: ChildSummary[] } | null> {
  const rows = await q.query<{ version: string | null; children: string }>(sql, [
    id,
    CHILDREN_LIMIT,
  ]);
  if (rows.length === 0) return null;
  return { version: rows[0].version, children: JSON.parse(rows[0].children) };
}
