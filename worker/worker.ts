/**
 * The worker: claims ready executions from its queues and runs them, at most `concurrency` at
 * a time, renewing their leases by heartbeat, reclaiming expired leases of dead workers, and
 * shutting down gracefully.
 *
 * The claim loop ("pump") runs when something says there may be work (a notification, the poll,
 * a timer, a freed slot) and claims until the queue is dry or the slots are full. A wake-up that
 * arrives while a claim is in flight is remembered (a generation counter), so a notification is
 * never lost between "the claim found nothing" and "go idle".
 *
 * @module
 */
import type { Db } from "./db/driver.ts";
import { backoffDelay, sleep } from "./db/reconnect.ts";
import { CancelledError, LeaseLostError, WorkerShutdownError } from "./errors.ts";
import { createBatcher } from "./batcher.ts";
import { uuidv7 } from "./ids.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import { DEFAULT_PAYLOAD_LIMIT } from "./payload.ts";
import { claimExecutions } from "./queries/claim.ts";
import { completeExecutions, type Completion } from "./queries/complete.ts";
import { DEFAULT_MAX_STEP_CRASHES, reclaimExpiredLeases } from "./queries/reclaim.ts";
import { releaseExecutions } from "./queries/release.ts";
import { renewLeases } from "./queries/renew.ts";
import { markWorkerStopped, registerWorker } from "./queries/workers.ts";
import { type InFlight, runExecution } from "./runner.ts";
import { trackRunningWorker } from "./running.ts";
import { type TaskDefinition, type TaskRegistry, toTaskRegistry } from "./tasks.ts";
import { createWakeup, type Wakeup } from "./wakeup.ts";
import { createContinuation } from "./workflows/continuation.ts";
import { createStepDeps, type WorkflowOptions } from "./workflows/engine.ts";
import { runWorkflowStep } from "./workflows/step.ts";
import { type CheckpointItem, writeCheckpoints } from "./queries/workflow-checkpoint.ts";

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** The tasks this worker runs: definitions, `{ name: fn }` objects, or a registry. */
  tasks: readonly (TaskDefinition | Record<string, unknown>)[] | TaskRegistry;
  /** Queues to take work from (default `["default"]`). */
  queues?: readonly string[];
  /** Most executions running at once (default 10). */
  concurrency?: number;
  /** Most executions claimed per query (default: half of `concurrency`, so claims overlap). */
  batchSize?: number;
  /** Claim statements in flight at once while there is a backlog (default 2). */
  parallelClaims?: number;
  /** Lease length in ms (default 30000); renewed every `heartbeatMs`. */
  leaseMs?: number;
  /** Heartbeat period in ms (default `leaseMs / 3`). */
  heartbeatMs?: number;
  /** Poll period in ms (default 2000): the safety net behind NOTIFY. */
  pollIntervalMs?: number;
  /** How often to reclaim expired leases of other workers, in ms (default `leaseMs`). */
  reclaimIntervalMs?: number;
  /**
   * Fail a workflow (`StepCrashError`) when its step lost its lease (its worker crashed or
   * stalled) this many times in a row, without a committed step in between (default 5).
   */
  maxStepCrashes?: number;
  /** On stop, wait this long for running tasks before releasing them (default 10000). */
  shutdownTimeoutMs?: number;
  /** Use LISTEN/NOTIFY (default true); false polls only. */
  listen?: boolean;
  /** How long the start-up LISTEN self-probe waits, in ms (default 1000). */
  probeTimeoutMs?: number;
  /** Largest task output in bytes of JSON (default 1 MiB). */
  maxPayloadBytes?: number;
  /** A human name for the `workers` table and logs (default `worker-<id prefix>`). */
  name?: string;
  /** Where log lines go (default: console). */
  logger?: Logger;
  /** Random source for retry jitter (default `Math.random`). */
  random?: () => number;
  /**
   * Workflow steps (default true: any registered workflow in the worker's queues); false runs
   * tasks only. See `workflows/engine.ts`.
   */
  workflows?: boolean | WorkflowOptions;
  /**
   * Hand workflow steps and their tasks to each other on this worker instead of through the
   * queue when it can (default true; see `workflows/continuation.ts` and the inline chains of
   * `workflows/inline.ts`). False: every hand-off goes through the queue.
   */
  localContinuation?: boolean;
}

