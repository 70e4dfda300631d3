/**
 * The HTTP API of Rhythm as a Hono app: a value that never listens by itself. Serve it with
 * `deno serve` (see `serve.ts`), `Deno.serve(app.fetch)`, any fetch-style server, or call
 * `app.request()` in tests. Routes, statuses and auth are in `docs/http.md` and in the OpenAPI
 * document at `/v1/openapi.json`.
 *
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Db } from "./db/driver.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import { DEFAULT_PAYLOAD_LIMIT } from "./payload.ts";
import { bearerAuth } from "./http/auth.ts";
import type { RouteDeps, WorkflowOperations } from "./http/deps.ts";
import { errorHandler, HttpError } from "./http/errors.ts";
import { type MetricsRegistry, processMetrics } from "./http/metrics.ts";
import { addExecutionRoutes } from "./http/routes-executions.ts";
import { addOpsRoutes } from "./http/routes-ops.ts";
import { addRunRoutes } from "./http/routes-runs.ts";
import { addWorkflowRoutes } from "./http/routes-workflows.ts";
import { defaultWorkflowOperations } from "./http/workflow-operations.ts";

export { HttpError } from "./http/errors.ts";
export type { RegisterResult, StartOptions, WorkflowOperations } from "./http/deps.ts";
export { parseTokens } from "./http/auth.ts";
export { createMetricsRegistry, type MetricsRegistry, processMetrics } from "./http/metrics.ts";

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** The engine database (migrated). */
  db: Db;
  /** Accepted bearer tokens; empty or absent: no auth (bind to localhost!). */
  tokens?: readonly string[];
  /** Largest inputs / signal payload in bytes of JSON (default 1 MiB): 413 above. */
  maxPayloadBytes?: number;
  /** Largest request body in bytes (default `maxPayloadBytes` + 64 KiB): 413 above. */
  maxBodyBytes?: number;
  /** Histograms for `/metrics` (default: the process-wide registry). */
  metrics?: MetricsRegistry;
  /** Where server errors are logged (default: console). */
  logger?: Logger;
  /** How often an event stream polls, in ms (default 250). */
  ssePollMs?: number;
  /** The workflow operations (default: the engine's). */
  workflows?: WorkflowOperations;
}

/** Paths that never need a token. */
export const PUBLIC_PATHS = ["/health"] as const;

/**
 * Builds the app.
 *
 * @example
 * ```ts
 * import { connect, migrate } from "./worker/mod.ts";
 * import { createHttpApp } from "./worker/http.ts";
 * const db = await connect();
 * await migrate(db);
 * const app = createHttpApp({ db, tokens: ["s3cret"] });
 * const res = await app.request("/health");
 * console.log(res.status, await res.json()); // 200 { status: "ok", … }
 * ```
 */
export function createHttpApp(options: HttpAppOptions): Hono {
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_PAYLOAD_LIMIT;
  const deps: RouteDeps = {
    db: options.db,
    maxPayloadBytes,
    metrics: options.metrics ?? processMetrics(),
    logger: options.logger ?? consoleLogger,
    ssePollMs: options.ssePollMs ?? 250,
    workflows: options.workflows ?? defaultWorkflowOperations,
  };
  const app = new Hono();
  app.onError(errorHandler(deps.logger));
  app.notFound((c) =>
    c.json({
      error: {
        code: "route_not_found",
        message: `no route ${c.req.method} ${c.req.path}`,
        details: {},
      },
    }, 404)
  );
  app.use("*", bearerAuth(options.tokens ?? [], PUBLIC_PATHS));
  app.use(
    "*",
    bodyLimit({
      maxSize: options.maxBodyBytes ?? maxPayloadBytes + 64 * 1024,
      onError: () => {
        throw new HttpError(413, "body_too_large", "the request body is over the size limit");
      },
    }),
  );
  addRunRoutes(app, deps);
  addExecutionRoutes(app, deps);
  addWorkflowRoutes(app, deps);
  addOpsRoutes(app, deps);
  return app;
}
