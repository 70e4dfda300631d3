/**
 * The JSON shapes the HTTP API answers with. Timestamps are ISO 8601 strings; a stored error
 * loses its `stack` (a response never carries a stack trace) and keeps everything else, such as
 * a workflow failure's `.flow` `line`.
 *
 * @module
 */
import type { Execution } from "../execution.ts";
import type { ExecutionEvent } from "../queries/read.ts";
import type { ChildSummary } from "../queries/http-execution.ts";

/** An execution as the API shows it. */
export interface ExecutionJson {
  id: string;
  kind: "task" | "workflow";
  name: string;
  queue: string;
  status: string;
  inputs: unknown;
  output: unknown;
  error: Record<string, unknown> | null;
  parentId: string | null;
  priority: number;
  attempts: number;
  maxAttempts: number;
  timeoutMs: number | null;
  idempotencyKey: string | null;
  /** When it is (or was) due; null while a workflow waits with no deadline. */
  runAt: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The detail view: the execution, its pinned version and its children. */
export interface ExecutionDetailJson extends ExecutionJson {
  version: string | null;
  children: ChildSummary[];
}

/** One event as the API shows it. */
export interface EventJson {
  id: number;
  executionId: string;
  type: string;
  at: string;
  attempt: number | null;
  workerId: string | null;
  data: unknown;
}

/** ISO text of a timestamp; null for none. */
function iso(date: Date | null): string | null {
  return date === null ? null : new Date(date).toISOString();
}

/**
 * The public form of a stored error: everything but `stack`.
 *
 * @example
 * ```ts
 * publicError({ name: "TypeError", message: "x", retryable: true, stack: "…" });
 * // { name: "TypeError", message: "x", retryable: true }
 * ```
 */
export function publicError(error: unknown): Record<string, unknown> | null {
  if (error === null || typeof error !== "object") return null;
  const { stack: _stack, ...rest } = error as Record<string, unknown>;
  return rest;
}

/**
 * An execution as JSON.
 *
 * @example
 * ```ts
 * return c.json(executionJson(await getExecution(db, id)));
 * ```
 */
export function executionJson(e: Execution): ExecutionJson {
  return {
    id: e.id,
    kind: e.kind,
    name: e.name,
    queue: e.queue,
    status: e.status,
    inputs: e.inputs,
    output: e.output,
    error: publicError(e.error),
    parentId: e.parentId,
    priority: e.priority,
    attempts: e.attempts,
    maxAttempts: e.maxAttempts,
    timeoutMs: e.timeoutMs,
    idempotencyKey: e.idempotencyKey,
    runAt: iso(e.runAt),
    createdAt: iso(e.createdAt) as string,
    updatedAt: iso(e.updatedAt) as string,
    startedAt: iso(e.startedAt),
    finishedAt: iso(e.finishedAt),
  };
}

/**
 * An event as JSON (an error in its data loses its stack too).
 *
 * @example
 * ```ts
 * const events = (await getExecutionEvents(db, id)).map(eventJson);
 * ```
 */
export function eventJson(e: ExecutionEvent): EventJson {
  return {
    id: e.id,
    executionId: e.executionId,
    type: e.type,
    at: iso(e.at) as string,
    attempt: e.attempt,
    workerId: e.workerId,
    data: withoutStack(e.data),
  };
}

function withoutStack(data: unknown): unknown {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return data;
  const record = data as Record<string, unknown>;
  if (!("error" in record) && !("stack" in record)) return data;
  const { stack: _stack, ...rest } = record;
  return "error" in rest ? { ...rest, error: publicError(rest.error) } : rest;
}
