/**
 * Hot path: claiming a batch of ready executions for one worker in ONE statement.
 *
 * Invariants: only `pending` rows whose `run_at` has come, in the worker's queues and with a
 * name the worker can run (any workflow when `workflows` is set, plus `suspended` workflows
 * whose deadline has come, see migrations/0003); highest priority first, then oldest `run_at`, then id; rows locked by
 * a concurrent claim are skipped (`for update skip locked`), so two workers never claim the same
 * row. Each claim increments `attempts`, sets the lease (`worker_id`, `lease_until`) and writes a
 * `started` event; `(worker_id, attempts)` is the fencing token of every later change.
 *
 * Asynchronous commit: a claim commits with `synchronous_commit = off` (set for this
 * transaction only), saving a WAL flush on the hot path. A claim lost to a server crash leaves
 * its rows `pending` (or its lease expires), so they are claimed again: nothing is lost, a task
 * may run twice — the at-least-once contract. Later synchronous commits flush it anyway.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** A claimed execution, as the worker needs it. */
export interface ClaimedExecution {
  id: string;
  kind: "task" | "workflow";
  name: string;
  queue: string;
  /** JSON text. */
  inputs: string;
  priority: number;
  /** This attempt's number (1 = first): with the worker id, the fencing token. */
  attempt: number;
  maxAttempts: number;
  /** The backoff part of the retry policy as JSON text, or null for the default. */
  retry: string | null;
  timeoutMs: number | null;
  /** Milliseconds from when it became ready (`run_at`) to this claim (claim latency). */
  waitedMs: number;
  /**
   * JSON text of the trace carrier of the workflow step that started it, else null (see
   * migrations/0004): the parent of its task span or first step span.
   */
  traceContext: string | null;
  /**
   * A workflow's first claim (attempt 1: no step ever committed, so no snapshot and no handles):
   * its version, start time and `wake_seq`, which spare the step its load. Else null.
   */
  firstStep?: { version: string; startedAt: Date; wakeSeq: number } | null;
}

const sql = `
with next as (
  -- One ordered scan of executions_ready per queue (a plain "queue = any(…)" would read and
  -- sort every pending row), then the best $3 over all queues. Rows a queue's scan locked but
  -- the outer limit dropped stay locked only until this statement's transaction ends.
  select c.id from unnest($1::text[]) as q(queue)
  cross join lateral (
    select e.id, e.priority, e.run_at from executions e
     where e.queue = q.queue and e.status = 'pending' and e.run_at <= now()
       and ((e.kind = 'task' and e.name = any($2::text[])) or (e.kind = 'workflow' and $6::bool))
     order by e.priority desc, e.run_at, e.id
     limit $3
     for update skip locked
  ) c
  order by c.priority desc, c.run_at, c.id
  limit $3
),
due as (
  select id from executions
   where $6::bool and status = 'suspended' and run_at <= now() and queue = any($1::text[])
   order by run_at
   limit greatest(0, $3 - (select count(*) from next))
   for update skip locked
),
claimed as (
  update executions e
     set status = 'running', attempts = e.attempts + 1, worker_id = $4,
         lease_until = now() + $5 * interval '1 millisecond',
         started_at = coalesce(e.started_at, now()), updated_at = now()
   where e.id = any(array(select id from next union all select id from due)) -- by primary key
  returning e.id, e.kind, e.name, e.queue, e.inputs::text as inputs, e.priority,
            e.attempts as attempt, e.max_attempts as "maxAttempts", e.retry::text as retry,
            e.timeout_ms as "timeoutMs", e.run_at, e.trace_context::text as "traceContext",
            case when e.kind = 'workflow' and e.attempts = 1
                 then json_build_object('version', e.version, 'startedAt', e.started_at,
                                        'wakeSeq', e.wake_seq)::text end as "firstStep"
),
started as (
  insert into events (execution_id, type, attempt, worker_id)
  select id, 'started', attempt, $4 from claimed
)
select id, kind, name, queue, inputs, priority, attempt, "maxAttempts", retry, "timeoutMs",
       "traceContext", "firstStep", greatest(0, extract(epoch from clock_timestamp() - run_at) * 1000)::float8 as "waitedMs"
  from claimed
 where set_config('synchronous_commit', 'off', true) is not null -- see "Asynchronous commit"
 order by priority desc, run_at, id`;

/** Parameters of {@link claimExecutions}. */
export interface ClaimOptions {
  workerId: string;
  queues: readonly string[];
  /** Task names the worker can run. */
  names: readonly string[];
  /**
   * Also claim workflow steps: pending workflows of any name, and suspended ones whose
   * deadline (`run_at`: a timer, a signal timeout) has come (default false).
   */
  workflows?: boolean;
  /** At most this many rows. */
  limit: number;
  /** Lease length in milliseconds. */
  leaseMs: number;
}

/**
 * Claims up to `limit` ready executions, in claim order.
 *
 * @example
 * ```ts
 * const rows = await claimExecutions(db, {
 *   workerId, queues: ["default"], names: ["send-email"], limit: 10, leaseMs: 30_000,
 * });
 * ```
 */
export async function claimExecutions(
  q: Queryable,
  options: ClaimOptions,
): Promise<ClaimedExecution[]> {
  const rows = await q.query<ClaimedExecution & { firstStep: string | null }>(sql, [
    options.queues,
    options.names,
    options.limit,
    options.workerId,
    options.leaseMs,
    options.workflows ?? false,
  ]);
  for (const row of rows) {
    if (row.firstStep === null) continue;
    const first = JSON.parse(row.firstStep);
    row.firstStep = { ...first, startedAt: new Date(first.startedAt) } as never;
  }
  return rows;
}
