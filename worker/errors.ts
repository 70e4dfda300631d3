/**
 * Errors of the engine, and the serialisable form of a task failure stored in
 * `executions.error` and in events.
 *
 * @module
 */

/** A task failure as stored in the database (plain JSON). */
export interface SerializedError {
  /** The error class name, e.g. `"TypeError"`, `"NonRetryableError"`, `"TimeoutError"`. */
  name: string;
  /** The message. */
  message: string;
  /** Whether the engine may retry after it. */
  retryable: boolean;
  /** The stack trace, when the error had one. */
  stack?: string;
}

/**
 * Thrown by task code to fail the execution at once, without the remaining retries.
 *
 * @example
 * ```ts
 * import { defineTask, NonRetryableError } from "./worker/mod.ts";
 * export const charge = defineTask("charge", (input: { cents: number }) => {
 *   if (input.cents < 0) throw new NonRetryableError("negative amount");
 *   return { ok: true };
 * });
 * ```
 */
export class NonRetryableError extends Error {
  /** Creates the error; `cause` is kept as the standard `Error.cause`. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

/**
 * A task ran longer than its timeout; its abort signal fired. Retryable.
 *
 * @example
 * ```ts
 * if (error instanceof TimeoutError) console.log("too slow");
 * ```
 */
export class TimeoutError extends Error {
  /** Creates the error for a timeout of `ms` milliseconds. */
  constructor(ms: number) {
    super(`task timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * A payload (inputs or output) is larger than the limit.
 *
 * @example
 * ```ts
 * try { await queueTask(db, "t", hugeObject); } catch (e) {
 *   if (e instanceof PayloadTooLargeError) console.log(e.bytes, e.limit);
 * }
 * ```
 */
export class PayloadTooLargeError extends Error {
  /** Size of the JSON text in bytes. */
  readonly bytes: number;
  /** The limit in bytes. */
  readonly limit: number;
  /** Creates the error for the payload `what` ("inputs", "output"). */
  constructor(what: string, bytes: number, limit: number) {
    super(`${what} is ${bytes} bytes of JSON, over the limit of ${limit} bytes`);
    this.name = "PayloadTooLargeError";
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * A payload (inputs, output, signal payload) nests arrays and objects deeper than the limit
 * (Postgres's JSON parser and `JSON.stringify` overflow their stacks on very deep values).
 *
 * @example
 * ```ts
 * try { await queueTask(db, "t", deeplyNested); } catch (e) {
 *   if (e instanceof PayloadTooDeepError) console.log(e.depth, e.limit);
 * }
 * ```
 */
export class PayloadTooDeepError extends Error {
  /** How deep the payload nests, counted up to `limit + 1` (or more when it overflowed). */
  readonly depth: number;
  /** The deepest nesting accepted. */
  readonly limit: number;
  /** Creates the error for the payload `what` ("inputs", "output", "payload"). */
  constructor(what: string, depth: number, limit: number) {
    super(`${what} nests over ${limit} levels of arrays and objects, the limit`);
    this.name = "PayloadTooDeepError";
    this.depth = depth;
    this.limit = limit;
  }
}

/**
 * An execution id does not exist (in this schema).
 *
 * @example
 * ```ts
 * await getExecution(db, id).catch((e) => e instanceof ExecutionNotFoundError);
 * ```
 */
export class ExecutionNotFoundError extends Error {
  /** The id that was looked up. */
  readonly id: string;
  /** Creates the error for `id`. */
  constructor(id: string) {
    super(`execution ${id} not found`);
    this.name = "ExecutionNotFoundError";
    this.id = id;
  }
}

/** The errors (by name) that fail a task at once instead of retrying it. */
const NOT_RETRYABLE = ["NonRetryableError", "PayloadTooLargeError", "PayloadTooDeepError"];

/**
 * The serialisable form of anything a task threw. `NonRetryableError`, `PayloadTooLargeError`
 * and `PayloadTooDeepError` (by name, so subclasses from other copies of this module count too)
 * are not retryable.
 *
 * @example
 * ```ts
 * serializeError(new TypeError("x")); // { name: "TypeError", message: "x", retryable: true, stack }
 * ```
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const retryable = !NOT_RETRYABLE.includes(error.name);
    return { name: error.name, message: error.message, retryable, stack: error.stack };
  }
  return { name: "Error", message: `non-error thrown: ${describe(error)}`, retryable: true };
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The abort reason of a task whose execution was cancelled.
 *
 * @example
 * ```ts
 * if (ctx.signal.reason instanceof CancelledError) return;
 * ```
 */
export class CancelledError extends Error {
  /** Creates the error for execution `id`. */
  constructor(id: string) {
    super(`execution ${id} was cancelled`);
    this.name = "CancelledError";
  }
}

/**
 * The abort reason of a task whose worker no longer holds the lease (it expired and another
 * worker reclaimed it): its result would be ignored, so it should stop.
 *
 * @example
 * ```ts
 * if (ctx.signal.reason instanceof LeaseLostError) console.log("someone else runs this now");
 * ```
 */
export class LeaseLostError extends Error {
  /** Creates the error for execution `id`. */
  constructor(id: string) {
    super(`this worker no longer holds the lease of execution ${id}`);
    this.name = "LeaseLostError";
  }
}

/**
 * The abort reason of a task still running when its worker's shutdown deadline passed; the
 * execution is released to another worker.
 *
 * @example
 * ```ts
 * if (ctx.signal.reason instanceof WorkerShutdownError) await saveProgress();
 * ```
 */
export class WorkerShutdownError extends Error {
  /** Creates the error. */
  constructor() {
    super("the worker is shutting down");
    this.name = "WorkerShutdownError";
  }
}
