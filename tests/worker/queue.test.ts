import { expect, it } from "vitest";
import {
  cancelExecution,
  getExecution,
  getExecutionEvents,
  listExecutions,
  queueTask,
  queueTasks,
} from "../../worker/client.ts";
import { PayloadTooDeepError, PayloadTooLargeError } from "../../worker/errors.ts";
import { claimExecutions } from "../../worker/queries/claim.ts";
import { defineTask } from "../../worker/tasks.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { jsonDepth } from "../../worker/payload.ts";
import { forEachDriver } from "../helpers/db.ts";

const claimOptions = (limit: number, names = ["t"]) => ({
  workerId: uuidv7(),
  queues: ["default"],
  names,
  limit,
  leaseMs: 60_000,
});

/** `levels` arrays nested in each other, built without recursion. */
const nested = (levels: number): unknown => {
  let value: unknown = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
};

forEachDriver("queueing and claiming", (t) => {
  it("stores a queued task as pending with a created event", async () => {
    const id = await queueTask(t.db, "t", { x: 1 }, { queue: "default", priority: 3 });
    const execution = await getExecution(t.db, id);
    expect(execution).toMatchObject({
      id,
      kind: "task",
      name: "t",
      queue: "default",
      status: "pending",
      inputs: { x: 1 },
      priority: 3,
      attempts: 0,
      maxAttempts: 3,
    });
    expect((await getExecutionEvents(t.db, id)).map((e) => e.type)).toEqual(["created"]);
  });

  it("claims by priority, then run_at, then queue order", async () => {
    const low = await queueTask(t.db, "t", 1, { priority: 0 });
    const high = await queueTask(t.db, "t", 2, { priority: 9 });
    const earlier = await queueTask(t.db, "t", 3, {
      priority: 5,
      runAt: new Date(Date.now() - 60_000),
    });
    const later = await queueTask(t.db, "t", 4, { priority: 5 });
    const claimed = await claimExecutions(t.db, claimOptions(10));
    expect(claimed.map((c) => c.id)).toEqual([high, earlier, later, low]);
  });

  it("claims in batches of at most the limit, each row once", async () => {
    await queueTasks(t.db, Array.from({ length: 25 }, (_, i) => ({ task: "t", inputs: i })));
    const first = await claimExecutions(t.db, claimOptions(10));
    const second = await claimExecutions(t.db, claimOptions(10));
    const third = await claimExecutions(t.db, claimOptions(10));
    expect([first.length, second.length, third.length]).toEqual([10, 10, 5]);
    const ids = new Set([...first, ...second, ...third].map((c) => c.id));
    expect(ids.size).toBe(25);
    expect(await claimExecutions(t.db, claimOptions(10))).toEqual([]);
  });

  it("marks a claim running with a lease, an attempt and a started event", async () => {
    const id = await queueTask(t.db, "t", null);
    const options = claimOptions(1);
    const [claimed] = await claimExecutions(t.db, options);
    expect(claimed).toMatchObject({ id, attempt: 1, maxAttempts: 3, inputs: "null" });
    const execution = await getExecution(t.db, id);
    expect(execution).toMatchObject({ status: "running", attempts: 1, workerId: options.workerId });
    expect(execution!.leaseUntil!.getTime()).toBeGreaterThan(execution!.startedAt!.getTime());
    expect((await getExecutionEvents(t.db, id)).map((e) => e.type)).toEqual(["created", "started"]);
  });

  it("does not claim tasks the worker cannot run, or other queues", async () => {
    await queueTask(t.db, "other-task", 1);
    await queueTask(t.db, "t", 1, { queue: "elsewhere" });
    expect(await claimExecutions(t.db, claimOptions(10))).toEqual([]);
  });

  it("does not claim delayed work before its time", async () => {
    const id = await queueTask(t.db, "t", 1, { delayMs: 60_000 });
    expect(await claimExecutions(t.db, claimOptions(10))).toEqual([]);
    await t.db.query("update executions set run_at = now() where id = $1", [id]);
    expect((await claimExecutions(t.db, claimOptions(10))).map((c) => c.id)).toEqual([id]);
  });

  it("returns the first execution for a repeated idempotency key", async () => {
    const first = await queueTask(t.db, "t", { n: 1 }, { idempotencyKey: "order-7" });
    const again = await queueTask(t.db, "t", { n: 2 }, { idempotencyKey: "order-7" });
    const otherTask = await queueTask(t.db, "u", { n: 3 }, { idempotencyKey: "order-7" });
    expect(again).toBe(first);
    expect(otherTask).not.toBe(first);
    expect((await getExecution(t.db, first))!.inputs).toEqual({ n: 1 });
    expect(await listExecutions(t.db, { name: "t" })).toHaveLength(1);
  });

  it("deduplicates idempotency keys inside one batch and across concurrent calls", async () => {
    const batch = await queueTasks(t.db, [
      { task: "t", inputs: 1, options: { idempotencyKey: "k" } },
      { task: "t", inputs: 2, options: { idempotencyKey: "k" } },
    ]);
    expect(batch[1]).toBe(batch[0]);
    const other = await t.connect();
    const racing = await Promise.all([
      queueTask(t.db, "t", 1, { idempotencyKey: "race" }),
      queueTask(other, "t", 2, { idempotencyKey: "race" }),
    ]);
    expect(racing[1]).toBe(racing[0]);
  });

  it("round-trips payloads exactly, key order included", async () => {
    const inputs = {
      zebra: 1,
      apple: { y: [3, 2, 1], x: null, "": "empty key" },
      unicode: "héllo ✓ 😀",
      nested: [{ b: true, a: false }],
      big: 1e21,
      tiny: -0.000001,
    };
    const id = await queueTask(t.db, "t", inputs);
    const [claimed] = await claimExecutions(t.db, claimOptions(1));
    expect(claimed.inputs).toBe(JSON.stringify(inputs));
    const execution = await getExecution(t.db, id);
    expect(JSON.stringify(execution!.inputs)).toBe(JSON.stringify(inputs));
  });

  it("rejects inputs over the size limit with a clear error and stores nothing", async () => {
    const big = "x".repeat(2000);
    const attempt = queueTask(t.db, "t", { big }, { maxPayloadBytes: 1000 });
    await expect(attempt).rejects.toThrow(PayloadTooLargeError);
    await expect(attempt).rejects.toThrow(
      /inputs is 2010 bytes of JSON, over the limit of 1000 bytes/,
    );
    expect(await listExecutions(t.db)).toEqual([]);
  });

  it("rejects inputs that are not JSON", async () => {
    await expect(queueTask(t.db, "t", { n: 1n })).rejects.toThrow(
      /inputs is not JSON-serialisable/,
    );
  });

  it("rejects inputs nested 50,000 levels deep with a typed error and stores nothing", async () => {
    const attempt = queueTask(t.db, "t", { deep: nested(50_000) });
    await expect(attempt).rejects.toThrow(PayloadTooDeepError);
    await expect(attempt).rejects.toThrow(/inputs nests over 1000 levels/);
    await expect(queueTask(t.db, "t", { deep: nested(1_001) })).rejects.toMatchObject({
      name: "PayloadTooDeepError",
      limit: 1000,
      depth: 1001,
    });
    expect(await listExecutions(t.db)).toEqual([]);
  });

  it("accepts and round-trips inputs nested 1,000 levels deep", async () => {
    const inputs = nested(999); // inside the top-level object: 1,000 levels
    const id = await queueTask(t.db, "t", { deep: inputs, text: "[[[[".repeat(1000) });
    const execution = await getExecution(t.db, id);
    expect(execution!.inputs).toEqual({ deep: inputs, text: "[[[[".repeat(1000) });
  });

  it("measures JSON depth ignoring brackets inside strings", () => {
    expect(jsonDepth('[{"a":"]]]["},[]]', 10)).toBe(2);
    expect(jsonDepth('"[[[\\"', 10)).toBe(0);
    expect(jsonDepth("[".repeat(50) + "]".repeat(50), 10)).toBe(11);
  });

  it("uses a task definition's defaults, overridden per call", async () => {
    const task = defineTask("d", () => 1, {
      queue: "q1",
      priority: 2,
      retry: { maxAttempts: 7 },
      timeoutMs: 500,
    });
    const a = await getExecution(t.db, await queueTask(t.db, task, null));
    const b = await getExecution(
      t.db,
      await queueTask(t.db, task, null, { queue: "q2", retry: { maxAttempts: 1 } }),
    );
    expect(a).toMatchObject({ queue: "q1", priority: 2, maxAttempts: 7, timeoutMs: 500 });
    expect(b).toMatchObject({ queue: "q2", priority: 2, maxAttempts: 1, timeoutMs: 500 });
  });

  it("cancels a pending execution and its children", async () => {
    const parent = await queueTask(t.db, "t", 1);
    const child = await queueTask(t.db, "t", 2, { parentId: parent });
    const done = await queueTask(t.db, "t", 3, { parentId: parent });
    await t.db.query("update executions set status = 'completed' where id = $1", [done]);
    const cancelled = await cancelExecution(t.db, parent, { reason: "test" });
    expect(cancelled.sort()).toEqual([parent, child].sort());
    expect((await getExecution(t.db, child))!.status).toBe("cancelled");
    expect((await getExecution(t.db, done))!.status).toBe("completed");
    expect(await cancelExecution(t.db, parent)).toEqual([]);
    const events = await getExecutionEvents(t.db, parent);
    expect(events.at(-1)).toMatchObject({ type: "cancelled", data: { reason: "test" } });
  });

  it("deletes an execution's events, and its children's, when the execution is deleted", async () => {
    const parent = await queueTask(t.db, "t", 1);
    const child = await queueTask(t.db, "t", 2, { parentId: parent });
    const kept = await queueTask(t.db, "t", 3);
    await cancelExecution(t.db, parent);
    await t.db.query("delete from executions where id = $1", [parent]);
    const rows = await t.db.query<{ id: string }>(
      "select distinct execution_id::text as id from events",
    );
    expect(rows.map((r) => r.id)).toEqual([kept]);
    expect(await getExecution(t.db, child)).toBeNull();
  });

  it("lists executions newest first with filters", async () => {
    const a = await queueTask(t.db, "a", 1);
    const b = await queueTask(t.db, "b", 1);
    await cancelExecution(t.db, a);
    expect((await listExecutions(t.db)).map((e) => e.id)).toEqual([b, a]);
    expect((await listExecutions(t.db, { status: "cancelled" })).map((e) => e.id)).toEqual([a]);
    expect((await listExecutions(t.db, { name: "b" })).map((e) => e.id)).toEqual([b]);
    expect((await listExecutions(t.db, { limit: 1 })).map((e) => e.id)).toEqual([b]);
  });

  it("wakes listeners with one notification per queue when work is queued", async () => {
    const payloads: string[] = [];
    t.defer(await t.db.listen(`rhythm:${t.db.schema}`, (p) => payloads.push(p)));
    await queueTasks(t.db, [
      { task: "t", inputs: 1, options: { queue: "a" } },
      { task: "t", inputs: 2, options: { queue: "a" } },
      { task: "t", inputs: 3, options: { queue: "b" } },
    ]);
    await expect.poll(() => payloads.length).toBe(2);
    expect(payloads.map((p) => JSON.parse(p).queue).sort()).toEqual(["a", "b"]);
  });
});
