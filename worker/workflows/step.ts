/**
 * Running one claimed workflow step: load the version, snapshot and arrived results, advance
 * the interpreter, and commit the outcome and the outbox in one transaction fenced by the
 * lease (`queries/workflow-commit.ts`). The worker dispatches claimed rows of kind `workflow`
 * here and everything else to `runner.ts`.
 *
 * A step claimed by a completion on this worker (`continuation.ts`) starts from the input kept
 * in memory instead of the load; everything after is the same.
 *
 * A step commits exactly once: a worker that dies before COMMIT leaves no trace (the reclaimed
 * step starts again from the same snapshot), and one that lost its lease is refused by the
 * fence. A failed commit (a lost connection, a deadlock) is retried from the load while this
 * worker holds the lease.
 *
 * @module
 */
import {
  advance,
  type AdvanceResult,
  type CompiledProgram,
  type ErrorValue,
  type Limits,
} from "../../interpreter/mod.ts";
import type { Db } from "../db/driver.ts";
import { backoffDelay, sleep } from "../db/reconnect.ts";
import { type Logger, silentLogger } from "../logger.ts";
import type { ClaimedExecution } from "../queries/claim.ts";
import {
  commitStep,
  startsLocally,
  startsNothing,
  type StepCommit,
} from "../queries/workflow-commit.ts";
import { loadStep, type StepExecution } from "../queries/workflow-load.ts";
import type { StepOutcome } from "../queries/workflow-outcome.ts";
import type { InFlight } from "../runner.ts";
import type { Resolution } from "../../interpreter/mod.ts";
import { type LoadedStep, type LocalRun, taskRow } from "./continuation.ts";
import { type InlineDeps, type InlineTask, inlineTaskOf, runInline } from "./inline.ts";
import { recordFailure, taskLabel } from "../runner.ts";
import type { CheckpointItem } from "../queries/workflow-checkpoint.ts";
import { DEADLINE_HANDLE, type Outbox, planOutbox } from "./outbox.ts";
import type { ProgramCache } from "./programs.ts";
import { collectDeliveries, type Delivery } from "./resolutions.ts";
import {
  carrierInSnapshot,
  carrierText,
  observeClaim,
  parseCarrier,
  snapshotWithCarrier,
  type TraceCarrier,
  withStepSpan,
} from "../tracing.ts";

/** What a step needs from its worker. */
export interface StepDeps {
  db: Db;
  workerId: string;
  logger: Logger;
  programs: ProgramCache;
  /** The workflows' clock (epoch ms): `Date.now()` in production, virtual in tests. */
  clock: () => number;
  limits?: Limits;
  /** True once the worker crashed (simulated): write nothing any more. */
  isDead: () => boolean;
  /** Test hook: awaited after advancing, just before the commit. */
  beforeCommit?: (row: ClaimedExecution) => Promise<void> | void;
  /** The worker's local continuation (absent: every hand-off goes through the queue). */
  local?: LocalRun;
  /** Inline chains (`inline.ts`; absent: none). */
  inline?: InlineDeps;
}

/**
 * Starts a workflow step for `row` and returns its in-flight handle at once.
 *
 * @example
 * ```ts
 * const flight = runWorkflowStep(row, stepDeps);
 * await flight.done;
 * ```
 */
export function runWorkflowStep(
  row: ClaimedExecution,
  deps: StepDeps,
  loaded?: LoadedStep,
): InFlight {
  observeClaim(row.queue, row.waitedMs);
  const controller = new AbortController();
  let onSettled = (_passed: boolean) => {};
  const settled = new Promise<boolean>((resolve) => (onSettled = resolve));
  const slot: Slot = {
    held: true,
    release(passed = false) {
      if (!this.held) return;
      this.held = false;
      onSettled(passed);
    },
  };
  const done = retrySteps(row, deps, controller.signal, slot, loaded).catch((error) => {
    if (!deps.isDead()) {
      deps.logger("error", `${label(row)}: step not recorded: ${describe(error)}`);
    }
  }).finally(() => slot.release());
  return {
    id: row.id,
    attempt: row.attempt,
    name: row.name,
    abort: (reason) => controller.abort(reason),
    done,
    settled,
  };
}

/**
 * The step's concurrency slot: released when the VM has advanced, before the commit (like a
 * task's before its completion is written), or handed to the tasks it starts on this worker.
 */
