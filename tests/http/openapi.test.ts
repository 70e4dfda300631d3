import { expect, it } from "vitest";
import { queueTask } from "../../worker/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { appFor, call, type Reply } from "./helpers.ts";
import { validate } from "./schema.ts";

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

forEachDriver("http: OpenAPI document", (t) => {
  it("lists exactly the routes of the app, no more and no fewer", async () => {
    const { app } = appFor(t);
    const doc = (await call(app, "GET", "/v1/openapi.json")).body as Doc;
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)
    );
    const routed = app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(new Set(routed).size).toBe(routed.length);
    expect([...routed].sort()).toEqual([...documented].sort());
  });

  it("describes the responses the routes actually give", async () => {
    const { app } = appFor(t, { workflows: {} });
    const doc = (await call(app, "GET", "/v1/openapi.json")).body as Doc;
    const conforms = (path: string, method: string, reply: Reply) => {
      const declared = doc.paths[path][method].responses[String(reply.status)];
      expect(declared, `${method} ${path} ${reply.status} is declared`).toBeDefined();
      const schema = declared.content?.["application/json"]?.schema;
      if (schema) expect(validate(doc, schema, reply.body), `${method} ${path}`).toEqual([]);
    };
    const started = await call(app, "POST", "/v1/tasks/greet/runs", { inputs: { a: 1 } });
    conforms("/v1/tasks/{name}/runs", "post", started);
    const id = started.body.id;
    await queueTask(t.db, "greet", { b: 2 });
    conforms("/v1/executions/{id}", "get", await call(app, "GET", `/v1/executions/${id}`));
    conforms("/v1/executions", "get", await call(app, "GET", "/v1/executions?limit=1"));
    conforms(
      "/v1/executions/{id}/events",
      "get",
      await call(app, "GET", `/v1/executions/${id}/events`),
    );
    conforms(
      "/v1/executions/{id}/cancel",
      "post",
      await call(app, "POST", `/v1/executions/${id}/cancel`),
    );
    conforms(
      "/v1/executions/{id}/signals/{name}",
      "post",
      await call(app, "POST", `/v1/executions/${id}/signals/go`, {}),
    );
    conforms("/v1/workflows", "get", await call(app, "GET", "/v1/workflows"));
    conforms("/v1/workflows/{name}", "get", await call(app, "GET", "/v1/workflows/nope"));
    conforms(
      "/v1/workflows/{name}/runs",
      "post",
      await call(app, "POST", "/v1/workflows/nope/runs", { inputs: 1 }),
    );
    conforms(
      "/v1/tasks/{name}/runs",
      "post",
      await call(app, "POST", "/v1/tasks/greet/runs", "{oops"),
    );
    conforms("/health", "get", await call(app, "GET", "/health"));
  });

  it("describes the workflow routes' responses", async () => {
    const { app } = appFor(t);
    const doc = (await call(app, "GET", "/v1/openapi.json")).body as Doc;
    const conforms = (path: string, method: string, reply: Reply) => {
      const declared = doc.paths[path][method].responses[String(reply.status)];
      expect(declared, `${method} ${path} ${reply.status} is declared`).toBeDefined();
      const schema = declared.content["application/json"].schema;
      expect(validate(doc, schema, reply.body), `${method} ${path}`).toEqual([]);
    };
    const source = { name: "greet", source: "return 1" };
    conforms("/v1/workflows", "post", await call(app, "POST", "/v1/workflows", source));
    conforms("/v1/workflows", "post", await call(app, "POST", "/v1/workflows", source));
    conforms(
      "/v1/workflows",
      "post",
      await call(app, "POST", "/v1/workflows", { name: "bad", source: "return (" }),
    );
    conforms("/v1/workflows", "get", await call(app, "GET", "/v1/workflows"));
    conforms("/v1/workflows/{name}", "get", await call(app, "GET", "/v1/workflows/greet"));
    const started = await call(app, "POST", "/v1/workflows/greet/runs", { idempotencyKey: "k" });
    conforms("/v1/workflows/{name}/runs", "post", started);
    conforms(
      "/v1/workflows/{name}/runs",
      "post",
      await call(app, "POST", "/v1/workflows/greet/runs", { idempotencyKey: "k" }),
    );
    conforms(
      "/v1/workflows/{name}/runs",
      "post",
      await call(app, "POST", "/v1/workflows/nope/runs", {}),
    );
    conforms(
      "/v1/executions/{id}/signals/{name}",
      "post",
      await call(app, "POST", `/v1/executions/${started.body.id}/signals/go`, { payload: 1 }),
    );
    conforms(
      "/v1/executions/{id}",
      "get",
      await call(app, "GET", `/v1/executions/${started.body.id}`),
    );
  });

  it("checks itself: the validator rejects a response that breaks the schema", async () => {
    const { app } = appFor(t);
    const doc = (await call(app, "GET", "/v1/openapi.json")).body as Doc;
    const problems = validate(doc, { $ref: "#/components/schemas/Started" }, {
      id: 1,
      status: "done",
    });
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });
});
