import { expect, it } from "vitest";
import {
  cancelExecution,
  getExecution,
  getExecutionEvents,
  queueTask,
  queueTasks,
} from "../../worker/client.ts";
import { CancelledError, NonRetryableError, WorkerShutdownError } from "../../worker/errors.ts";
import { createWorker } from "../../worker/worker.ts";
import { defineTask } from "../../worker/tasks.ts";
import { forEachDriver } from "../helpers/db.ts";
import {
  deferred,
  FAST,
  finished,
  memoryLogger,
  startWorker,
  statusBecomes,
} from "../helpers/engine.ts";

const noBackoff = { maxAttempts: 3, backoff: { initial: 0, jitter: 0 } };

forEachDriver("worker", (t) => {
  it("runs a queued task and stores its output", async () => {
    const double = defineTask("double", (n: number) => n * 2);
    await startWorker(t, { tasks: [double] });
    const id = await queueTask(t.db, double, 21);
    const done = await finished(t.db, id);
    expect(done).toMatchObject({ status: "completed", output: 42, attempts: 1, error: null });
    expect((await getExecutionEvents(t.db, id)).map((e) => e.type))
      .toEqual(["created", "started", "completed"]);
  });

  it("gives the task its context: id, attempt, signal", async () => {
    const seen = defineTask("seen", (_: null, ctx) => ({
      id: ctx.executionId,
      attempt: ctx.attempt,
      aborted: ctx.signal.aborted,
      name: ctx.name,
    }));
    await startWorker(t, { tasks: [seen] });
    const id = await queueTask(t.db, seen, null);
    expect((await finished(t.db, id)).output).toEqual({
      id,
      attempt: 1,
      aborted: false,
      name: "seen",
    });
  });

  it("round-trips the output exactly, key order included", async () => {
    const output = { z: 1, a: [{ y: 2, b: 3 }], m: "✓" };
    await startWorker(t, { tasks: [defineTask("out", () => output)] });
    const id = await queueTask(t.db, "out", null);
    await finished(t.db, id);
    const [row] = await t.db.query<{ output: string }>(
      "select output::text as output from executions where id = $1",
      [id],
    );
    expect(row.output).toBe(JSON.stringify(output));
  });

  it("fails an output over the size limit without retrying", async () => {
    await startWorker(t, {
      tasks: [defineTask("huge", () => "x".repeat(5000))],
      maxPayloadBytes: 1000,
    });
    const id = await queueTask(t.db, "huge", null);
    const done = await finished(t.db, id);
    expect(done).toMatchObject({ status: "failed", attempts: 1 });
    expect(done.error).toMatchObject({ name: "PayloadTooLargeError", retryable: false });
    expect(done.error!.message).toMatch(/output is 5002 bytes of JSON, over the limit of 1000/);
  });

  it("retries a failing task until it succeeds", async () => {
    let calls = 0;
    const flaky = defineTask("flaky", (_: null, ctx) => {
      calls++;
      if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
      return "ok";
    }, { retry: noBackoff });
    await startWorker(t, { tasks: [flaky] });
    const id = await queueTask(t.db, flaky, null);
    const done = await finished(t.db, id);
    expect(done).toMatchObject({ status: "completed", output: "ok", attempts: 3, error: null });
    expect(calls).toBe(3);
    const events = await getExecutionEvents(t.db, id);
    expect(events.map((e) => e.type)).toEqual([
      "created",
      "started",
      "retrying",
      "started",
      "retrying",
      "started",
      "completed",
    ]);
    expect(events[2].data).toMatchObject({ error: { name: "Error", message: "boom 1" } });
  });

  it("fails after the last attempt with the last error", async () => {
    const broken = defineTask("broken", (_: null, ctx) => {
      throw new TypeError(`attempt ${ctx.attempt}`);
    }, { retry: { ...noBackoff, maxAttempts: 2 } });
    await startWorker(t, { tasks: [broken] });
    const id = await queueTask(t.db, broken, null);
    const done = await finished(t.db, id);
    expect(done).toMatchObject({ status: "failed", attempts: 2 });
    expect(done.error).toMatchObject({ name: "TypeError", message: "attempt 2", retryable: true });
    expect(done.finishedAt).not.toBeNull();
  });

  it("schedules retries with exponential backoff and jitter", async () => {
    const broken = defineTask("slowRetry", () => {
      throw new Error("no");
    }, { retry: { maxAttempts: 3, backoff: { initial: 60_000, factor: 2, jitter: 0.5 } } });
    await startWorker(t, { tasks: [broken], random: () => 1 }); // jitter at its maximum (+50%)
    const id = await queueTask(t.db, broken, null);
    await expect.poll(async () => (await getExecution(t.db, id))!.attempts, { timeout: 10_000 })
      .toBe(1);
    await statusBecomes(t.db, id, "pending");
    const [row] = await t.db.query<{ delay: number }>(
      "select extract(epoch from run_at - updated_at)::float8 * 1000 as delay from executions where id = $1",
      [id],
    );
    expect(row.delay).toBeCloseTo(90_000, -2); // 60 s × (1 + 0.5)
    const events = await getExecutionEvents(t.db, id);
    expect(events.at(-1)!.type).toBe("retrying");
  });

  it("fails at once on a NonRetryableError", async () => {
    let calls = 0;
    const strict = defineTask("strict", () => {
      calls++;
      throw new NonRetryableError("bad input");
    }, { retry: noBackoff });
    await startWorker(t, { tasks: [strict] });
    const id = await queueTask(t.db, strict, null);
    const done = await finished(t.db, id);
    expect(done).toMatchObject({ status: "failed", attempts: 1 });
    expect(done.error).toMatchObject({
      name: "NonRetryableError",
      message: "bad input",
      retryable: false,
    });
    expect(calls).toBe(1);
  });

  it("aborts a task at its timeout and retries it", async () => {
    const reasons: string[] = [];
    const slow = defineTask("slow", async (_: null, ctx) => {
      if (ctx.attempt === 1) {
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        reasons.push((ctx.signal.reason as Error).name);
        return "too late";
      }
      return "fast enough";
    }, { timeoutMs: 100, retry: noBackoff });
    await startWorker(t, { tasks: [slow] });
    const id = await queueTask(t.db, slow, null);
    const done = await finished(t.db, id);
    expect(done).toMatchObject({ status: "completed", output: "fast enough", attempts: 2 });
    expect(reasons).toEqual(["TimeoutError"]);
    const events = await getExecutionEvents(t.db, id);
    expect(events[2].data).toMatchObject({ error: { name: "TimeoutError" } });
  });

  it("frees the slot of a timed-out task that ignores its signal", async () => {
    const gate = deferred();
    const stuck = defineTask("stuck", () => gate.promise, {
      timeoutMs: 50,
      retry: { maxAttempts: 1 },
    });
    const quick = defineTask("quick", () => "done");
    await startWorker(t, { tasks: [stuck, quick], concurrency: 1 });
    t.defer(() => gate.resolve());
    const a = await queueTask(t.db, stuck, null);
    expect((await finished(t.db, a)).error).toMatchObject({ name: "TimeoutError" });
    const b = await queueTask(t.db, quick, null);
    expect((await finished(t.db, b)).status).toBe("completed");
  });

  it("cancels a running task: its signal aborts and its result is discarded", async () => {
    const started = deferred();
    const reasons: unknown[] = [];
    const waiting = defineTask("waiting", async (_: null, ctx) => {
      started.resolve();
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      reasons.push(ctx.signal.reason);
      return "finished anyway";
    });
    const logger = memoryLogger();
    await startWorker(t, { tasks: [waiting], logger });
    const id = await queueTask(t.db, waiting, null);
    await started.promise;
    expect(await cancelExecution(t.db, id)).toEqual([id]);
    await expect.poll(() => reasons.length).toBe(1);
    expect(reasons[0]).toBeInstanceOf(CancelledError);
    await expect.poll(() => logger.lines.some((l) => l.includes(`cancelled waiting ${id}`))).toBe(
      true,
    );
    expect(await getExecution(t.db, id)).toMatchObject({ status: "cancelled", output: null });
    expect((await getExecutionEvents(t.db, id)).map((e) => e.type))
      .toEqual(["created", "started", "cancelled"]);
  });

  it("never runs more tasks at once than its concurrency", async () => {
    let running = 0;
    let peak = 0;
    const busy = defineTask("busy", async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    await startWorker(t, { tasks: [busy], concurrency: 3 });
    const ids = await queueTasks(
      t.db,
      Array.from({ length: 30 }, () => ({ task: busy, inputs: null })),
    );
    for (const id of ids) expect((await finished(t.db, id)).status).toBe("completed");
    expect(peak).toBe(3);
  });

  it("logs one line per transition", async () => {
    const logger = memoryLogger();
    const flaky = defineTask("logged", (_: null, ctx) => {
      if (ctx.attempt === 1) throw new Error("first");
      return 1;
    }, { retry: noBackoff });
    await startWorker(t, { tasks: [flaky], logger });
    const id = await queueTask(t.db, flaky, null);
    await finished(t.db, id);
    // per attempt, in order; across attempts the order is not fixed: with no backoff the second
    // attempt may start before the first one's "retrying" line is written
    const attempt = (n: number) =>
      logger.lines.filter((l) => l.includes(id) && l.includes(`(attempt ${n}/`)).map((l) =>
        l.split(" ").slice(0, 2).join(" ")
      );
    expect(attempt(1)).toEqual(["info started", "warn retrying"]);
    expect(attempt(2)).toEqual(["info started", "info completed"]);
    expect(logger.lines.filter((l) => l.includes(id))).toHaveLength(4);
  });

  it("on stop, finishes running tasks within the deadline and claims nothing new", async () => {
    const gate = deferred();
    const started = deferred();
    const slow = defineTask("drain", async () => {
      started.resolve();
      await gate.promise;
      return "drained";
    });
    const worker = createWorker(t.db, { ...FAST, logger: () => {}, tasks: [slow], concurrency: 1 });
    await worker.start();
    const first = await queueTask(t.db, slow, null);
    await started.promise;
    const second = await queueTask(t.db, slow, null);
    const stopping = worker.stop();
    gate.resolve();
    await stopping;
    expect((await getExecution(t.db, first))!.status).toBe("completed");
    expect((await getExecution(t.db, second))!.status).toBe("pending");
    const [row] = await t.db.query<{ stopped: boolean }>(
      "select stopped_at is not null as stopped from workers where id = $1",
      [worker.id],
    );
    expect(row.stopped).toBe(true);
  });

  it("on stop, aborts and releases tasks still running at the deadline", async () => {
    const reasons: unknown[] = [];
    const started = deferred();
    const endless = defineTask("endless", async (_: null, ctx) => {
      started.resolve();
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      reasons.push(ctx.signal.reason);
    });
    const worker = createWorker(t.db, {
      ...FAST,
      logger: () => {},
      tasks: [endless],
      shutdownTimeoutMs: 100,
    });
    await worker.start();
    const id = await queueTask(t.db, endless, null);
    await started.promise;
    await worker.stop();
    expect(reasons[0]).toBeInstanceOf(WorkerShutdownError);
    expect(await getExecution(t.db, id)).toMatchObject({ status: "pending", workerId: null });
    expect((await getExecutionEvents(t.db, id)).map((e) => e.type))
      .toEqual(["created", "started", "released"]);
    // another worker picks it up at once
    const next = await startWorker(t, { tasks: [defineTask("endless", () => "second run")] });
    expect((await finished(t.db, id)).output).toBe("second run");
    expect(next.id).not.toBe(worker.id);
  });

  it("records the worker with heartbeats in the workers table", async () => {
    const worker = await startWorker(t, {
      tasks: [defineTask("w", () => 1)],
      queues: ["a", "b"],
      name: "w1",
    });
    const read = () =>
      t.db.query<{ name: string; queues: string[]; tasks: string[]; beat: number }>(
        "select name, queues, tasks, extract(epoch from heartbeat_at)::float8 as beat from workers where id = $1",
        [worker.id],
      );
    const [before] = await read();
    expect(before).toMatchObject({ name: "w1", queues: ["a", "b"], tasks: ["w"] });
    await expect.poll(async () => (await read())[0].beat, { timeout: 5000 }).toBeGreaterThan(
      before.beat,
    );
  });
});