interface Slot {
  held: boolean;
  /** `passed`: the slot now belongs to a task started in the step's place. */
  release(passed?: boolean): void;
}

async function retrySteps(
  row: ClaimedExecution,
  deps: StepDeps,
  signal: AbortSignal,
  slot: Slot,
  kept?: LoadedStep,
) {
  deps.local?.forget(row.id); // this claim makes any kept input stale
  for (let failures = 0;; failures++) {
    try {
      // a retry reloads: the kept input (or the claim's, for a first step) is only good for the
      // first try, as the failed commit may have been written
      const input = failures === 0 ? kept ?? firstLoad(row) ?? undefined : undefined;
      return await runStep(row, deps, signal, slot, input);
    } catch (error) {
      if (deps.isDead() || signal.aborted || failures >= 5) throw error;
      deps.logger("warn", `${label(row)}: step failed (${describe(error)}), retrying`);
      await sleep(backoffDelay(failures, { initialMs: 50, maxMs: 2000 }));
    }
  }
}

async function runStep(
  row: ClaimedExecution,
  deps: StepDeps,
  signal: AbortSignal,
  slot: Slot,
  kept?: LoadedStep,
) {
  const loaded = kept ?? await loadStep(deps.db, row.id);
  if (!loaded) return;
  const { execution } = loaded;
  const span = {
    executionId: row.id,
    workflow: row.name,
    version: execution.version,
    // a child workflow's first step continues the trace of the step that started it
    carrier: carrierInSnapshot(execution.snapshot) ?? parseCarrier(row.traceContext),
  };
  const chain = await withStepSpan(span, async (trace, stepTrace): Promise<ChainNext> => {
    const delivery = collectDeliveries(loaded.handles, loaded.signals);
    const now = deps.clock();
    const result = await compute(row, deps, execution, delivery, now);
    const outbox = planOutbox(result.commands, { id: row.id, queue: row.queue }, now);
    if (execution.snapshot === null) addDeadline(outbox, result.program);
    if (deps.isDead() || signal.aborted) return;
    await deps.beforeCommit?.(row);
    if (deps.isDead() || signal.aborted) return;
    const first = deps.inline && result.program
      ? inlineTaskOf(outbox, result.advanced, result.program.timeout, deps.inline)
      : null;
    if (first) {
      const ch: Chain = {
        row,
        deps,
        signal,
        slot,
        execution,
        program: result.program!,
        trace,
        wakeSeq: execution.wakeSeq,
      };
      const item: CheckpointItem = {
        workflowId: row.id,
        attempt: row.attempt,
        completion: null,
        delivered: delivery.delivered,
        consumed: delivery.consumed,
        next: first,
        snapshot: snapshotWithCarrier(result.advanced.state, trace),
        finish: null,
        event: stepEvent(row, delivery, outbox, result.advanced, 1),
        logs: outbox.logs,
        traceContext: carrierText(stepTrace),
      };
      const line = describeStep(row, "running", outbox, result.advanced);
      return await writeLink(ch, item, line, result.advanced.state, 1);
    }
    const commit = toCommit(
      row,
      deps.workerId,
      execution.wakeSeq,
      delivery,
      outbox,
      result.advanced,
      trace,
      carrierText(stepTrace), // this step's span: the parent of the spans of what it starts
    );
    const committed = await commitWithLocalStart(row, deps, commit, slot, execution);
    logCommitted(row, deps, committed, outbox, result.advanced);
  });
  if (chain === "reload") return await runStep(row, deps, signal, slot);
  if (chain) await continueChain(chain);
}

/** The input of a workflow's first step, from its claim (nothing else exists yet), or null. */
function firstLoad(row: ClaimedExecution): LoadedStep | null {
  const first = row.firstStep;
  if (!first) return null;
  const execution = { ...first, inputs: row.inputs, snapshot: null };
  return { execution, handles: [], signals: [] };
}

function logCommitted(
  row: ClaimedExecution,
  deps: StepDeps,
  committed: { status: string } | null,
  outbox: Outbox,
  advanced: AdvanceResult,
) {
  if (committed === null) deps.logger("warn", `lease lost: step of ${label(row)} discarded`);
  else {deps.logger(
      levelOf(committed.status),
      describeStep(row, committed.status, outbox, advanced),
    );}
}

