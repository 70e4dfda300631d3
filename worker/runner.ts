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
import type { Logger } from "./logger.ts";
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
  /** Aborts the task; the reason decides what is recorded (see module doc). */
  readonly controller: AbortController;
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
  const controller = new AbortController();
  const flight = { id: row.id, attempt: row.attempt, name: row.name, controller };
  let onSettled = () => {};
  const settled = new Promise<void>((resolve) => (onSettled = resolve));
  const done = run(row, deps, controller, onSettled).catch((error) => {
    deps.logger("error", `${label(row)}: could not record the outcome: ${describe(error)}`);
  }).finally(onSettled);
  return { ...flight, done, settled };
}

async function run(
  row: ClaimedExecution,
  deps: RunnerDeps,
  controller: AbortController,
  onSettled: () => void,
) {
  deps.logger("info", `started ${label(row)}`);
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (row.timeoutMs !== null) {
    const ms = row.timeoutMs;
    timer = setTimeout(() => controller.abort(new TimeoutError(ms)), ms);
  }
  let outcome: { ok: true; output: string } | { ok: false; error: unknown };
  try {
    const output = await withTaskSpan(
      {
        executionId: row.id,
        name: row.name,
        queue: row.queue,
        attempt: row.attempt,
        carrier: parseCarrier(row.traceContext),
      },
      () => raceAbort(callTask(row, deps, controller), controller.signal),
    );
    outcome = { ok: true, output: encodePayload(output, "output", deps.maxPayloadBytes) };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    clearTimeout(timer);
    onSettled();
  }
  if (deps.isDead()) return;
  const reason = controller.signal.aborted ? controller.signal.reason : undefined;
  if (isInterruption(reason)) {
    deps.logger("info", `${interruptionWord(reason)} ${label(row)}`);
    return;
  }
  const ms = Date.now() - started;
  if (outcome.ok) await recordCompletion(row, deps, outcome.output, ms);
  else await recordFailure(row, deps, outcome.error, ms);
}

function callTask(row: ClaimedExecution, deps: RunnerDeps, controller: AbortController) {
  const definition = deps.registry.get(row.name);
  if (!definition) throw new Error(`no task named ${row.name} on this worker`);
  const context: TaskContext = {
    executionId: row.id,
    name: row.name,
    attempt: row.attempt,
    signal: controller.signal,
    heartbeat: async () => {
      const held = await renewLease(deps.db, row.id, deps.workerId, row.attempt, deps.leaseMs);
      if (!held) {
        const error = new LeaseLostError(row.id);
        controller.abort(error);
        throw error;
      }
    },
  };
  return Promise.resolve().then(() => definition.run(JSON.parse(row.inputs), context));
}

/** Settles with the task, or rejects as soon as the signal aborts (the task may ignore it). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function recordCompletion(
  row: ClaimedExecution,
  deps: RunnerDeps,
  output: string,
  ms: number,
) {
  const held = await deps.complete({ id: row.id, attempt: row.attempt, output });
  if (held) deps.logger("info", `completed ${label(row)} in ${ms} ms`);
  else deps.logger("warn", `lease lost: result of ${label(row)} discarded`);
}

async function recordFailure(row: ClaimedExecution, deps: RunnerDeps, error: unknown, ms: number) {
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
  const what = `${label(row)} after ${ms} ms: ${serialized.name}: ${serialized.message}`;
  if (!held) deps.logger("warn", `lease lost: failure of ${what} discarded`);
  else if (retry) deps.logger("warn", `retrying in ${retryInMs} ms ${what}`);
  else deps.logger("error", `failed ${what}`);
}

function policyOf(row: ClaimedExecution): RetryPolicy {
  const backoff = row.retry === null ? DEFAULT_RETRY.backoff : JSON.parse(row.retry);
  return { maxAttempts: row.maxAttempts, backoff };
}

function isInterruption(reason: unknown): boolean {
  return reason instanceof CancelledError || reason instanceof LeaseLostError ||
    reason instanceof WorkerShutdownError;
}

function interruptionWord(reason: unknown): string {
  if (reason instanceof CancelledError) return "cancelled";
  if (reason instanceof LeaseLostError) return "lease lost: abandoned";
  return "interrupted by shutdown:";
}

function label(row: ClaimedExecution): string {
  return `${row.name} ${row.id} (attempt ${row.attempt}/${row.maxAttempts})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
