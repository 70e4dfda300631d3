import { expect, it } from "vitest";
import { getExecution } from "../../worker/client.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { forEachDriver } from "../helpers/db.ts";
import { appFor, call, rowCounts } from "./helpers.ts";

const SQL = "'; drop table executions; --";
const enc = encodeURIComponent;

/** [what, method, path, body (string = raw text), expected status, expected code]. */
const refused: [string, string, string, unknown, number, string][] = [
  ["malformed JSON", "POST", "/v1/tasks/t/runs", "{inputs:", 400, "malformed_json"],
  ["truncated JSON", "POST", "/v1/tasks/t/runs", '{"inputs": [1, 2', 400, "malformed_json"],
  ["a JSON array body", "POST", "/v1/tasks/t/runs", "[1, 2]", 400, "invalid_field"],
  ["a JSON string body", "POST", "/v1/tasks/t/runs", '"inputs"', 400, "invalid_field"],
  ["priority as a string", "POST", "/v1/tasks/t/runs", { priority: "high" }, 400, "invalid_field"],
  ["a fractional priority", "POST", "/v1/tasks/t/runs", { priority: 1.5 }, 400, "invalid_field"],
  ["a priority over int4", "POST", "/v1/tasks/t/runs", { priority: 2 ** 40 }, 400, "invalid_field"],
  ["queue as a number", "POST", "/v1/tasks/t/runs", { queue: 5 }, 400, "invalid_field"],
  ["SQL in the queue", "POST", "/v1/tasks/t/runs", { queue: SQL }, 400, "invalid_field"],
  ["unicode in the queue", "POST", "/v1/tasks/t/runs", { queue: "файлы✓" }, 400, "invalid_field"],
  [
    "an empty idempotency key",
    "POST",
    "/v1/tasks/t/runs",
    { idempotencyKey: "" },
    400,
    "invalid_field",
  ],
  [
    "a numeric idempotency key",
    "POST",
    "/v1/tasks/t/runs",
    { idempotencyKey: 7 },
    400,
    "invalid_field",
  ],
  [
    "a key with a NUL",
    "POST",
    "/v1/tasks/t/runs",
    { idempotencyKey: "a\u0000b" },
    400,
    "invalid_field",
  ],
  ["a misspelt field", "POST", "/v1/tasks/t/runs", { idempotency_key: "k" }, 400, "invalid_field"],
  ["SQL in a task name", "POST", `/v1/tasks/${enc(SQL)}/runs`, {}, 400, "invalid_field"],
  ["unicode in a task name", "POST", `/v1/tasks/${enc("naïve✓")}/runs`, {}, 400, "invalid_field"],
  [
    "a task name of 200 chars",
    "POST",
    `/v1/tasks/${"a".repeat(200)}/runs`,
    {},
    400,
    "invalid_field",
  ],
  ["SQL in a workflow name", "POST", `/v1/workflows/${enc(SQL)}/runs`, {}, 400, "invalid_field"],
  [
    "a body of 2 MiB",
    "POST",
    "/v1/tasks/t/runs",
    { inputs: "x".repeat(2 << 20) },
    413,
    "body_too_large",
  ],
  [
    "inputs over the limit",
    "POST",
    "/v1/tasks/t/runs",
    { inputs: "x".repeat(1 << 20) },
    413,
    "payload_too_large",
  ],
  ["SQL as an execution id", "GET", `/v1/executions/${enc(SQL)}`, undefined, 400, "invalid_field"],
  ["SQL as a cursor", "GET", `/v1/executions?cursor=${enc(SQL)}`, undefined, 400, "invalid_field"],
  [
    "SQL as a name filter",
    "GET",
    `/v1/executions?name=${enc(SQL)}`,
    undefined,
    400,
    "invalid_field",
  ],
  [
    "a cancel reason of the wrong type",
    "POST",
    `/v1/executions/${uuidv7()}/cancel`,
    { reason: 5 },
    400,
    "invalid_field",
  ],
  [
    "a signal with an extra field",
    "POST",
    `/v1/executions/${uuidv7()}/signals/go`,
    { payload: 1, x: 2 },
    400,
    "invalid_field",
  ],
  [
    "a signal name with a control char",
    "POST",
    `/v1/executions/${uuidv7()}/signals/a%01b`,
    {},
    400,
    "invalid_field",
  ],
  [
    "a signal to an unknown execution",
    "POST",
    `/v1/executions/${uuidv7()}/signals/go`,
    {},
    404,
    "execution_not_found",
  ],
  ["a workflow without a name", "POST", "/v1/workflows", { source: "x" }, 400, "invalid_field"],
  [
    "a workflow source that is a number",
    "POST",
    "/v1/workflows",
    { name: "w", source: 1 },
    400,
    "invalid_field",
  ],
  [
    "SQL as a workflow name",
    "POST",
    "/v1/workflows",
    { name: SQL, source: "" },
    400,
    "invalid_field",
  ],
  ["an unknown workflow", "GET", "/v1/workflows/nothingHere", undefined, 404, "workflow_not_found"],
  [
    "unicode as a workflow name",
    "GET",
    `/v1/workflows/${enc("工作流")}`,
    undefined,
    400,
    "invalid_field",
  ],
];

