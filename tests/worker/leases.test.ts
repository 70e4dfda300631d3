import { expect, it } from "vitest";
import { getExecution, getExecutionEvents, queueTask, queueTasks } from "../../worker/client.ts";
import { LeaseLostError } from "../../worker/errors.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { claimExecutions } from "../../worker/queries/claim.ts";
import { completeExecutions } from "../../worker/queries/complete.ts";
import { failExecution } from "../../worker/queries/fail.ts";
import { reclaimExpiredLeases } from "../../worker/queries/reclaim.ts";
import { renewLease } from "../../worker/queries/renew.ts";
import { defineTask } from "../../worker/tasks.ts";
import { forEachDriver } from "../helpers/db.ts";
import { deferred, finished, memoryLogger, startWorker } from "../helpers/engine.ts";

const claim = (db: Parameters<typeof claimExecutions>[0], workerId: string) =>
  claimExecutions(db, { workerId, queues: ["default"], names: ["t"], limit: 1, leaseMs: 60_000 });

const expireLeases = (t: { db: { query: (s: string) => Promise<unknown> } }) =>
  t.db.query(
    "update executions set lease_until = now() - interval '1 second' where status = 'running'",
  );

forEachDriver("leases", (t) => {
  it("renews the lease while a long task runs, so nobody reclaims it", async () => {
    const gate = deferred();
    const started = deferred();
    const long = defineTask("long", async () => {
      started.resolve();
      await gate.promise;
      return "done";
    });
    await startWorker(t, { tasks: [long], leaseMs: 500, heartbeatMs: 100 });
    await startWorker(t, { tasks: [long], reclaimIntervalMs: 20 }); // eager reclaimer
    const id = await queueTask(t.db, long, null);
    await started.promise;
    const firstLease = (await getExecution(t.db, id))!.leaseUntil!;
    // Outlived its first lease (by the server's clock) without being reclaimed.
    await expect.poll(async () => {
      const execution = await getExecution(t.db, id);
      expect(execution).toMatchObject({ status: "running", attempts: 1 });
      const [row] = await t.db.query<{ past: boolean }>("select now() > $1::timestamptz as past", [
        firstLease,
      ]);
      return row.past;
    }, { timeout: 15_000, interval: 100 }).toBe(true);
    gate.resolve();
    expect(await finished(t.db, id)).toMatchObject({ status: "completed", attempts: 1 });
    const types = (await getExecutionEvents(t.db, id)).map((e) => e.type);
    expect(types).toEqual(["created", "started", "completed"]);
  });

  it("lets a task extend its own lease with ctx.heartbeat()", async () => {
    const renewed = deferred<boolean>();
    const task = defineTask("beat", async (_: null, ctx) => {
      await ctx.heartbeat();
      renewed.resolve(true);
      return 1;
    });
    await startWorker(t, { tasks: [task] });
    const id = await queueTask(t.db, task, null);
    expect(await renewed.promise).toBe(true);
    expect((await finished(t.db, id)).status).toBe("completed");
  });

  it("fails over: a crashed worker's execution is reclaimed and run by another worker", async () => {
    const started = deferred();
    const hang = defineTask("job", async () => {
      started.resolve();
      await new Promise(() => {}); // never returns: the process "died"
    });
    const a = await startWorker(t, { tasks: [hang], leaseMs: 200, heartbeatMs: 50 });
    const id = await queueTask(t.db, hang, null);
    await started.promise;
    await a.simulateCrash();
    const b = await startWorker(t, {
      tasks: [defineTask("job", () => "ran on b")],
      reclaimIntervalMs: 20,
    });
    const done = await finished(t.db, id);
    expect(done).toMatchObject({
      status: "completed",
      output: "ran on b",
      attempts: 2,
      workerId: b.id,
    });
    const events = await getExecutionEvents(t.db, id);
    expect(events.map((e) => e.type)).toEqual([
      "created",
      "started",
      "lease_expired",
      "started",
      "completed",
    ]);
    expect(events[2].workerId).toBe(a.id);
  });

  it("fences a stale worker: after its lease is taken over, its writes change nothing", async () => {
    const id = await queueTask(t.db, "t", null);
    const stale = uuidv7();
    const [first] = await claim(t.db, stale);
    await expireLeases(t);
    expect(await reclaimExpiredLeases(t.db)).toEqual([{ id, status: "pending" }]);
    const fresh = uuidv7();
    const [second] = await claim(t.db, fresh);
    expect(second.attempt).toBe(2);
    expect(
      await completeExecutions(t.db, stale, [{ id, attempt: first.attempt, output: '"stale"' }]),
    )
      .toEqual(new Set());
    const failure = { id, workerId: stale, attempt: first.attempt, error: "{}", retryInMs: null };
    expect(await failExecution(t.db, failure)).toBe(false);
    expect(await renewLease(t.db, id, stale, first.attempt, 60_000)).toBe(false);
    // the same worker id with the old attempt number is stale too
    expect(await completeExecutions(t.db, fresh, [{ id, attempt: 1, output: '"old"' }])).toEqual(
      new Set(),
    );
    expect(await completeExecutions(t.db, fresh, [{ id, attempt: 2, output: '"fresh"' }]))
      .toEqual(new Set([id]));
    expect(await getExecution(t.db, id)).toMatchObject({ status: "completed", output: "fresh" });
  });

  it("aborts a task whose lease was lost and discards its result", async () => {
    const gate = deferred();
    const started = deferred();
    const reasons: unknown[] = [];
    const stubborn = defineTask("stubborn", async (_: null, ctx) => {
      if (ctx.attempt > 1) return "fresh result"; // the attempt that took over
      started.resolve();
      ctx.signal.addEventListener("abort", () => reasons.push(ctx.signal.reason));
      await gate.promise; // ignores the abort
      return "stale result";
    });
    const logger = memoryLogger();
    await startWorker(t, { tasks: [stubborn], leaseMs: 60_000, heartbeatMs: 50, logger });
    const id = await queueTask(t.db, stubborn, null);
    await started.promise;
    // Expire and reclaim in one transaction, so a heartbeat cannot renew the lease in between.
    await t.db.transaction(async (tx) => {
      await tx.query("update executions set lease_until = now() - interval '1 second'");
      expect(await reclaimExpiredLeases(tx)).toEqual([{ id, status: "pending" }]);
    });
    await expect.poll(() => reasons.length, { timeout: 5000 }).toBe(1);
    expect(reasons[0]).toBeInstanceOf(LeaseLostError);
    expect(await finished(t.db, id)).toMatchObject({ output: "fresh result", attempts: 2 });
    gate.resolve(); // the stale attempt returns now: its result must change nothing
    await expect.poll(() =>
      logger.lines.some((l) => l.includes(`lease lost: abandoned stubborn ${id}`))
    )
      .toBe(true);
    expect(await getExecution(t.db, id)).toMatchObject({ output: "fresh result", attempts: 2 });
  });

  it("fails an execution whose lease expires on its last attempt", async () => {
    const id = await queueTask(t.db, "t", null, { retry: { maxAttempts: 1 } });
    await claim(t.db, uuidv7());
    await expireLeases(t);
    expect(await reclaimExpiredLeases(t.db)).toEqual([{ id, status: "failed" }]);
    const execution = await getExecution(t.db, id);
    expect(execution!.error).toMatchObject({ name: "LeaseExpiredError", retryable: false });
  });

  it("runs every task exactly once when several workers contend (SKIP LOCKED)", async () => {
    const runs = new Map<string, number>();
    const count = defineTask("count", (_: number, ctx) => {
      runs.set(ctx.executionId, (runs.get(ctx.executionId) ?? 0) + 1);
    });
    const ids = await queueTasks(
      t.db,
      Array.from({ length: 200 }, (_, i) => ({ task: count, inputs: i })),
    );
    for (let i = 0; i < 4; i++) {
      await startWorker(t, { tasks: [count], concurrency: 5, batchSize: 3 }, await t.connect());
    }
    for (const id of ids) expect((await finished(t.db, id)).status).toBe("completed");
    expect(runs.size).toBe(200);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const [row] = await t.db.query<{ n: number; workers: number }>(
      `select count(*)::int as n, count(distinct worker_id)::int as workers
         from events where type = 'started'`,
    );
    expect(row.n).toBe(200);
    if (t.driver === "postgres") expect(row.workers).toBeGreaterThan(1);
  });
});
