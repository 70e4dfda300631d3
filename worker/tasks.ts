/**
 * Task definitions: a name, an async function of typed input, and defaults for how it is
 * queued (queue, priority, retry policy, timeout).
 *
 * @module
 */
import { DEFAULT_RETRY, type RetryPolicy } from "../interpreter/retry.ts";

/** What a running task can see and do. */
export interface TaskContext {
  /** The execution's id. */
  executionId: string;
  /** The task name. */
  name: string;
  /** The attempt number: 1 the first time, 2 on the first retry, … */
  attempt: number;
  /**
   * Aborts when the task must stop: its timeout passed, it was cancelled, the worker lost its
   * lease, or the worker is shutting down past its deadline. Pass it to `fetch` and friends.
   */
  signal: AbortSignal;
  /**
   * Extends the lease now (the worker also renews it in the background). Rejects, and aborts
   * `signal`, when this worker no longer holds the execution.
   */
  heartbeat(): Promise<void>;
}

/** A task function: input in, JSON-serialisable output out. */
export type TaskFunction<Input = unknown, Output = unknown> = (
  input: Input,
  context: TaskContext,
) => Output | Promise<Output>;

/** The retry policy as callers write it: every field optional. */
export interface RetryOptions {
  /** Attempts in all, including the first (1 = no retry). */
  maxAttempts?: number;
  /**
   * Backoff between attempts: `initial` and `max` in milliseconds, `factor`, and `jitter` as a
   * fraction (0.1 = ±10%). Unset fields come from the default policy.
   */
  backoff?: Partial<RetryPolicy["backoff"]>;
}

/** Defaults of a task, overridable per call of `queueTask`. */
export interface TaskOptions {
  /** The queue its executions go to (default `"default"`). */
  queue?: string;
  /** Higher runs first (default 0). */
  priority?: number;
  /** Retry policy (default: 3 attempts, exponential backoff from 1 s). */
  retry?: RetryOptions;
  /** Abort and fail the attempt after this many milliseconds (default: no timeout). */
  timeoutMs?: number;
}

/** A defined task: what `createWorker` runs and what `queueTask` accepts. */
export interface TaskDefinition<Input = unknown, Output = unknown> {
  readonly kind: "task";
  readonly name: string;
  /** Runs the task (method syntax: a definition of any input type is a `TaskDefinition`). */
  run(input: Input, context: TaskContext): Output | Promise<Output>;
  readonly options: TaskOptions;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Defines a task. The types of `input` and of the result flow to `queueTask`.
 *
 * @example
 * ```ts
 * import { defineTask } from "./worker/mod.ts";
 * export const sendEmail = defineTask(
 *   "sendEmail",
 *   async (input: { to: string }, ctx) => {
 *     await fetch("https://mail.example/send", { method: "POST", signal: ctx.signal });
 *     return { sent: input.to };
 *   },
 *   { queue: "email", retry: { maxAttempts: 5 }, timeoutMs: 10_000 },
 * );
 * ```
 */
export function defineTask<Input = unknown, Output = unknown>(
  name: string,
  run: TaskFunction<Input, Output>,
  options: TaskOptions = {},
): TaskDefinition<Input, Output> {
  if (!namePattern.test(name)) {
    throw new TypeError(
      `invalid task name ${JSON.stringify(name)}: start with a letter or _, then letters, ` +
        `digits, _ . : - (at most 128)`,
    );
  }
  if (typeof run !== "function") throw new TypeError(`task ${name}: run must be a function`);
  toRetryPolicy(options.retry); // fail at definition, not at first retry
  return Object.freeze({
    kind: "task" as const,
    name,
    run,
    options: Object.freeze({ ...options }),
  });
}

/**
 * Whether `value` is a {@link TaskDefinition} (e.g. an export of a tasks module).
 *
 * @example
 * ```ts
 * isTaskDefinition(defineTask("t", () => 1)); // true
 * ```
 */
export function isTaskDefinition(value: unknown): value is TaskDefinition {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === "task" &&
    typeof (value as { run?: unknown }).run === "function";
}

/**
 * Resolves retry options to a full policy (unset fields from the default: 3 attempts, 1 s
 * doubling up to 5 minutes, ±10%), throwing a RangeError when a field is out of range.
 * Durations are milliseconds here (the `.flow` language's `resolveRetry` takes seconds/strings).
 *
 * @example
 * ```ts
 * toRetryPolicy({ maxAttempts: 1 }).maxAttempts; // 1
 * toRetryPolicy({ backoff: { initial: 500 } }).backoff.factor; // 2
 * ```
 */
export function toRetryPolicy(options: RetryOptions | undefined): RetryPolicy {
  const maxAttempts = options?.maxAttempts ?? DEFAULT_RETRY.maxAttempts;
  const backoff = { ...DEFAULT_RETRY.backoff, ...dropUndefined(options?.backoff ?? {}) };
  check(Number.isInteger(maxAttempts) && maxAttempts >= 1, "maxAttempts", "an integer ≥ 1");
  check(backoff.initial >= 0, "backoff.initial", "a number of milliseconds ≥ 0");
  check(backoff.max >= 0, "backoff.max", "a number of milliseconds ≥ 0");
  check(backoff.factor >= 1, "backoff.factor", "a number ≥ 1");
  check(backoff.jitter >= 0 && backoff.jitter <= 1, "backoff.jitter", "a number from 0 to 1");
  return { maxAttempts, backoff };
}

function check(ok: boolean, field: string, rule: string): void {
  if (!ok) throw new RangeError(`retry.${field} must be ${rule}`);
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Task definitions by name, as a worker holds them. */
export type TaskRegistry = ReadonlyMap<string, TaskDefinition>;

/**
 * Builds a registry from definitions or from a `{ name: function | definition }` object (the
 * shape of a tasks module's exports); rejects duplicate names.
 *
 * @example
 * ```ts
 * const registry = toTaskRegistry([sendEmail, { chargeCard: async (input) => ({ ok: true }) }]);
 * ```
 */
export function toTaskRegistry(
  sources: readonly (TaskDefinition | Record<string, unknown>)[],
): TaskRegistry {
  const registry = new Map<string, TaskDefinition>();
  const add = (definition: TaskDefinition) => {
    const existing = registry.get(definition.name);
    if (existing && existing !== definition) {
      throw new Error(`task ${definition.name} is defined twice`);
    }
    registry.set(definition.name, definition);
  };
  for (const source of sources) {
    if (isTaskDefinition(source)) add(source);
    else {
      for (const [key, value] of Object.entries(source)) {
        if (isTaskDefinition(value)) add(value);
        else if (typeof value === "function") add(defineTask(key, value as TaskFunction));
      }
    }
  }
  return registry;
}