forEachDriver("http: bad input", (t) => {
  it("answers every bad request with its documented status and writes nothing", async () => {
    const { app } = appFor(t);
    for (const [what, method, path, body, status, code] of refused) {
      const reply = await call(app, method, path, body);
      expect(reply.status, what).toBe(status);
      expect(reply.body.error.code, what).toBe(code);
      expect(reply.body.error.message, what).toEqual(expect.any(String));
    }
    expect(await rowCounts(t.db)).toEqual({ executions: 0, events: 0, signals: 0, definitions: 0 });
  });

  it("refuses a streamed body without Content-Length once it passes the limit", async () => {
    const { app } = appFor(t, { maxBodyBytes: 64 * 1024 });
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await app.request("/v1/tasks/t/runs", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(64); // stopped reading early
    expect((await rowCounts(t.db)).executions).toBe(0);
  });

  it("names the offending field in details.field", async () => {
    const { app } = appFor(t);
    const reply = await call(app, "POST", "/v1/tasks/t/runs", { inputs: {}, priority: "high" });
    expect(reply.body.error).toMatchObject({
      message: expect.stringContaining("priority"),
      details: { field: "priority", received: "string" },
    });
  });

  it("stores SQL metacharacters and unicode in payloads and keys exactly as sent", async () => {
    const { app } = appFor(t);
    const inputs = {
      sql: SQL,
      quote: 'it\'s "quoted" \\ back',
      unicode: "héllo ✓ 😀 工作流 \u202e",
      nul: "a\u0000b",
      keys: { "z": 1, "'": 2, "": 3, "😀": 4 },
    };
    const key = `${SQL} 😀`;
    const reply = await call(app, "POST", "/v1/tasks/t/runs", { inputs, idempotencyKey: key });
    expect(reply.status).toBe(201);
    const stored = await getExecution(t.db, reply.body.id);
    expect(JSON.stringify(stored!.inputs)).toBe(JSON.stringify(inputs));
    expect(stored!.idempotencyKey).toBe(key);
    const again = await call(app, "POST", "/v1/tasks/t/runs", { inputs, idempotencyKey: key });
    expect(again).toMatchObject({ status: 200, body: { id: reply.body.id } });
  });

  it("refuses deeply nested payloads with 400 and accepts wide ones", async () => {
    const { app, lines } = appFor(t);
    const deep = "[".repeat(50_000) + "]".repeat(50_000);
    const reply = await call(app, "POST", "/v1/tasks/t/runs", `{"inputs": ${deep}}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error.details.field).toBe("inputs");
    expect(lines.filter((l) => l.startsWith("error"))).toEqual([]);
    expect((await rowCounts(t.db)).executions).toBe(0);
    const wide = await call(app, "POST", "/v1/tasks/t/runs", {
      inputs: new Array(300_000).fill(0),
    });
    expect(wide.status).toBe(201);
  });
});
