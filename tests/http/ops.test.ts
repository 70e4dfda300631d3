import { expect, it } from "vitest";
import { queueTask } from "../../worker/client.ts";
import type { Db } from "../../worker/db/driver.ts";
import { createMetricsRegistry } from "../../worker/http/metrics.ts";
import { migrations } from "../../worker/migrations.generated.ts";
import { observeClaim } from "../../worker/tracing.ts";
import { defineTask } from "../../worker/tasks.ts";
import { forEachDriver } from "../helpers/db.ts";
import { finished, startWorker } from "../helpers/engine.ts";
import { appFor, call } from "./helpers.ts";

forEachDriver("http: health, metrics, errors", (t) => {
  it("reports health: database reachable and migrations current", async () => {
    const { app } = appFor(t);
    const reply = await call(app, "GET", "/health");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      status: "ok",
      database: "reachable",
      migrations: { applied: migrations.length, latest: migrations.length, current: true },
    });
  });

  it("reports 503 when the database cannot be reached, without its error text", async () => {
    const broken = {
      ...t.db,
      query: () => Promise.reject(new Error("connection refused 10.0.0.7")),
    };
    const { app, lines } = appFor(t, { db: broken as Db });
    const reply = await call(app, "GET", "/health");
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ status: "unavailable", database: "unreachable" });
    expect(reply.text).not.toContain("10.0.0.7");
    expect(lines.join("\n")).toContain("10.0.0.7");
  });

  it("answers 500 with a generic message and logs the real error", async () => {
    const broken = { ...t.db, query: () => Promise.reject(new Error("secret detail")) };
    const { app, lines } = appFor(t, { db: broken as Db });
    const reply = await call(app, "GET", "/v1/executions");
    expect(reply.status).toBe(500);
    expect(reply.body.error.code).toBe("internal");
    expect(reply.text).not.toContain("secret detail");
    expect(reply.text).not.toMatch(/at .*\.ts/);
    expect(lines.join("\n")).toContain("secret detail");
  });

  it("answers unknown routes with a JSON 404", async () => {
    const { app } = appFor(t);
    const reply = await call(app, "GET", "/v2/nothing");
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("route_not_found");
  });

  it("exposes execution counts and observed histograms in Prometheus text", async () => {
    const metrics = createMetricsRegistry();
    t.defer(() => metrics.close());
    const { app } = appFor(t, { metrics });
    const echo = defineTask("echo", (x: unknown) => x);
    await startWorker(t, { tasks: [echo] });
    await finished(t.db, await queueTask(t.db, echo, 1));
    await queueTask(t.db, "later", {}, { queue: 'q"x' });
    observeClaim("default", 3);
    const reply = await call(app, "GET", "/metrics");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = reply.text;
    expect(text).toContain('rhythm_executions{queue="default",kind="task",status="completed"} 1');
    expect(text).toContain('rhythm_executions{queue="q\\"x",kind="task",status="pending"} 1');
    expect(text).toContain('rhythm_task_duration_seconds_count{task="echo",outcome="ok"} 1');
    expect(text).toMatch(/rhythm_claim_latency_seconds_count\{queue="default"\} [2-9]/);
    expect(text).toMatch(/rhythm_claim_latency_seconds_bucket\{queue="default",le="0.005"\} [1-9]/);
    expect(text).toContain("# TYPE rhythm_workflow_step_duration_seconds histogram");
    for (const line of text.trim().split("\n")) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [0-9.e+-]+)$/);
    }
  });
});
