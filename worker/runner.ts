/**
 * Running one claimed execution to its end: call the task with a context, enforce its timeout,
 * and record the outcome (completed, retrying, failed) fenced by the lease. An attempt that was
 * cancelled, lost its lease or was interrupted by shutdown records nothing: someone else
 * already changed (or will change) its row.
 *
 * @module
 */
import type { Db } from "./db/driver.ts";
import {
  CancelledError,
  LeaseLostError,
  serializeError,
  TimeoutError,
  WorkerShutdownError,
} from "./errors.ts";
import { DEFAULT_RETRY, retryDelay, type RetryPolicy } from "../interpreter/retry.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { encodePayload } from "./payload.ts";
import type { ClaimedExecution } from "./queries/claim.ts";
import type { Completion } from "./queries/complete.ts";
import { failExecution } from "./queries/fail.ts";
import { renewLease } from "./queries/renew.ts";
import type { TaskContext, TaskRegistry } from "./tasks.ts";
import { observeClaim, parseCarrier, withTaskSpan } from "./tracing.ts";

/** What the runner needs from its worker. */
export interface RunnerDeps {
  db: Db;
  workerId: string;
  registry: TaskRegistry;
  leaseMs: number;
  maxPayloadBytes: number;
  /** Records a completion (batched); resolves false when the lease was lost. */
  complete: (completion: Completion) => Promise<boolean>;
  logger: Logger;
  random: () => number;
  /** True once the worker crashed (simulated): write nothing any more. */
  isDead: () => boolean;
}

/** An execution being run by this worker. */
export interface InFlight {
  readonly id: string;
  readonly attempt: number;
  readonly name: string;
  /**
   * Aborts the attempt (its signal fires with `reason`); the reason decides what is recorded
   * (see module doc). Only the first call counts, like `AbortController.abort`.
   */
  abort(reason: unknown): void;
  /** Settles when the attempt is over and its outcome recorded. */
  readonly done: Promise<void>;
  /**
   * Settles when the task code has returned or thrown (or was abandoned), before the outcome is
   * recorded: the concurrency slot is free from then on — unless it resolves `true`: the slot
   * was passed on to work started in its place (`workflows/continuation.ts`). Absent: `done`.
   */
  readonly settled?: Promise<void | boolean>;
}

/**
 * The abort state of one attempt. The task's `AbortSignal` is made only when the task reads
 * `context.signal` (most never do): aborting before that just records the reason, and the
 * signal is made already aborted. Aborting also rejects the task's race (`settle`) at once:
 * the attempt ends even if the task ignores its signal.
 */
export class Attempt {
  aborted = false;
  reason: unknown = undefined;
  /** Rejects the race between the task and its abort. */
  settle: ((reason: unknown) => void) | undefined = undefined;
  #controller: AbortController | undefined = undefined;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined
      ? new DOMException("The signal has been aborted", "AbortError")
      : reason;
    this.#controller?.abort(this.reason);
    this.settle?.(this.reason);
  }
}

/**
 * Starts running `row` and returns its in-flight handle at once.
 *
 * @example
 * ```ts
 * const flight = runExecution(row, deps);
 * inFlight.set(flight.id, flight);
 * flight.done.then(() => inFlight.delete(flight.id));
 * ```
 */
export function runExecution(row: ClaimedExecution, deps: RunnerDeps): InFlight {
  observeClaim(row.queue, row.waitedMs);
  const attempt = new Attempt();
  let onSettled!: () => void;
  const settled = new Promise<void>((resolve) => (onSettled = resolve));
  const done = run(row, deps, attempt, onSettled).catch((error) => {
    onSettled();
    deps.logger("error", `${taskLabel(row)}: could not record the outcome: ${describe(error)}`);
  });
  return {
    id: row.id,
    attempt: row.attempt,
    name: row.name,
    abort: (reason) => attempt.abort(reason),
    done,
    settled,
  };
}

async function run(
  row: ClaimedExecution,
  deps: RunnerDeps,
  attempt: Attempt,
  onSettled: () => void,
) {
  // the info lines are not even built for the silent logger (one per transition adds up)
  const verbose = deps.logger !== silentLogger;
  if (verbose) deps.logger("info", `started ${taskLabel(row)}`);
  const started = Date.now();
  let outcome: AttemptOutcome;
  try {
    outcome = await runAttempt(row, deps, attempt);
  } finally {
    onSettled();
  }
  if (deps.isDead()) return;
  const reason = attempt.aborted ? attempt.reason : undefined;
  if (isInterruption(reason)) {
    if (verbose) deps.logger("info", `${interruptionWord(reason)} ${taskLabel(row)}`);
    return;
  }
  const ms = Date.now() - started;
  if (outcome.ok) await recordCompletion(row, deps, outcome.output, ms, verbose);
  else await recordFailure(row, deps, outcome.error, ms);
}

/** What one attempt's code did: its output as JSON text, or what it threw. */
export type AttemptOutcome = { ok: true; output: string } | { ok: false; error: unknown };

