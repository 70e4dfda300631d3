import { expect, it } from "vitest";
import { getExecution } from "../../worker/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { appFor, call, rowCounts } from "./helpers.ts";

forEachDriver("http: starting task runs", (t) => {
  it("queues a task and answers 201 with its id and status", async () => {
    const { app } = appFor(t);
    const reply = await call(app, "POST", "/v1/tasks/sendEmail/runs", {
      inputs: { to: "a@example.com", b: 1, a: 2 },
      queue: "email",
      priority: 7,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ id: expect.any(String), status: "pending", created: true });
    const stored = await getExecution(t.db, reply.body.id);
    expect(stored).toMatchObject({ kind: "task", name: "sendEmail", queue: "email", priority: 7 });
    expect(JSON.stringify(stored?.inputs)).toBe('{"to":"a@example.com","b":1,"a":2}');
  });

  it("answers 200 with the existing execution when the idempotency key repeats", async () => {
    const { app } = appFor(t);
    const body = { inputs: { n: 1 }, idempotencyKey: "order-42" };
    const first = await call(app, "POST", "/v1/tasks/charge/runs", body);
    const again = await call(app, "POST", "/v1/tasks/charge/runs", { ...body, inputs: { n: 2 } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, status: "pending", created: false });
    expect((await rowCounts(t.db)).executions).toBe(1);
  });

  it("takes an empty body as null inputs on the default queue", async () => {
    const { app } = appFor(t);
    const reply = await call(app, "POST", "/v1/tasks/tick/runs");
    expect(reply.status).toBe(201);
    expect(await getExecution(t.db, reply.body.id)).toMatchObject({
      inputs: null,
      queue: "default",
      priority: 0,
    });
  });

  it("refuses inputs over the payload limit with 413 and writes nothing", async () => {
    const { app } = appFor(t, { maxPayloadBytes: 100 });
    const reply = await call(app, "POST", "/v1/tasks/big/runs", { inputs: "x".repeat(200) });
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatchObject({
      code: "payload_too_large",
      details: { bytes: 202, limit: 100 },
    });
    expect((await rowCounts(t.db)).executions).toBe(0);
  });

  it("refuses a body over the body limit with 413 before reading it all", async () => {
    const { app } = appFor(t, { maxBodyBytes: 1000 });
    const reply = await call(app, "POST", "/v1/tasks/big/runs", { inputs: "x".repeat(5000) });
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe("body_too_large");
    expect((await rowCounts(t.db)).executions).toBe(0);
  });

  it("answers 501 for starting a workflow while the engine has no workflow operations", async () => {
    const { app } = appFor(t, { workflows: {} });
    const reply = await call(app, "POST", "/v1/workflows/checkout/runs", { inputs: {} });
    expect(reply.status).toBe(501);
    expect(reply.body.error.code).toBe("not_implemented");
  });
});
