/**
 * The local continuation (docs/engine.md "Local continuation"): a workflow step and the tasks
 * it starts hand off to each other on the same worker instead of through the queue, with every
 * durable write unchanged.
 *
 * 1. A step's one-statement commit inserts the tasks this worker can run now (a name it runs, a
 *    queue it serves, a free slot reserved before the commit) already `running` under its lease,
 *    and the worker runs them at once: no claim, no NOTIFY (`queries/workflow-suspend.ts`).
 * 2. After a step commits `suspended` waiting on task handles only, its input (version, inputs,
 *    snapshot, `wake_seq`, attempt) stays here. When one of this worker's local tasks of that
 *    workflow completes, the completion claims the parent in the same statement if nothing else
 *    reached it (`queries/workflow-continue.ts`), and the step advances from memory: no NOTIFY,
 *    no claim, no load.
 *
 * Concurrency slots pass along without being freed: a step's to its first local task, a local
 * task's (held until its completion is written) to the parent step it continues.
 *
 * Both are shortcuts over the same rows, events and fences as the queue path; a cache entry
 * that is stale (evicted, cancelled, claimed elsewhere) only makes the claim fail, and the
 * workflow takes the queue path. Entries are bounded (least recently used dropped first) and
 * dropped on cancel, shutdown and crash.
 *
 * @module
 */
import type { Db } from "../db/driver.ts";
import type { ClaimedExecution } from "../queries/claim.ts";
import { completeExecutions, type Completion } from "../queries/complete.ts";
import type { NewExecution } from "../queries/insert.ts";
import { completeAndContinue, type ContinuedParent } from "../queries/workflow-continue.ts";
import type { HandleRow, StepExecution } from "../queries/workflow-load.ts";
import type { NewHandle } from "../queries/workflow-commit.ts";

/** A step input a worker can continue from memory. */
export interface LoadedStep {
  execution: StepExecution;
  handles: HandleRow[];
  signals: never[];
}

/** What a step needs from the continuation (part of `StepDeps`). */
export interface LocalRun {
  /**
   * Reserves a slot for each task this worker can run now: per task, whether it did, and
   * whether the first took over the calling step's own slot (`ownSlot`: the step still holds
   * one; when `passed`, the step must not free it).
   */
  reserve(
    tasks: readonly NewExecution[],
    ownSlot: boolean,
  ): { flags: boolean[]; passed: boolean };
  /** Lease length and task names for the commit (`LocalStart`). */
  readonly leaseMs: number;
  readonly names: string[];
  /**
   * After the commit (or its failure): runs the `started` tasks here, frees the other
   * reservations.
   */
  started(
    parent: ClaimedExecution,
    commit: { tasks: NewExecution[]; handles: NewHandle[]; traceContext: string | null },
    flags: readonly boolean[],
    started: readonly string[],
  ): void;
  /** Keeps a suspended step's input (its commit waited on tasks only). */
  remember(row: ClaimedExecution, execution: StepExecution): void;
  /** Drops a workflow's entry (it is being stepped, cancelled, …). */
  forget(id: string): void;
}

/** What the continuation needs from its worker. */
export interface ContinuationDeps {
  db: Db;
  workerId: string;
  leaseMs: number;
  /** Task names this worker runs. */
  names: string[];
  /** Whether this worker runs `name` tasks from `queue` now (registered, served, running). */
  canRun(name: string, queue: string): boolean;
  /** Takes up to `n` free concurrency slots; returns how many it took. */
  takeSlots(n: number): number;
  /** Gives back slots taken and not used. */
  freeSlots(n: number): void;
  /**
   * The slot of this local task (held until its completion is written, see `runTask`) passes
   * to the step started in its place instead of being freed.
   */
  passSlot(taskId: string): void;
  /** Runs a task row on a slot taken for it, held until its outcome is written. */
  runTask(row: ClaimedExecution): void;
  /** Runs a claimed step from `loaded` on a slot taken for it. */
  runStep(row: ClaimedExecution, loaded: LoadedStep): void;
  /** True while the worker takes new work (not stopping, not crashed). */
  active(): boolean;
  /**
   * True once the worker crashed (simulated). Until then, rows already claimed for this worker
   * run even while it stops: `stop()` waits for them or releases them like any other.
   */
  isDead(): boolean;
  /** Most cached workflows (default 5000). */
  maxEntries?: number;
}

/** The worker's continuation: the step side (`local`) and the completion side (`complete`). */
export interface Continuation {
  readonly local: LocalRun;
  /** Records task completions (a batch), continuing cached parents; per item, lease held. */
  complete(items: Completion[]): Promise<boolean[]>;
  forget(id: string): void;
  /** A local task's attempt is over: drop what was kept for it. */
  taskDone(id: string): void;
  clear(): void;
}

interface CachedStep {
  row: ClaimedExecution;
  execution: StepExecution;
}

interface LocalTask {
  parentId: string;
  handle: string;
  position: number;
  name: string;
}

/**
 * Creates a worker's continuation.
 *
 * @example
 * ```ts
 * const continuation = createContinuation({ db, workerId, leaseMs, names, ...hooks });
 * const complete = createBatcher(continuation.complete);
 * ```
 */
