/**
 * Hot path: claiming a batch of ready executions for one worker in ONE statement.
 *
 * Invariants: only `pending` rows whose `run_at` has come, in the worker's queues and with a
 * name the worker can run (any workflow when `workflows` is set, plus `suspended` workflows
 * whose deadline has come, see migrations/0003); highest priority first, then oldest `run_at`,
 * then id; rows locked by a concurrent claim are skipped (`for update skip locked`), so two
 * workers never claim the same row. Each claim increments `attempts`, sets the lease
 * (`worker_id`, `lease_until`) and writes a `started` event; `(worker_id, attempts)` is the
 * fencing token of every later change. The statement is the function `claim_executions`
 * (migrations/0007), whose plan is made once per connection.
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
select id, kind, name, queue, inputs, priority, attempt, max_attempts as "maxAttempts", retry,
       timeout_ms as "timeoutMs", trace_context as "traceContext", first_step as "firstStep",
       waited_ms as "waitedMs"
  from claim_executions($1::text[], $2::text[], $3::int, $4::uuid, $5::int, $6::bool)
 where set_config('synchronous_commit', 'off', true) is not null -- see "Asynchronous commit"`;

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