/** A worker created by {@link createWorker}. */
export interface Worker {
  /** Its id in the `workers` table and in leases. */
  readonly id: string;
  /** Whether LISTEN works (after `start`); false means polling only. */
  readonly listening: boolean;
  /** How many executions it is running now. */
  readonly running: number;
  /**
   * Registers the worker and claims work at once; starts heartbeats, polling and listening, and
   * resolves when the LISTEN self-probe has answered (or timed out: polling only).
   */
  start(): Promise<void>;
  /**
   * Stops claiming, waits up to `shutdownTimeoutMs` for running tasks, aborts and releases the
   * rest, marks the worker stopped. Safe to call twice.
   */
  stop(): Promise<void>;
  /**
   * Fault injection for tests: stops at once without writing anything (no release, no
   * heartbeat), as if the process had died; running tasks' results are discarded.
   */
  simulateCrash(): Promise<void>;
}

/**
 * Creates a worker on `db`. Call `start()`; call `stop()` on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * import { connect, createWorker, defineTask, migrate } from "./worker/mod.ts";
 * const db = await connect(process.env.DATABASE_URL);
 * await migrate(db);
 * const double = defineTask("double", (n: number) => n * 2);
 * const worker = createWorker(db, { tasks: [double], concurrency: 5 });
 * await worker.start();
 * // … later
 * await worker.stop();
 * ```
 */
