import { expect, it } from "vitest";
import { getExecution } from "../../worker/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { finished, startWorker, statusBecomes } from "../helpers/engine.ts";
import { appFor, call, rowCounts } from "./helpers.ts";

const APPROVAL = [
  'const order = await Task.run("reserve", Inputs)',
  'const decision = await Signal.next("approval")',
  "return { order, decision }",
].join("\n");

forEachDriver("http: workflows", (t) => {
  it("registers a source: 201 created, 200 unchanged, 201 updated", async () => {
    const { app } = appFor(t);
    const first = await call(app, "POST", "/v1/workflows", { name: "greet", source: "return 1" });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      name: "greet",
      version: expect.stringMatching(/^[0-9a-f]{64}$/),
      change: "created",
    });
    const same = await call(app, "POST", "/v1/workflows", { name: "greet", source: "return 1" });
    expect(same).toMatchObject({
      status: 200,
      body: { change: "unchanged", version: first.body.version },
    });
    const changed = await call(app, "POST", "/v1/workflows", { name: "greet", source: "return 2" });
    expect(changed).toMatchObject({ status: 201, body: { change: "updated" } });
  });

  it("refuses a source with errors with 422 and its diagnostics, storing nothing", async () => {
    const { app } = appFor(t);
    const reply = await call(app, "POST", "/v1/workflows", {
      name: "broken",
      source: "return undeclared +",
    });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe("invalid_workflow");
    const [diagnostic] = reply.body.error.details.diagnostics;
    expect(diagnostic).toMatchObject({
      severity: "error",
      line: 1,
      column: expect.any(Number),
      code: expect.any(String),
    });
    expect((await rowCounts(t.db)).definitions).toBe(0);
  });

  it("lists workflows and shows one's versions with sources, newest first", async () => {
    const { app } = appFor(t);
    await call(app, "POST", "/v1/workflows", { name: "greet", source: "return 1" });
    const v2 = await call(app, "POST", "/v1/workflows", { name: "greet", source: "return 2" });
    const list = await call(app, "GET", "/v1/workflows");
    expect(list.body.workflows).toEqual([
      {
        name: "greet",
        currentVersion: v2.body.version,
        versions: 2,
        updatedAt: expect.any(String),
      },
    ]);
    const one = await call(app, "GET", "/v1/workflows/greet");
    expect(one.body.currentVersion).toBe(v2.body.version);
    expect(one.body.versions.map((v: { source: string }) => v.source)).toEqual([
      "return 2",
      "return 1",
    ]);
    expect((await call(app, "GET", "/v1/workflows/missing")).status).toBe(404);
  });

  it("starts a workflow (201), repeats an idempotent start (200), and 404s an unknown one", async () => {
    const { app } = appFor(t);
    await call(app, "POST", "/v1/workflows", {
      name: "greet",
      source: 'return "hi " + Inputs.name',
    });
    const body = { inputs: { name: "Ada" }, idempotencyKey: "greet-ada" };
    const first = await call(app, "POST", "/v1/workflows/greet/runs", body);
    expect(first).toMatchObject({ status: 201, body: { status: "pending", created: true } });
    const again = await call(app, "POST", "/v1/workflows/greet/runs", body);
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id, created: false } });
    const unknown = await call(app, "POST", "/v1/workflows/nobody/runs", { inputs: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("workflow_not_found");
    await startWorker(t, { tasks: [] });
    expect((await finished(t.db, first.body.id)).output).toBe("hi Ada");
    const detail = await call(app, "GET", `/v1/executions/${first.body.id}`);
    expect(detail.body).toMatchObject({
      kind: "workflow",
      status: "completed",
      version: expect.any(String),
    });
  });

  it("delivers a signal (202) to a waiting workflow, then answers 409 once it finished", async () => {
    const { app } = appFor(t);
    await call(app, "POST", "/v1/workflows", { name: "approve", source: APPROVAL });
    await startWorker(t, { tasks: [{ reserve: (i: unknown) => ({ reserved: i }) }] });
    const started = await call(app, "POST", "/v1/workflows/approve/runs", {
      inputs: { sku: "A1" },
    });
    const id = started.body.id;
    await statusBecomes(t.db, id, "suspended");
    const waiting = await call(app, "GET", `/v1/executions/${id}`);
    expect(waiting).toMatchObject({ status: 200, body: { status: "suspended", runAt: null } });
    const sent = await call(app, "POST", `/v1/executions/${id}/signals/approval`, {
      payload: { ok: "✓ '; --" },
    });
    expect(sent).toMatchObject({ status: 202, body: { id, signal: "approval", accepted: true } });
    const done = await finished(t.db, id);
    expect(done.output).toEqual({
      order: { reserved: { sku: "A1" } },
      decision: { ok: "✓ '; --" },
    });
    const late = await call(app, "POST", `/v1/executions/${id}/signals/approval`, { payload: 1 });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("execution_finished");
    const detail = await call(app, "GET", `/v1/executions/${id}`);
    expect(detail.body.children).toEqual([
      expect.objectContaining({ kind: "task", name: "reserve", status: "completed" }),
    ]);
  });

  it("shows a failed workflow's error with its .flow line", async () => {
    const { app } = appFor(t);
    await call(app, "POST", "/v1/workflows", {
      name: "fails",
      source: 'let a = 1\nthrow new Error("bad order")',
    });
    const started = await call(app, "POST", "/v1/workflows/fails/runs", {});
    await startWorker(t, { tasks: [] });
    expect((await finished(t.db, started.body.id)).status).toBe("failed");
    const reply = await call(app, "GET", `/v1/executions/${started.body.id}`);
    expect(reply.body.error).toMatchObject({
      message: expect.stringContaining("bad order"),
      line: 2,
    });
    expect(JSON.stringify(reply.body)).not.toContain("stack");
    expect((await getExecution(t.db, started.body.id))?.status).toBe("failed");
  });
});