export function createContinuation(deps: ContinuationDeps): Continuation {
  const steps = new Map<string, CachedStep>(); // insertion order = least recently used first
  const tasks = new Map<string, LocalTask>();
  const max = deps.maxEntries ?? 5000;

  const local: LocalRun = {
    leaseMs: deps.leaseMs,
    get names() {
      return deps.names;
    },
    reserve(list, ownSlot) {
      const wanted = list.map((t) => deps.canRun(t.name, t.queue));
      const count = wanted.filter(Boolean).length;
      const passed = ownSlot && count > 0;
      let left = (passed ? 1 : 0) + deps.takeSlots(passed ? count - 1 : count);
      return { flags: wanted.map((w) => w && left-- > 0), passed };
    },
    started(parent, commit, flags, startedIds) {
      const ids = new Set(startedIds);
      let unused = 0;
      commit.tasks.forEach((task, i) => {
        if (!flags[i]) return;
        if (!ids.has(task.id) || deps.isDead()) return void unused++;
        const handle = commit.handles.find((h) => h.kind === "task" && h.child === i);
        if (handle) {
          tasks.set(task.id, {
            parentId: parent.id,
            handle: handle.handle,
            position: handle.position,
            name: task.name,
          });
        }
        deps.runTask(taskRow(task, commit.traceContext));
      });
      if (unused > 0) deps.freeSlots(unused);
    },
    remember(row, execution) {
      steps.delete(row.id);
      steps.set(row.id, { row, execution });
      if (steps.size > max) steps.delete(steps.keys().next().value!);
    },
    forget(id) {
      steps.delete(id);
    },
  };

  async function complete(items: Completion[]): Promise<boolean[]> {
    const chosen = deps.active() ? candidates(items) : [];
    if (chosen.length === 0) return plain(items);
    for (const p of chosen) steps.delete(p.id); // claimed or stale after this statement
    let result;
    try {
      const deliverable = chosen.flatMap((p) => p.tasks.map((t) => t.completion.id));
      result = await completeAndContinue(
        deps.db,
        deps.workerId,
        items,
        chosen,
        deps.leaseMs,
        deliverable,
      );
    } catch {
      return plain(items); // e.g. a deadlock with a cancel: the plain completion still holds
    }
    for (const p of chosen) {
      const attempt = result.claimed.get(p.id);
      if (attempt === undefined || deps.isDead()) continue;
      // the parent's local task holds its slot until this completion is written (`runTask`):
      // it passes to the step
      deps.passSlot(p.tasks.find((t) => result.completed.has(t.completion.id))!.completion.id);
      deps.runStep({ ...p.cached.row, attempt, waitedMs: 0 }, loadedFrom(p, result.completed));
    }
    return items.map((c) => result.completed.has(c.id));
  }

  type Candidate = ContinuedParent & {
    cached: CachedStep;
    /** The completions it receives, with what was kept of their tasks (read now: a heartbeat
     * may drop a task's entry while the statement runs). */
    tasks: { completion: Completion; task: LocalTask }[];
  };

  /** Cached parents of local tasks in `items`, with the completions they receive. */
  function candidates(items: Completion[]): Candidate[] {
    const byParent = new Map<string, Candidate>();
    for (const completion of items) {
      const task = tasks.get(completion.id);
      const cached = task && steps.get(task.parentId);
      if (!task || !cached) continue;
      const entry = byParent.get(task.parentId) ?? {
        id: task.parentId,
        attempt: cached.row.attempt,
        wakeSeq: cached.execution.wakeSeq,
        cached,
        tasks: [],
      };
      entry.tasks.push({ completion, task });
      byParent.set(task.parentId, entry);
    }
    return [...byParent.values()];
  }

  /** The step input a fresh load would find: the snapshot and these task results. */
  function loadedFrom(p: Candidate, completed: Map<string, number>): LoadedStep {
    const delivered = p.tasks.filter((t) => completed.has(t.completion.id));
    const handles = delivered.map(({ completion: c, task }): HandleRow => ({
      handle: task.handle,
      position: task.position,
      kind: "task",
      signalName: null,
      result: null,
      due: false,
      childName: task.name,
      childStatus: "completed",
      childOutput: c.output,
      childError: null,
      childAttempts: c.attempt,
      settledAt: completed.get(c.id)!,
    }));
    handles.sort((a, b) => a.position - b.position);
    // the trigger bumped `wake_seq` once per completed child after the claim
    const wakeSeq = p.wakeSeq + delivered.length;
    return { execution: { ...p.cached.execution, wakeSeq }, handles, signals: [] };
  }

  async function plain(items: Completion[]): Promise<boolean[]> {
    const held = await completeExecutions(deps.db, deps.workerId, items);
    return items.map((c) => held.has(c.id));
  }

  return {
    local,
    complete,
    forget: (id) => steps.delete(id),
    taskDone: (id) => tasks.delete(id),
    clear() {
      steps.clear();
      tasks.clear();
    },
  };
}

/**
 * The claimed-row view of a task this worker inserted `running` (attempt 1).
 *
 * @example
 * ```ts
 * runTask(taskRow(newTask, null));
 * ```
 */
export function taskRow(t: NewExecution, traceContext: string | null): ClaimedExecution {
  return {
    id: t.id,
    kind: "task",
    name: t.name,
    queue: t.queue,
    inputs: t.inputs,
    priority: t.priority,
    attempt: 1,
    maxAttempts: t.maxAttempts,
    retry: t.retry,
    timeoutMs: t.timeoutMs,
    waitedMs: 0,
    traceContext,
  };
}
