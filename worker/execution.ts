/**
 * The execution record as the library returns it, and the mapping from a database row.
 *
 * @module
 */
import type { SerializedError } from "./errors.ts";
import { decodePayload } from "./payload.ts";

/**
 * Lifecycle: `pending → running → completed | failed | cancelled`; a failed attempt with
 * retries left goes back to `pending` (with a later `run_at`); `suspended` is a workflow
 * waiting on handles.
 */
export type ExecutionStatus =
  | "pending"
  | "running"
  | "suspended"
  | "completed"
  | "failed"
  | "cancelled";

/** The statuses an execution never leaves. */
export const FINAL_STATUSES: readonly ExecutionStatus[] = ["completed", "failed", "cancelled"];

/** One execution of a task (or workflow). */
export interface Execution<Output = unknown> {
  id: string;
  kind: "task" | "workflow";
  name: string;
  queue: string;
  status: ExecutionStatus;
  inputs: unknown;
  /** The task's return value once `completed`, else null. */
  output: Output | null;
  /** The last failure (also kept while retrying), else null. */
  error: SerializedError | null;
  parentId: string | null;
  priority: number;
  /** How many times it was claimed. */
  attempts: number;
  maxAttempts: number;
  timeoutMs: number | null;
  /**
   * When it becomes (or became) ready to run; null while nothing schedules it (a suspended
   * workflow waiting on handles, stored as `run_at = 'infinity'`).
   */
  runAt: Date | null;
  leaseUntil: Date | null;
  workerId: string | null;
  idempotencyKey: string | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** The select list that {@link toExecution} maps; payloads as text, see `payload.ts`. */
export const EXECUTION_COLUMNS = `id, kind, name, queue, status, inputs::text as inputs,
  output::text as output, error::text as error, parent_id, priority, attempts, max_attempts,
  timeout_ms, run_at, lease_until, worker_id, idempotency_key, created_at, updated_at,
  started_at, finished_at`;

/** A row selected with {@link EXECUTION_COLUMNS}. */
export interface ExecutionRow {
  id: string;
  kind: "task" | "workflow";
  name: string;
  queue: string;
  status: ExecutionStatus;
  inputs: string;
  output: string | null;
  error: string | null;
  parent_id: string | null;
  priority: number;
  attempts: number;
  max_attempts: number;
  timeout_ms: number | null;
  run_at: Date;
  lease_until: Date | null;
  worker_id: string | null;
  idempotency_key: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** The date, or null for none and for Postgres `infinity` (which drivers read as an invalid Date). */
function finiteDate(date: Date | null): Date | null {
  if (date === null) return null;
  const time = new Date(date).getTime();
  return Number.isFinite(time) ? new Date(time) : null;
}

/**
 * Maps a database row to an {@link Execution}.
 *
 * @example
 * ```ts
 * const [row] = await db.query<ExecutionRow>(`select ${EXECUTION_COLUMNS} from executions`);
 * const execution = toExecution(row);
 * ```
 */
export function toExecution<Output = unknown>(row: ExecutionRow): Execution<Output> {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    queue: row.queue,
    status: row.status,
    inputs: decodePayload(row.inputs),
    output: decodePayload(row.output) as Output | null,
    error: decodePayload(row.error) as SerializedError | null,
    parentId: row.parent_id,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    timeoutMs: row.timeout_ms,
    runAt: finiteDate(row.run_at),
    leaseUntil: row.lease_until,
    workerId: row.worker_id,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