/** Commits, starting on this worker the new tasks it has room for (`continuation.ts`). */
async function commitWithLocalStart(
  row: ClaimedExecution,
  deps: StepDeps,
  commit: StepCommit,
  slot: Slot,
  execution: StepExecution,
) {
  const local = deps.local;
  if (!local || !startsLocally(commit)) {
    slot.release();
    return await commitStep(deps.db, commit);
  }
  const { flags, passed } = local.reserve(commit.tasks, slot.held);
  slot.release(passed); // passed: the first local task took it over
  if (flags.some(Boolean)) commit.local = { flags, leaseMs: local.leaseMs, names: local.names };
  let started: string[] = [];
  try {
    const committed = await commitStep(deps.db, commit);
    started = committed?.started ?? [];
    // kept before its tasks start, so their completion finds it
    if (committed?.status === "suspended" && committed.tasksOnly) {
      local.remember(row, keptInput(execution, commit.outcome as { snapshot: string }));
    }
    return committed;
  } finally {
    local.started(row, commit, flags, deps.isDead() ? [] : started);
  }
}

/** The input the next step would load: this commit's snapshot, `wake_seq` unchanged. */
function keptInput(execution: StepExecution, outcome: { snapshot: string }): StepExecution {
  return { ...execution, snapshot: outcome.snapshot };
}

/** An inline chain in progress (`inline.ts`): the claimed workflow and its step's context. */
interface Chain {
  row: ClaimedExecution;
  deps: StepDeps;
  signal: AbortSignal;
  slot: Slot;
  execution: StepExecution;
  program: CompiledProgram;
  /** The workflow's trace carrier (kept in its snapshots; the parent of its step spans). */
  trace: TraceCarrier;
  /** The `wake_seq` a commit of the next step expects. */
  wakeSeq: number;
}

/** A committed step of a chain whose task this worker now runs. */
interface Link {
  ch: Chain;
  next: InlineTask;
  /** The interpreter state waiting for that task. */
  state: AdvanceResult["state"];
  /** JSON text of the trace carrier of the step that started the task. */
  traceContext: string | null;
  /** The step's place in the chain (1 = the claimed step). */
  index: number;
}

/**
 * What a step span of a chain leaves to do: run the next task (`Link`), step again from the
 * database (`"reload"`: this worker still holds the workflow), or nothing.
 */
type ChainNext = Link | "reload" | null | undefined;

/**
 * Writes a step that starts `item.next` inline (`queries/workflow-checkpoint.ts`) and logs it;
 * returns the link to run, or what to do instead when the step was refused or its task went to
 * the queue.
 */
async function writeLink(
  ch: Chain,
  item: CheckpointItem,
  line: string,
  state: AdvanceResult["state"],
  index: number,
): Promise<ChainNext> {
  const written = await checkpoint(ch, item);
  if (!written.committed) return refused(ch, written.held);
  if (written.queued) line = line.replace("step → running", "step → suspended");
  ch.deps.logger("info", line);
  if (written.queued || item.next === null) return null;
  return { ch, next: item.next, state, traceContext: item.traceContext, index };
}

/**
 * Runs the chain from `link`: the task here, then the next step with its result (one step span
 * each, as on the queue path), while each step starts one task this worker can run.
 */
async function continueChain(link: Link): Promise<void> {
  const { ch } = link;
  const { row, deps } = ch;
  let current: ChainNext = link;
  while (current && current !== "reload") {
    const from: Link = current;
    const running = runInline(taskRow(from.next.task, from.traceContext), deps.inline!, ch.signal);
    try {
      const verbose = deps.logger !== silentLogger;
      if (verbose) deps.logger("info", `started ${taskLabel(running.row)} (inline)`);
      const outcome = await running.outcome;
      if (deps.isDead() || ch.signal.aborted) return;
      if (outcome === null) { // the task alone was cancelled, or lost its lease
        current = "reload";
        break;
      }
      if (!outcome.ok) { // recorded as on the queue path; the database has the rest
        await recordFailure(running.row, deps.inline!.runner, outcome.error, outcome.ms);
        current = "reload";
        break;
      }
      if (verbose) deps.logger("info", `completed ${taskLabel(running.row)} in ${outcome.ms} ms`);
      const span = {
        executionId: row.id,
        workflow: row.name,
        version: ch.execution.version,
        carrier: ch.trace,
      };
      current = await withStepSpan(
        span,
        (_trace, stepTrace) => nextStep(from, outcome.output, carrierText(stepTrace)),
      );
    } finally {
      running.release();
    }
  }
  if (current === "reload") await runStep(row, deps, ch.signal, ch.slot);
}

