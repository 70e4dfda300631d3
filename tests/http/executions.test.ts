import { expect, it } from "vitest";
import { cancelExecution, queueTask } from "../../worker/client.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { insertExecutions } from "../../worker/queries/insert.ts";
import { defineTask } from "../../worker/tasks.ts";
import type { Db } from "../../worker/db/driver.ts";
import { forEachDriver } from "../helpers/db.ts";
import { finished, startWorker } from "../helpers/engine.ts";
import { appFor, call, rowCounts } from "./helpers.ts";

/** A workflow-kind row (no workflow engine needed), optionally with a child task. */
async function workflowRow(db: Db, childName?: string): Promise<string> {
  const row = {
    kind: "workflow" as const,
    queue: "default",
    inputs: "{}",
    priority: 0,
    maxAttempts: 1,
    retry: null,
    timeoutMs: null,
    runAtMs: Date.now() + 3_600_000,
    delayMs: 0,
    idempotencyKey: null,
  };
  const id = uuidv7();
  await insertExecutions(db, [{ ...row, id, name: "checkout", parentId: null }]);
  if (childName) {
    await insertExecutions(db, [{
      ...row,
      kind: "task",
      id: uuidv7(),
      name: childName,
      parentId: id,
    }]);
  }
  return id;
}

forEachDriver("http: executions", (t) => {
  it("shows an execution with timestamps, version and children", async () => {
    const { app } = appFor(t);
    const id = await workflowRow(t.db, "reserve");
    const reply = await call(app, "GET", `/v1/executions/${id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id,
      kind: "workflow",
      name: "checkout",
      status: "pending",
      version: null,
      children: [{ kind: "task", name: "reserve", status: "pending" }],
    });
    expect(new Date(reply.body.createdAt).toISOString()).toBe(reply.body.createdAt);
  });

  it("shows a failed task's error without its stack trace", async () => {
    const { app } = appFor(t);
    const boom = defineTask("boom", () => {
      throw new TypeError("bad input");
    }, { retry: { maxAttempts: 1 } });
    await startWorker(t, { tasks: [boom] });
    const id = await queueTask(t.db, boom, {});
    await finished(t.db, id);
    const reply = await call(app, "GET", `/v1/executions/${id}`);
    expect(reply.body.error).toEqual({ name: "TypeError", message: "bad input", retryable: true });
    const events = await call(app, "GET", `/v1/executions/${id}/events`);
    expect(events.text).not.toContain("stack");
    expect(events.text).not.toContain(".ts:");
  });

  it("answers 404 for an unknown execution and 400 for an id that is not a UUID", async () => {
    const { app } = appFor(t);
    const unknown = await call(app, "GET", `/v1/executions/${uuidv7()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("execution_not_found");
    const malformed = await call(app, "GET", "/v1/executions/42");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.field).toBe("id");
  });

  it("lists executions newest first, filtered, a page at a time with a cursor", async () => {
    const { app } = appFor(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await queueTask(t.db, "page", { i }));
    await queueTask(t.db, "other", {}, { queue: "elsewhere" });
    const first = await call(app, "GET", "/v1/executions?name=page&limit=2");
    expect(first.status).toBe(200);
    expect(first.body.executions.map((e: { id: string }) => e.id)).toEqual([ids[4], ids[3]]);
    const second = await call(
      app,
      "GET",
      `/v1/executions?name=page&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.executions.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    const last = await call(
      app,
      "GET",
      `/v1/executions?name=page&limit=2&cursor=${second.body.nextCursor}`,
    );
    expect(last.body).toMatchObject({ executions: [{ id: ids[0] }], nextCursor: null });
    const byQueue = await call(
      app,
      "GET",
      "/v1/executions?queue=elsewhere&status=pending&kind=task",
    );
    expect(byQueue.body.executions).toHaveLength(1);
  });

  it("refuses unknown filters and out-of-range limits with 400 naming the field", async () => {
    const { app } = appFor(t);
    for (
      const [query, field] of [
        ["stauts=failed", "stauts"],
        ["limit=0", "limit"],
        ["limit=501", "limit"],
        ["limit=x", "limit"],
        ["status=done", "status"],
        ["cursor=abc", "cursor"],
      ]
    ) {
      const reply = await call(app, "GET", `/v1/executions?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.error.details.field, query).toBe(field);
    }
  });

  it("returns the event history of a task run by a worker", async () => {
    const { app } = appFor(t);
    const echo = defineTask("echo", (x: unknown) => x);
    await startWorker(t, { tasks: [echo] });
    const id = await queueTask(t.db, echo, "hi");
    await finished(t.db, id);
    const reply = await call(app, "GET", `/v1/executions/${id}/events`);
    expect(reply.status).toBe(200);
    expect(reply.body.events.map((e: { type: string }) => e.type)).toEqual([
      "created",
      "started",
      "completed",
    ]);
    expect(reply.body.events[1]).toMatchObject({
      executionId: id,
      attempt: 1,
      workerId: expect.any(String),
    });
    expect((await call(app, "GET", `/v1/executions/${uuidv7()}/events`)).status).toBe(404);
  });

  it("cancels an execution with its children, and answers the same again with nothing cancelled", async () => {
    const { app } = appFor(t);
    const id = await workflowRow(t.db, "reserve");
    const reply = await call(app, "POST", `/v1/executions/${id}/cancel`, {
      reason: "customer left",
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id, status: "cancelled" });
    expect(reply.body.cancelled).toHaveLength(2);
    const again = await call(app, "POST", `/v1/executions/${id}/cancel`);
    expect(again.body).toEqual({ id, status: "cancelled", cancelled: [] });
    expect((await call(app, "POST", `/v1/executions/${uuidv7()}/cancel`)).status).toBe(404);
  });

  it("answers 409 for a signal to a finished workflow or to a task, 404 for an unknown one", async () => {
    const { app } = appFor(t, { workflows: {} });
    const id = await workflowRow(t.db);
    await cancelExecution(t.db, id);
    const before = await rowCounts(t.db);
    const finishedReply = await call(app, "POST", `/v1/executions/${id}/signals/approve`, {
      payload: 1,
    });
    expect(finishedReply.status).toBe(409);
    expect(finishedReply.body.error).toMatchObject({
      code: "execution_finished",
      details: { status: "cancelled" },
    });
    const task = await queueTask(t.db, "plain", {});
    const toTask = await call(app, "POST", `/v1/executions/${task}/signals/approve`, {
      payload: 1,
    });
    expect(toTask.status).toBe(409);
    expect(toTask.body.error.code).toBe("not_a_workflow");
    const unknown = await call(app, "POST", `/v1/executions/${uuidv7()}/signals/approve`, {});
    expect(unknown.status).toBe(404);
    expect((await rowCounts(t.db)).signals).toBe(before.signals);
  });

  it("answers 413 for a signal payload over the limit before sending it", async () => {
    const { app } = appFor(t, { maxPayloadBytes: 50, workflows: {} });
    const id = await workflowRow(t.db);
    const reply = await call(app, "POST", `/v1/executions/${id}/signals/approve`, {
      payload: "y".repeat(100),
    });
    expect(reply.status).toBe(413);
    expect((await rowCounts(t.db)).signals).toBe(0);
  });
});
