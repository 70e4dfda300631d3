/**
 * Inline chains (docs/engine.md "Inline chains"): a workflow whose step starts exactly one task
 * that this worker can run keeps its lease and its slot, and the worker runs that task itself,
 * feeds its result to the interpreter in memory and commits the step — the task's completion,
 * the next task, the snapshot — in ONE statement batched with other workflows' steps
 * (`queries/workflow-checkpoint.ts`). A sequence of tasks thus costs one row-level write per
 * transition and a share of a group commit per step, instead of a suspend, a claim and a load.
 *
 * Every row and event is the same as on the queue path: each task is inserted `running` under
 * this worker's lease (attempt 1) before it runs, with its handle row, and is visible, cancellable
 * and renewed by the heartbeat like any other; each step writes its snapshot and `step` event.
 * What differs: the workflow stays `running` between its steps, and the next task does not wait
 * in the queue (its priority is not weighed against other pending work).
 *
 * A chain ends — and the step commits like any other (`step.ts`) — when a step starts anything
 * else (several tasks, a timer, a signal wait, a child workflow, a task this worker cannot run
 * or that has an idempotency key), when the workflow has a deadline (front-matter `timeout`:
 * only a suspended workflow's deadline is watched), when a task fails (its failure is recorded
 * as on the queue path, and the step runs again from the database), and when the worker stops.
 *
 * @module
 */
import type { AdvanceResult } from "../../interpreter/mod.ts";
import type { InFlight, RunnerDeps } from "../runner.ts";
import { Attempt, type AttemptOutcome, isInterruption, runAttempt } from "../runner.ts";
import type { ClaimedExecution } from "../queries/claim.ts";
import type { NewExecution } from "../queries/insert.ts";
import type { CheckpointItem, CheckpointResult } from "../queries/workflow-checkpoint.ts";
import type { Outbox } from "./outbox.ts";
import { observeClaim } from "../tracing.ts";

/** What a step needs from its worker to run inline chains (part of `StepDeps`). */
export interface InlineDeps {
  /** Whether this worker runs `name` tasks from `queue` now (registered, served, running). */
  canRun(name: string, queue: string): boolean;
  /** Writes one step of a chain (batched with other workflows' steps). */
  checkpoint(item: CheckpointItem): Promise<CheckpointResult>;
  /** What running and recording a task attempt needs. */
  runner: Pick<
    RunnerDeps,
    "db" | "workerId" | "registry" | "leaseMs" | "maxPayloadBytes" | "logger" | "random"
  >;
  /** Registers a task attempt with the worker (heartbeat, cancel, shutdown) until `done`. */
  track(flight: InFlight): void;
}

/** The one task a step starts, when the chain can run it here. */
export interface InlineTask {
  task: NewExecution;
  handle: string;
  position: number;
}

/**
 * The task to run inline after this step, or null: the step started exactly one task, waits
 * for it alone, and this worker runs it now.
 *
 * @example
 * ```ts
 * const next = inlineTaskOf(outbox, advanced, null, deps.inline);
 * ```
 */
export function inlineTaskOf(
  outbox: Outbox,
  advanced: AdvanceResult,
  timeout: number | null | undefined,
  inline: InlineDeps,
): InlineTask | null {
  if (advanced.status !== "suspended" || timeout != null) return null;
  if (outbox.tasks.length !== 1 || outbox.handles.length !== 1) return null;
  if (outbox.workflows.length > 0 || outbox.cancelled.length > 0) return null;
  const [task] = outbox.tasks;
  const [handle] = outbox.handles;
  if (handle.kind !== "task" || handle.child !== 0) return null;
  if (advanced.waiting.length !== 1 || advanced.waiting[0] !== handle.handle) return null;
  if (task.idempotencyKey !== null || task.runAtMs !== null || task.delayMs !== 0) return null;
  if (!inline.canRun(task.name, task.queue)) return null;
  return { task, handle: handle.handle, position: handle.position };
}

/** One inline task attempt in progress. */
export interface InlineRun {
  row: ClaimedExecution;
  /** The outcome, or null when the attempt was interrupted (cancelled, lease lost, shutdown). */
  outcome: Promise<(AttemptOutcome & { ms: number }) | null>;
  /** Ends the attempt's registration: call once its outcome is written (or given up). */
  release(): void;
}

/**
 * Runs a task row this worker inserted `running` (attempt 1) under `signal` (the step's: a
 * cancelled workflow or a lost lease interrupts the task too).
 *
 * @example
 * ```ts
 * const run = runInline(row, inline, signal);
 * const outcome = await run.outcome;
 * ```
 */
export function runInline(
  row: ClaimedExecution,
  inline: InlineDeps,
  signal: AbortSignal,
): InlineRun {
  observeClaim(row.queue, 0); // started at once, as a local task of the continuation
  const attempt = new Attempt();
  const onAbort = () => attempt.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  let end!: () => void;
  const done = new Promise<void>((resolve) => (end = resolve));
  inline.track({
    id: row.id,
    attempt: row.attempt,
    name: row.name,
    abort: (reason) => attempt.abort(reason),
    done,
    settled: Promise.resolve(true), // it runs on the workflow's slot
  });
  const started = Date.now();
  const outcome = runAttempt(row, inline.runner, attempt).then((o) =>
    attempt.aborted && isInterruption(attempt.reason) ? null : { ...o, ms: Date.now() - started }
  );
  return {
    row,
    outcome,
    release() {
      signal.removeEventListener("abort", onAbort);
      end();
    },
  };
}
