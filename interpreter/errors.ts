/**
 * Runtime errors (LANGUAGE.md §8): plain `{ name, message, …fields }` values that a
 * workflow can catch, and the constructors hosts use to report task and child failures.
 * @module
 */
import { VObj } from "./values.ts";

/** A serialisable error value: `name`, `message` and any extra fields. */
export interface ErrorValue {
  name: string;
  message: string;
  [field: string]: unknown;
}

/**
 * A `.flow` throw travelling through host code (built-ins, callbacks): carries the thrown
 * `.flow` value. The VM catches it and unwinds to the nearest `catch`.
 * @example
 * ```ts
 * try { throw new FlowThrow(makeError("TypeError", "x")); } catch (e) { (e as FlowThrow).value; }
 * ```
 */
export class FlowThrow extends Error {
  value: unknown;
  constructor(value: unknown) {
    super(typeof value === "object" && value !== null ? String((value as VObj).message) : "");
    this.value = value;
  }
}

/**
 * A `.flow` error object `{ name, message, …fields }` as a live VM value.
 * @example
 * ```ts
 * makeError("RangeError", "too deep").name; // "RangeError"
 * ```
 */
export function makeError(name: string, message: string, fields?: Record<string, unknown>): VObj {
  const e = new VObj();
  e.name = name;
  e.message = message;
  if (fields) { for (const k of Object.keys(fields)) e[k] = fields[k]; }
  return e;
}

/**
 * Throws a catchable `.flow` `TypeError`.
 * @example
 * ```ts
 * try { typeError("not a function") } catch (e) { (e as FlowThrow).value; }
 * ```
 */
export function typeError(message: string): never {
  throw new FlowThrow(makeError("TypeError", message));
}

/**
 * Throws a catchable `.flow` `RangeError`.
 * @example
 * ```ts
 * try { rangeError("too big") } catch (e) { (e as FlowThrow).value; }
 * ```
 */
export function rangeError(message: string): never {
  throw new FlowThrow(makeError("RangeError", message));
}

/**
 * Converts anything a host function threw into a `.flow` value: a {@link FlowThrow}'s
 * value, or `{ name, message }` of a JavaScript error.
 * @example
 * ```ts
 * toFlowError(new TypeError("bad")); // VObj { name: "TypeError", message: "bad" }
 * ```
 */
export function toFlowError(e: unknown): unknown {
  if (e instanceof FlowThrow) return e.value;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return makeError("RangeError", "the value is too deeply nested for this operation");
  }
  if (e instanceof Error) return makeError(e.name || "Error", e.message);
  return makeError("Error", String(e));
}

/**
 * The error a host reports when a task failed after its retries (LANGUAGE.md §8).
 * @example
 * ```ts
 * taskError("charge", "card declined", 3);
 * // { name: "TaskError", message: "card declined", task: "charge", attempts: 3, details: null }
 * ```
 */
export function taskError(
  task: string,
  message: string,
  attempts: number,
  details: unknown = null,
): ErrorValue {
  return { name: "TaskError", message, task, attempts, details };
}

/**
 * The error a host reports when a child workflow failed; `cause` is the child's error.
 * @example
 * ```ts
 * workflowError("child", { name: "Error", message: "nope" }).message;
 * // 'workflow "child" failed: nope'
 * ```
 */
export function workflowError(workflow: string, cause: ErrorValue): ErrorValue {
  return {
    name: "WorkflowError",
    message: `workflow "${workflow}" failed: ${cause.message}`,
    workflow,
    cause,
  };
}

/**
 * The error a host reports when a signal wait (or the workflow) timed out.
 * @example
 * ```ts
 * timeoutError('no "approval" signal within 1h').name; // "TimeoutError"
 * ```
 */
export function timeoutError(message: string): ErrorValue {
  return { name: "TimeoutError", message };
}

/**
 * The error a host reports for work that was cancelled (a loser of `Promise.race`).
 * @example
 * ```ts
 * cancelledError("lost the race").name; // "CancelledError"
 * ```
 */
export function cancelledError(message: string): ErrorValue {
  return { name: "CancelledError", message };
}
