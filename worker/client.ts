/**
 * The client side of the engine: queue tasks, read, wait for and cancel executions. Works with
 * any {@link Db} (the same calls in Deno, Node and the browser).
 *
 * @module
 */
import type { Db, Queryable } from "./db/driver.ts";
import { sleep } from "./db/reconnect.ts";
import { ExecutionNotFoundError } from "./errors.ts";
import { type Execution, FINAL_STATUSES } from "./execution.ts";
import { uuidv7 } from "./ids.ts";
import { DEFAULT_PAYLOAD_LIMIT, encodePayload } from "./payload.ts";
import { cancelExecutions } from "./queries/cancel.ts";
import { insertExecutions, type NewExecution } from "./queries/insert.ts";
import {
  type ExecutionEvent,
  type ExecutionFilter,
  selectEvents,
  selectExecution,
  selectExecutions,
} from "./queries/read.ts";
import { type RetryOptions, type TaskDefinition, toRetryPolicy } from "./tasks.ts";

/** Options of {@link queueTask}; they override the task definition's defaults. */
export interface QueueOptions {
  /** The queue (default: the task's, else `"default"`). */
  queue?: string;
  /** Higher runs first (default: the task's, else 0). */
  priority?: number;
  /** Do not start before this time. */
  runAt?: Date;
  /** Do not start before this many milliseconds from now (server clock). */
  delayMs?: number;
  /** Retry policy (default: the task's, else 3 attempts with backoff from 1 s). */
  retry?: RetryOptions;
  /** Abort and fail an attempt after this many milliseconds. */
  timeoutMs?: number;
  /** Queueing again with the same task name and key returns the first execution's id. */
  idempotencyKey?: string;
  /** The parent execution (a workflow), for cancellation cascades. */
  parentId?: string;
  /** Largest inputs in bytes of JSON (default 1 MiB). */
  maxPayloadBytes?: number;
}

/** A task to queue: its name or definition, inputs and options. */
export interface QueueItem<Input = unknown> {
  task: string | TaskDefinition<Input>;
  inputs: Input;
  options?: QueueOptions;
}

/**
 * Queues one task execution and returns its id. The insert, its `created` event and the
 * NOTIFY that wakes a worker commit together.
 *
 * @example
 * ```ts
 * import { connect, queueTask } from "./worker/mod.ts";
 * const db = await connect();
 * const id = await queueTask(db, "sendEmail", { to: "a@example.com" }, { priority: 5 });
 * ```
 */
export async function queueTask<Input>(
  db: Queryable,
  task: string | TaskDefinition<Input>,
  inputs: Input,
  options: QueueOptions = {},
): Promise<string> {
  const [id] = await queueTasks(db, [{ task, inputs, options }]);
  return id;
}

/**
 * Queues many executions in one statement (one round trip); returns ids in order.
 *
 * @example
 * ```ts
 * const ids = await queueTasks(db, [
 *   { task: "resize", inputs: { image: 1 } },
 *   { task: "resize", inputs: { image: 2 }, options: { priority: 1 } },
 * ]);
 * ```
 */
export async function queueTasks(db: Queryable, items: readonly QueueItem[]): Promise<string[]> {
  const rows = items.map(toNewExecution);
  const results = await insertExecutions(db, rows);
  return results.map((r) => r.id);
}

function toNewExecution(item: QueueItem): NewExecution {
  const definition = typeof item.task === "string" ? undefined : item.task;
  const name = typeof item.task === "string" ? item.task : item.task.name;
  const defaults = definition?.options ?? {};
  const options = item.options ?? {};
  const policy = toRetryPolicy(options.retry ?? defaults.retry);
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs ?? null;
  if (timeoutMs !== null && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  }
  const priority = options.priority ?? defaults.priority ?? 0;
  if (!Number.isInteger(priority)) {
    throw new RangeError(`priority must be an integer, got ${priority}`);
  }
  return {
    id: uuidv7(),
    kind: "task",
    name,
    queue: options.queue ?? defaults.queue ?? "default",
    inputs: encodePayload(item.inputs, "inputs", options.maxPayloadBytes ?? DEFAULT_PAYLOAD_LIMIT),
    priority,
    maxAttempts: policy.maxAttempts,
    retry: JSON.stringify(policy.backoff),
    timeoutMs,
    runAtMs: options.runAt ? options.runAt.getTime() : null,
    delayMs: Math.max(0, options.delayMs ?? 0),
    idempotencyKey: options.idempotencyKey ?? null,
    parentId: options.parentId ?? null,
  };
}

/**
 * One execution by id, or null when there is none.
 *
 * @example
 * ```ts
 * const execution = await getExecution(db, id);
 * console.log(execution?.status, execution?.output);
 * ```
 */
export function getExecution<Output = unknown>(
  db: Queryable,
  id: string,
): Promise<Execution<Output> | null> {
  return selectExecution(db, id) as Promise<Execution<Output> | null>;
}

/**
 * Executions matching a filter (status, name, queue, kind, parent), newest first.
 *
 * @example
 * ```ts
 * const failed = await listExecutions(db, { status: "failed", limit: 10 });
 * ```
 */
export function listExecutions(db: Queryable, filter: ExecutionFilter = {}): Promise<Execution[]> {
  return selectExecutions(db, filter);
}

/**
 * The history of one execution: one event per transition, in order.
 *
 * @example
 * ```ts
 * const events = await getExecutionEvents(db, id); // created, started, completed
 * ```
 */
export function getExecutionEvents(db: Queryable, id: string): Promise<ExecutionEvent[]> {
  return selectEvents(db, id);
}

/** Options of {@link waitForExecution}. */
export interface WaitOptions {
  /** Give up (throw) after this many milliseconds (default: wait forever). */
  timeoutMs?: number;
  /** Longest pause between checks, in milliseconds (default 500; checks start at 10 ms). */
  pollMs?: number;
  /** Stop waiting (throw) when this aborts. */
  signal?: AbortSignal;
}

/**
 * Waits until the execution is completed, failed or cancelled, and returns it.
 * Throws {@link ExecutionNotFoundError} for an unknown id, or an Error on timeout.
 *
 * @example
 * ```ts
 * const done = await waitForExecution(db, id, { timeoutMs: 60_000 });
 * if (done.status === "completed") console.log(done.output);
 * ```
 */
export async function waitForExecution<Output = unknown>(
  db: Queryable,
  id: string,
  options: WaitOptions = {},
): Promise<Execution<Output>> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (let pause = 10;; pause = Math.min(pause * 2, options.pollMs ?? 500)) {
    const execution = await getExecution<Output>(db, id);
    if (!execution) throw new ExecutionNotFoundError(id);
    if (FINAL_STATUSES.includes(execution.status)) return execution;
    if (options.signal?.aborted) throw new Error(`stopped waiting for execution ${id}`);
    if (Date.now() + pause > deadline) {
      throw new Error(`execution ${id} still ${execution.status} after ${options.timeoutMs} ms`);
    }
    await sleep(pause, options.signal);
  }
}

/**
 * Cancels an unfinished execution and its unfinished children; a running task's abort signal
 * fires. Returns the ids cancelled (empty when it had already finished).
 *
 * @example
 * ```ts
 * const cancelled = await cancelExecution(db, id, { reason: "customer left" });
 * ```
 */
export async function cancelExecution(
  db: Db | Queryable,
  id: string,
  options: { reason?: string } = {},
): Promise<string[]> {
  const cancelled = await cancelExecutions(db, id, options.reason ?? null);
  if (cancelled.length === 0 && !(await getExecution(db, id))) throw new ExecutionNotFoundError(id);
  return cancelled;
}