/**
 * The step after an inline task: advance the interpreter with the task's output, then write the
 * completion with the next step — the next task (a link), the workflow's outcome, or, for
 * anything else, the completion alone and then the step as any other (`workflow-commit.ts`).
 */
async function nextStep(
  from: Link,
  output: string,
  traceContext: string | null,
): Promise<ChainNext> {
  const { ch, next } = from;
  const { row, deps } = ch;
  const resolution: Resolution = { handle: next.handle, ok: true, value: JSON.parse(output) };
  const received: Delivery = {
    resolutions: [resolution],
    delivered: [next.handle],
    consumed: [],
    deadlineError: null,
  };
  const now = deps.clock();
  const result = await compute(row, deps, ch.execution, received, now, {
    program: ch.program,
    state: from.state,
  });
  const plan = planOutbox(result.commands, { id: row.id, queue: row.queue }, now);
  const after = result.advanced;
  const follow = inlineTaskOf(plan, after, ch.program.timeout, deps.inline!);
  if (deps.isDead() || ch.signal.aborted) return null;
  await deps.beforeCommit?.(row);
  if (deps.isDead() || ch.signal.aborted) return null;
  const base = {
    workflowId: row.id,
    attempt: row.attempt,
    completion: { id: next.task.id, attempt: 1, output },
    delivered: [next.handle],
    consumed: [],
    logs: plan.logs,
    traceContext,
  };
  const event = stepEvent(row, received, plan, after, from.index + 1);
  if (follow) {
    const item = {
      ...base,
      next: follow,
      snapshot: snapshotWithCarrier(after.state, ch.trace),
      finish: null,
      event,
    };
    const line = describeStep(row, "running", plan, after);
    return await writeLink(ch, item, line, after.state, from.index + 1);
  }
  if (after.status !== "suspended" && startsNothing(plan)) {
    const o = outcomeOf(after, ch.trace);
    const finish = {
      status: after.status,
      output: o.status === "completed" ? o.output : null,
      error: o.status === "failed" ? o.error : null,
    };
    const item = { ...base, next: null, snapshot: null, finish, event };
    const written = await checkpoint(ch, item);
    if (!written.committed) return refused(ch, written.held);
    deps.logger(levelOf(after.status), describeStep(row, after.status, plan, after));
    return null;
  }
  // the chain ends here: the completion alone (its handle stays), then this step as any other
  const written = await checkpoint(ch, {
    ...base,
    delivered: [],
    logs: [],
    next: null,
    snapshot: null,
    finish: null,
    event: null,
  });
  if (!written.committed) return refused(ch, written.held);
  ch.wakeSeq++; // the trigger's bump: the completed child's handle row is still there
  const commit = toCommit(
    row,
    deps.workerId,
    ch.wakeSeq,
    received,
    plan,
    after,
    ch.trace,
    traceContext,
  );
  commit.event = event; // the chain's last step, numbered in it
  const committed = await commitWithLocalStart(row, deps, commit, ch.slot, {
    ...ch.execution,
    wakeSeq: ch.wakeSeq,
  });
  logCommitted(row, deps, committed, plan, after);
  return null;
}

/**
 * Writes one checkpoint, again after an error (a deadlock, a lost connection): a statement that
 * failed wrote nothing, and a fenced one cannot be written twice. Giving up throws, and the step
 * runs again from the database (`retrySteps`).
 */
async function checkpoint(ch: Chain, item: CheckpointItem) {
  for (let failures = 0;; failures++) {
    try {
      return await ch.deps.inline!.checkpoint(item);
    } catch (error) {
      if (ch.deps.isDead() || ch.signal.aborted || failures >= 5) throw error;
      ch.deps.logger("warn", `${label(ch.row)}: checkpoint failed (${describe(error)}), retrying`);
      await sleep(backoffDelay(failures, { initialMs: 20, maxMs: 1000 }));
    }
  }
}

/** A chain's step was refused: the workflow's lease is gone, or its task's (then step again). */
function refused(ch: Chain, held: boolean): ChainNext {
  if (held && !ch.deps.isDead() && !ch.signal.aborted) return "reload";
  if (!ch.deps.isDead()) ch.deps.logger("warn", `lease lost: step of ${label(ch.row)} discarded`);
  return null;
}

