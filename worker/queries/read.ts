/**
 * Reading executions and their events (client side, not the hot path).
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";
import { type Execution, EXECUTION_COLUMNS, type ExecutionRow, toExecution } from "../execution.ts";
import type { ExecutionStatus } from "../execution.ts";
import { decodePayload } from "../payload.ts";

/**
 * One execution by id, or null.
 *
 * @example
 * ```ts
 * const execution = await selectExecution(db, id);
 * ```
 */
export async function selectExecution(q: Queryable, id: string): Promise<Execution | null> {
  const rows = await q.query<ExecutionRow>(
    `select ${EXECUTION_COLUMNS} from executions where id = $1`,
    [id],
  );
  return rows.length === 0 ? null : toExecution(rows[0]);
}

/** Filters of {@link selectExecutions}. */
export interface ExecutionFilter {
  status?: ExecutionStatus;
  name?: string;
  queue?: string;
  kind?: "task" | "workflow";
  parentId?: string;
  /** Newest first, at most this many (default 100, at most 1000). */
  limit?: number;
  /** Only executions created before this id (paging backwards through {@link selectExecutions}). */
  before?: string;
}

/**
 * Executions matching `filter`, newest first.
 *
 * @example
 * ```ts
 * const failed = await selectExecutions(db, { status: "failed", limit: 20 });
 * ```
 */
export async function selectExecutions(
  q: Queryable,
  filter: ExecutionFilter = {},
): Promise<Execution[]> {
  const limit = Math.min(Math.max(1, filter.limit ?? 100), 1000);
  const rows = await q.query<ExecutionRow>(
    `select ${EXECUTION_COLUMNS} from executions
      where ($1::text is null or status = $1) and ($2::text is null or name = $2)
        and ($3::text is null or queue = $3) and ($4::text is null or kind = $4)
        and ($5::uuid is null or parent_id = $5) and ($6::uuid is null or id < $6)
      order by id desc limit $7`,
    [
      filter.status ?? null,
      filter.name ?? null,
      filter.queue ?? null,
      filter.kind ?? null,
      filter.parentId ?? null,
      filter.before ?? null,
      limit,
    ],
  );
  return rows.map((row) => toExecution(row));
}

/** One row of an execution's history. */
export interface ExecutionEvent {
  /** Increasing over the whole database. */
  id: number;
  executionId: string;
  /** `created`, `started`, `completed`, `retrying`, `failed`, `cancelled`, `lease_expired`, `released`. */
  type: string;
  at: Date;
  attempt: number | null;
  workerId: string | null;
  data: unknown;
}

/** Options of {@link selectEvents}: a cursor for the live event stream. */
export interface EventPage {
  /** Only events with a greater id (default 0: from the start). */
  afterId?: number;
  /** At most this many (default: all). */
  limit?: number;
}

/**
 * The events of one execution in order, optionally after a cursor (an event id).
 *
 * Invariant relied on by the cursor: every transition of one execution locks its `executions`
 * row before it inserts the event, so the event ids of ONE execution are handed out in commit
 * order and "after id N" never skips one of its events.
 *
 * @example
 * ```ts
 * for (const e of await selectEvents(db, id)) console.log(e.type, e.at);
 * const fresh = await selectEvents(db, id, { afterId: lastSeen, limit: 100 });
 * ```
 */
export async function selectEvents(
  q: Queryable,
  executionId: string,
  page: EventPage = {},
): Promise<ExecutionEvent[]> {
  const rows = await q.query<{
    id: number;
    type: string;
    at: Date;
    attempt: number | null;
    worker_id: string | null;
    data: string | null;
  }>(
    `select id::float8 as id, type, at, attempt, worker_id, data::text as data
       from events where execution_id = $1 and id > $2 order by id limit $3`,
    [executionId, page.afterId ?? 0, page.limit ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    executionId,
    type: r.type,
    at: r.at,
    attempt: r.attempt,
    workerId: r.worker_id,
    data: decodePayload(r.data),
  }));
}
