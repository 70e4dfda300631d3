/**
 * Operational routes: `GET /health` (public even with auth: database reachable and migrations
 * current, 200 or 503), `GET /metrics` (Prometheus text), `GET /v1/openapi.json`.
 *
 * @module
 */
import type { Hono } from "hono";
import { migrations } from "../migrations.generated.ts";
import { appliedMigration, countExecutions } from "../queries/http-stats.ts";
import type { RouteDeps } from "./deps.ts";
import { renderMetrics } from "./metrics.ts";
import { openApiDocument } from "./openapi.ts";

/** The health report. */
export interface Health {
  status: "ok" | "unavailable";
  database: "reachable" | "unreachable";
  migrations: { applied: number | null; latest: number; current: boolean };
}

/**
 * Checks the database and the schema version.
 *
 * @example
 * ```ts
 * const health = await checkHealth(deps);
 * ```
 */
export async function checkHealth(deps: RouteDeps): Promise<Health> {
  const latest = migrations.length;
  try {
    const applied = await appliedMigration(deps.db);
    const current = applied === latest;
    return {
      status: current ? "ok" : "unavailable",
      database: "reachable",
      migrations: { applied, latest, current },
    };
  } catch (error) {
    deps.logger("warn", `http: health check failed: ${(error as Error).message}`);
    return {
      status: "unavailable",
      database: "unreachable",
      migrations: { applied: null, latest, current: false },
    };
  }
}

/**
 * Adds the operational routes to `app`.
 *
 * @example
 * ```ts
 * addOpsRoutes(app, deps);
 * ```
 */
export function addOpsRoutes(app: Hono, deps: RouteDeps): void {
  app.get("/health", async (c) => {
    const health = await checkHealth(deps);
    return c.json(health, health.status === "ok" ? 200 : 503);
  });

  app.get("/metrics", async (c) => {
    const text = renderMetrics(await countExecutions(deps.db), deps.metrics);
    return c.body(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });

  app.get("/v1/openapi.json", (c) => c.json(openApiDocument()));
}