type Computed = {
  advanced: AdvanceResult;
  program: CompiledProgram | null;
  commands: AdvanceResult["commands"];
};

/** Advances the VM; a deadline that passed, a missing version or a host bug fail the workflow. */
async function compute(
  row: ClaimedExecution,
  deps: StepDeps,
  execution: { version: string; inputs: string; snapshot: string | null; startedAt: Date },
  delivery: Delivery,
  now: number,
  known?: { program: CompiledProgram; state: AdvanceResult["state"] },
): Promise<Computed> {
  let program: CompiledProgram | null = known?.program ?? null;
  try {
    program ??= await deps.programs.load(row.name, execution.version);
    if (delivery.deadlineError) return failedWith(delivery.deadlineError, program);
    const advanced = advance(program, {
      state: known
        ? known.state
        : execution.snapshot === null
        ? null
        : JSON.parse(execution.snapshot),
      inputs: JSON.parse(execution.inputs),
      context: {
        executionId: row.id,
        workflow: row.name,
        version: execution.version,
        startedAt: new Date(execution.startedAt).toISOString(),
      },
      now,
      resolutions: delivery.resolutions,
      limits: deps.limits,
    });
    return { advanced, program, commands: advanced.commands };
  } catch (error) {
    return failedWith({ name: "Error", message: describe(error) }, program);
  }
}

function failedWith(error: ErrorValue, program: CompiledProgram | null): Computed {
  const advanced = {
    state: null as never,
    status: "failed" as const,
    error,
    commands: [],
    waiting: [],
  };
  return { advanced, program, commands: [] };
}

function addDeadline(outbox: Outbox, program: CompiledProgram | null): void {
  if (program?.timeout == null) return;
  outbox.handles.push({
    handle: DEADLINE_HANDLE,
    position: 0,
    kind: "deadline",
    delayMs: program.timeout,
  });
}

function toCommit(
  row: ClaimedExecution,
  workerId: string,
  wakeSeq: number,
  delivery: Delivery,
  outbox: Outbox,
  advanced: AdvanceResult,
  trace: TraceCarrier,
  traceContext: string | null,
): StepCommit {
  return {
    id: row.id,
    workerId,
    attempt: row.attempt,
    wakeSeq,
    delivered: delivery.delivered,
    consumed: delivery.consumed,
    cancelled: outbox.cancelled,
    tasks: outbox.tasks,
    workflows: outbox.workflows,
    handles: outbox.handles,
    logs: outbox.logs,
    outcome: outcomeOf(advanced, trace),
    traceContext,
    event: stepEvent(row, delivery, outbox, advanced),
  };
}

/** The data of a step's event. */
function stepEvent(
  row: ClaimedExecution,
  delivery: Delivery,
  outbox: Outbox,
  advanced: AdvanceResult,
  chain?: number,
): string {
  return JSON.stringify({
    step: row.attempt,
    // the k-th step of an inline chain, all under the same claim (`step`)
    ...(chain === undefined ? {} : { chain }),
    received: delivery.resolutions.length,
    started: outbox.summary,
    waiting: advanced.waiting,
  });
}

function outcomeOf(advanced: AdvanceResult, trace: TraceCarrier): StepOutcome {
  if (advanced.status === "completed") {
    return { status: "completed", output: JSON.stringify(advanced.output ?? null) };
  }
  if (advanced.status === "failed") {
    return { status: "failed", error: JSON.stringify(advanced.error) };
  }
  return { status: "suspended", snapshot: snapshotWithCarrier(advanced.state, trace) };
}

function describeStep(row: ClaimedExecution, status: string, outbox: Outbox, r: AdvanceResult) {
  const started = outbox.summary.length > 0 ? `; started ${outbox.summary.join(", ")}` : "";
  if (status === "failed") {
    const at = r.error?.line ? ` at line ${r.error.line}` : "";
    return `failed ${label(row)}${at}: ${r.error?.name}: ${r.error?.message}`;
  }
  return `${status === "completed" ? "completed" : `step → ${status}`} ${label(row)}${started}`;
}

function levelOf(status: string) {
  return status === "failed" ? "error" as const : "info" as const;
}

function label(row: ClaimedExecution): string {
  return `workflow ${row.name} ${row.id} (step ${row.attempt})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