export function createWorker(db: Db, options: WorkerOptions): Worker {
  const id = uuidv7();
  const registry = options.tasks instanceof Map
    ? options.tasks
    : toTaskRegistry(options.tasks as never);
  const settings = resolveSettings(options);
  // read on each use: a registry passed in may gain tasks later (`createTestEnv`'s `mockTask`)
  const taskNames = () => [...registry.keys()];
  const logger = options.logger ?? consoleLogger;
  const inFlight = new Map<string, InFlight>();
  const timers: ReturnType<typeof setInterval>[] = [];
  let state: "new" | "running" | "stopping" | "stopped" = "new";
  let dead = false;
  let listening = false;
  let wakeup: Wakeup | null = null;
  // The claim loop state: `wanted` = there may be ready work; `generation` counts wake-ups.
  let wanted = true;
  let generation = 0;
  const claims = new Set<Promise<void>>(); // claim statements in flight
  let reserved = 0; // slots reserved by them
  let burst = false; // the last claim came back full
  let pumpScheduled = false;
  let failures = 0;
  // Concurrency slots in use: executions whose code is still running. An execution stays in
  // `inFlight` (lease renewed, released on shutdown) until its outcome is recorded, but its slot
  // is free as soon as its code settles, so the next claim overlaps the completion write.
  let busySlots = 0;
  const passedSlots = new Set<string>(); // local tasks whose slot went to their parent's step

  /** Whether this worker runs `name` tasks from `queue` now (registered, served, running). */
  const runsHere = (name: string, queue: string) =>
    state === "running" && !dead && registry.has(name) && settings.queues.includes(queue);

  const stepDeps = createStepDeps(
    db,
    id,
    options.workflows,
    logger,
    () => dead,
  );
  // The local continuation (workflows/continuation.ts): steps start their tasks here, and task
  // completions continue their cached parents, both on slots taken like a claim's.
  const continuation = stepDeps && settings.localContinuation
    ? createContinuation({
      db,
      workerId: id,
      leaseMs: settings.leaseMs,
      get names() {
        return taskNames();
      },
      canRun: runsHere,
      takeSlots(n) {
        const took = Math.max(0, Math.min(n, settings.concurrency - busySlots - reserved));
        busySlots += took;
        return took;
      },
      freeSlots(n) {
        busySlots -= n;
        schedulePump();
      },
      passSlot: (taskId) => void passedSlots.add(taskId),
      // a local task keeps its slot until its completion is written: the completion hands it
      // to the parent's next step (see `Continuation.complete`)
      runTask(row) {
        const flight = runExecution(row, deps);
        start({ ...flight, settled: flight.done.then(() => passedSlots.delete(row.id)) }, true);
      },
      runStep: (row, loaded) => start(runWorkflowStep(row, stepDeps!, loaded), true),
      active: () => state === "running" && !dead,
      isDead: () => dead,
    })
    : null;
  if (stepDeps && continuation) stepDeps.local = continuation.local;

  const complete = createBatcher(async (items: Completion[]) => {
    if (continuation) return await continuation.complete(items);
    const held = await completeExecutions(db, id, items);
    return items.map((c) => held.has(c.id));
  });
  const deps = {
    db,
    workerId: id,
    registry,
    leaseMs: settings.leaseMs,
    maxPayloadBytes: settings.maxPayloadBytes,
    complete,
    logger,
    random: options.random ?? Math.random,
    isDead: () => dead,
  };

  // Inline chains (workflows/inline.ts): a workflow's next task runs on the workflow's own slot,
  // each step committed in a batch with other workflows' steps.
  if (stepDeps && continuation) {
    // two statements in flight: one is written while the next batch forms and is sent
    const checkpoint = createBatcher(
      (items: CheckpointItem[]) => writeCheckpoints(db, id, settings.leaseMs, taskNames(), items),
      500,
      2,
    );
    stepDeps.inline = {
      canRun: runsHere,
      checkpoint,
      runner: deps,
      track: (flight) => start(flight, true),
    };
  }

  function wake() {
    wanted = true;
    generation++;
    pump();
  }

  /**
   * Starts claims while there may be work and free slots. Each claim reserves its slots first,
   * so claims can overlap without over-claiming: after a full batch (a backlog) up to
   * `parallelClaims` run at once; otherwise one, so an idle worker sends one query per poll.
   */
  function pump(): void {
    while (
      state === "running" && wanted &&
      claims.size < (burst ? settings.parallelClaims : 1) &&
      busySlots + reserved < settings.concurrency
    ) {
      const limit = Math.min(
        settings.batchSize,
        settings.concurrency - busySlots - reserved,
      );
      reserved += limit;
      const claim: Promise<void> = claimOnce(limit).finally(() => {
        reserved -= limit;
        claims.delete(claim);
        pump(); // a wake-up or a freed slot may have arrived meanwhile
      });
      claims.add(claim);
    }
  }

  async function claimOnce(limit: number): Promise<void> {
    const seen = generation;
    let rows;
    try {
      rows = await claimExecutions(db, {
        workerId: id,
        queues: settings.queues,
        names: taskNames(),
        workflows: stepDeps !== null,
        limit,
        leaseMs: settings.leaseMs,
      });
      failures = 0;
    } catch (error) {
      if (dead) return;
      logger("error", `claim failed, retrying: ${(error as Error).message}`);
      await sleep(backoffDelay(failures++, { initialMs: 100, maxMs: 5000 }));
      return;
    }
    if (dead) return;
    for (const row of rows) {
      start(
        row.kind === "workflow" && stepDeps
          ? runWorkflowStep(row, stepDeps)
          : runExecution(row, deps),
      );
    }
    burst = rows.length === limit;
    // A full batch means more may be waiting: it counts as a wake-up, so a concurrent claim that
    // came back short (the rows were locked by this one) does not put the worker to sleep.
    if (burst) generation++;
    else if (generation === seen) wanted = false;
  }

  // Keyed by "<id>:<attempt>": this worker may reclaim and re-run an execution whose earlier
  // attempt it is still (uselessly) running. `slotTaken`: the continuation took its slot.
  function start(flight: InFlight, slotTaken = false) {
    const key = `${flight.id}:${flight.attempt}`;
    inFlight.set(key, flight);
    if (!slotTaken) busySlots++;
    (flight.settled ?? flight.done).then((passed) => {
      if (passed === true) return; // the slot now belongs to work started in its place
      busySlots--;
      schedulePump();
    });
    const over = () => {
      inFlight.delete(key);
      continuation?.taskDone(flight.id);
    };
    flight.done.then(over, over);
  }

  /** Pumps on a zero-delay timer: slots freed in the same turn are refilled by one claim. */
  function schedulePump() {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setTimeout(() => {
      pumpScheduled = false;
      pump();
    }, 0);
  }

  function cancel(executionId: string) {
    continuation?.forget(executionId);
    for (const flight of inFlight.values()) {
      if (flight.id === executionId) {
        flight.abort(new CancelledError(executionId));
      }
    }
  }

  async function heartbeat() {
    if (inFlight.size === 0 && state !== "running") return;
    try {
      const flights = [...inFlight.entries()];
      const held = await renewLeases(
        db,
        id,
        flights.map(([, f]) => f),
        settings.leaseMs,
      );
      if (dead) return;
      for (const [key, flight] of flights) {
        if (!held.has(key)) {
          continuation?.taskDone(flight.id);
          flight.abort(new LeaseLostError(flight.id));
        }
      }
    } catch (error) {
      if (!dead) {
        logger("warn", `heartbeat failed: ${(error as Error).message}`);
      }
    }
  }

  async function reclaim() {
    try {
      const rows = await reclaimExpiredLeases(db, 100, settings.maxStepCrashes);
      for (const row of rows) {
        logger("warn", `lease expired: ${row.id} is ${row.status} again`);
      }
    } catch (error) {
      if (!dead) {
        logger(
          "warn",
          `reclaiming expired leases failed: ${(error as Error).message}`,
        );
      }
    }
  }

  function every(ms: number, fn: () => Promise<void>) {
    let busy = false;
    timers.push(setInterval(() => {
      if (busy || dead) return;
      busy = true;
      fn().finally(() => (busy = false));
    }, ms));
  }

  async function drain() {
    const timeout = new AbortController();
    await Promise.race([
      Promise.all([...inFlight.values()].map((f) => f.done)),
      sleep(settings.shutdownTimeoutMs, timeout.signal),
    ]);
    timeout.abort(); // clear the deadline timer
    const rest = [...inFlight.values()];
    if (rest.length === 0) return;
    for (const flight of rest) {
      flight.abort(new WorkerShutdownError());
    }
    const released = await releaseExecutions(db, id, rest);
    logger(
      "warn",
      `shutdown deadline passed: released ${released.length} running execution(s)`,
    );
  }

  /** Graceful stop: no more claims; running work finishes or is released by the deadline. */
  async function shutDown() {
    state = "stopping";
    logger("info", `worker ${id} stopping: draining ${inFlight.size} running execution(s)`);
    continuation?.clear();
    await wakeup?.stop();
    await Promise.all(claims);
    await drain();
    stopTimers();
    await markWorkerStopped(db, id).catch((e) => logger("warn", `marking stopped: ${e.message}`));
    state = "stopped";
    trackRunningWorker(-1);
    logger("info", `worker ${id} stopped`);
  }

  function stopTimers() {
    for (const timer of timers.splice(0)) clearInterval(timer);
  }

  return {
    id,
    get listening() {
      return listening;
    },
    get running() {
      return busySlots;
    },
    async start() {
      if (state !== "new") throw new Error(`worker ${id} was already started`);
      state = "running";
      trackRunningWorker(1);
      try {
        await registerWorker(db, {
          id,
          name: options.name ?? `worker-${id.slice(-12)}`,
          queues: settings.queues,
          tasks: taskNames(),
          concurrency: settings.concurrency,
        });
      } catch (error) {
        state = "stopped";
        trackRunningWorker(-1);
        throw error;
      }
      wakeup = createWakeup({
        db,
        queues: settings.queues,
        pollIntervalMs: settings.pollIntervalMs,
        listen: settings.listen,
        probeTimeoutMs: settings.probeTimeoutMs,
        onWake: wake,
        onCancel: cancel,
        logger,
      });
      // Claim at once: LISTEN and its self-probe need a connection of their own and a round
      // trip through the server (tens of ms), and a backlog may be waiting.
      wake();
      every(settings.heartbeatMs, heartbeat);
      every(settings.reclaimIntervalMs, reclaim);
      try {
        listening = await wakeup.start();
      } catch (error) {
        if (state === "running") await shutDown();
        throw error;
      }
      if (state !== "running") return; // stopped while the probe ran
      logger(
        "info",
        `worker ${id} started: queues ${settings.queues.join(", ")}; ` +
          `${registry.size} task(s); concurrency ${settings.concurrency}; ` +
          (listening ? "listening" : `polling every ${settings.pollIntervalMs} ms`),
      );
      wake(); // work committed before LISTEN took effect woke nobody: look again
    },
    async stop() {
      if (state !== "running") return;
      await shutDown();
    },
    async simulateCrash() {
      if (state !== "running" && state !== "stopping") return;
      dead = true;
      state = "stopped";
      continuation?.clear();
      stopTimers();
      trackRunningWorker(-1);
      await wakeup?.stop();
    },
  };
}

function resolveSettings(options: WorkerOptions) {
  const concurrency = options.concurrency ?? 10;
  const leaseMs = options.leaseMs ?? 30_000;
  const queues = options.queues ?? ["default"];
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `concurrency must be a positive integer, got ${concurrency}`,
    );
  }
  if (queues.length === 0) {
    throw new RangeError("a worker needs at least one queue");
  }
  return {
    queues,
    concurrency,
    batchSize: Math.max(1, options.batchSize ?? Math.ceil(concurrency / 2)),
    parallelClaims: Math.max(1, options.parallelClaims ?? 2),
    leaseMs,
    heartbeatMs: options.heartbeatMs ?? Math.max(10, Math.floor(leaseMs / 3)),
    pollIntervalMs: options.pollIntervalMs ?? 2000,
    reclaimIntervalMs: options.reclaimIntervalMs ?? leaseMs,
    maxStepCrashes: options.maxStepCrashes ?? DEFAULT_MAX_STEP_CRASHES,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
    listen: options.listen ?? true,
    probeTimeoutMs: options.probeTimeoutMs ?? 1000,
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_PAYLOAD_LIMIT,
    localContinuation: options.localContinuation ?? true,
  };
}