/**
 * Runs one attempt's code under its timeout and span (nothing is recorded); the output is
 * encoded and size-checked. Shared with inline chains (`workflows/inline.ts`).
 *
 * @example
 * ```ts
 * const outcome = await runAttempt(row, deps, new Attempt());
 * ```
 */
export async function runAttempt(
  row: ClaimedExecution,
  deps: Pick<RunnerDeps, "db" | "workerId" | "registry" | "leaseMs" | "maxPayloadBytes">,
  attempt: Attempt,
): Promise<AttemptOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (row.timeoutMs !== null) {
    const ms = row.timeoutMs;
    timer = setTimeout(() => attempt.abort(new TimeoutError(ms)), ms);
  }
  try {
    const output = await withTaskSpan(
      {
        executionId: row.id,
        name: row.name,
        queue: row.queue,
        attempt: row.attempt,
        carrier: parseCarrier(row.traceContext),
      },
      () => callTask(row, deps, attempt),
    );
    return { ok: true, output: encodePayload(output, "output", deps.maxPayloadBytes) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls the task on the next microtask; settles with it, or rejects as soon as the attempt is
 * aborted (the task may ignore its signal).
 */
function callTask(
  row: ClaimedExecution,
  deps: Pick<RunnerDeps, "db" | "workerId" | "registry" | "leaseMs">,
  attempt: Attempt,
): Promise<unknown> {
  const definition = deps.registry.get(row.name);
  if (!definition) throw new Error(`no task named ${row.name} on this worker`);
  const context: TaskContext = {
    executionId: row.id,
    name: row.name,
    attempt: row.attempt,
    get signal() {
      return attempt.signal;
    },
    heartbeat: async () => {
      const held = await renewLease(deps.db, row.id, deps.workerId, row.attempt, deps.leaseMs);
      if (!held) {
        const error = new LeaseLostError(row.id);
        attempt.abort(error);
        throw error;
      }
    },
  };
  return new Promise((resolve, reject) => {
    if (attempt.aborted) return reject(attempt.reason);
    attempt.settle = reject;
    queueMicrotask(() => {
      try {
        const result = definition.run(JSON.parse(row.inputs), context);
        // not `resolve(result)`: a promise passed to resolve locks it, and an abort could no
        // longer reject it
        if (isThenable(result)) result.then(resolve, reject);
        else resolve(result);
      } catch (error) {
        reject(error);
      }
    });
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

async function recordCompletion(
  row: ClaimedExecution,
  deps: RunnerDeps,
  output: string,
  ms: number,
  verbose: boolean,
) {
  const held = await deps.complete({ id: row.id, attempt: row.attempt, output });
  if (held) {
    if (verbose) deps.logger("info", `completed ${taskLabel(row)} in ${ms} ms`);
  } else deps.logger("warn", `lease lost: result of ${taskLabel(row)} discarded`);
}

/**
 * Records a failed attempt: a retry later or a failure for good, from the retry policy and the
 * error (also used by inline chains).
 *
 * @example
 * ```ts
 * await recordFailure(row, deps, new Error("boom"), 12);
 * ```
 */
export async function recordFailure(
  row: ClaimedExecution,
  deps: Pick<RunnerDeps, "db" | "workerId" | "logger" | "random">,
  error: unknown,
  ms: number,
) {
  const serialized = serializeError(error);
  const policy = policyOf(row);
  const retry = serialized.retryable && row.attempt < policy.maxAttempts;
  const retryInMs = retry ? retryDelay(policy, row.attempt, deps.random()) : null;
  const held = await failExecution(deps.db, {
    id: row.id,
    workerId: deps.workerId,
    attempt: row.attempt,
    error: JSON.stringify(serialized),
    retryInMs,
  });
  const what = `${taskLabel(row)} after ${ms} ms: ${serialized.name}: ${serialized.message}`;
  if (!held) deps.logger("warn", `lease lost: failure of ${what} discarded`);
  else if (retry) deps.logger("warn", `retrying in ${retryInMs} ms ${what}`);
  else deps.logger("error", `failed ${what}`);
}

function policyOf(row: ClaimedExecution): RetryPolicy {
  const backoff = row.retry === null ? DEFAULT_RETRY.backoff : JSON.parse(row.retry);
  return { maxAttempts: row.maxAttempts, backoff };
}

/** Cancelled, lease lost or shut down: an attempt that records nothing. */
export function isInterruption(reason: unknown): boolean {
  return reason instanceof CancelledError || reason instanceof LeaseLostError ||
    reason instanceof WorkerShutdownError;
}

function interruptionWord(reason: unknown): string {
  if (reason instanceof CancelledError) return "cancelled";
  if (reason instanceof LeaseLostError) return "lease lost: abandoned";
  return "interrupted by shutdown:";
}

/**
 * A task attempt for log lines: name, id, attempt of the most.
 *
 * @example
 * ```ts
 * logger("info", `started ${taskLabel(row)}`); // "started send-email 0193… (attempt 1/3)"
 * ```
 */
export function taskLabel(row: ClaimedExecution): string {
  return `${row.name} ${row.id} (attempt ${row.attempt}/${row.maxAttempts})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
