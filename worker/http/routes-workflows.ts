/**
 * Workflow definitions over HTTP: list them, read one's versions and sources, and register a
 * source (`POST /v1/workflows { name, source }`) for deployments with no filesystem. A source
 * with errors is refused with 422 and its diagnostics as data (line, column, code, message).
 *
 * @module
 */
import type { Hono } from "hono";
import { selectWorkflowSummaries, selectWorkflowVersions } from "../queries/http-workflows.ts";
import type { RouteDeps } from "./deps.ts";
import { HttpError, invalidField } from "./errors.ts";
import { notImplemented } from "./routes-runs.ts";
import { checkName, readJsonObject } from "./validate.ts";

const iso = (date: Date) => new Date(date).toISOString();

/**
 * Adds the workflow definition routes to `app`.
 *
 * @example
 * ```ts
 * addWorkflowRoutes(app, deps);
 * ```
 */
export function addWorkflowRoutes(app: Hono, deps: RouteDeps): void {
  app.get("/v1/workflows", async (c) => {
    const rows = await selectWorkflowSummaries(deps.db);
    const workflows = rows.map((r) => ({ ...r, updatedAt: iso(r.updatedAt) }));
    return c.json({ workflows });
  });

  app.get("/v1/workflows/:name", async (c) => {
    const name = checkName("name", c.req.param("name"));
    const rows = await selectWorkflowVersions(deps.db, name);
    if (rows.length === 0) {
      throw new HttpError(404, "workflow_not_found", `no workflow named ${name}`, { name });
    }
    const versions = rows.map((r) => ({ ...r, createdAt: iso(r.createdAt) }));
    const [current] = await selectWorkflowSummaries(deps.db, name);
    return c.json({ name, currentVersion: current?.currentVersion ?? null, versions });
  });

  app.post("/v1/workflows", async (c) => {
    const body = await readJsonObject(c.req.raw, ["name", "source"]);
    const name = checkName("name", body.name);
    if (typeof body.source !== "string") {
      throw invalidField("source", "must be a string", body.source);
    }
    if (body.source.length > deps.maxPayloadBytes) {
      throw new HttpError(413, "payload_too_large", "source is over the size limit", {
        limit: deps.maxPayloadBytes,
      });
    }
    const register = deps.workflows.register;
    if (!register) throw notImplemented("registering workflows");
    const result = await register(deps.db, name, body.source);
    if (!result.ok) {
      throw new HttpError(422, "invalid_workflow", `workflow ${name} has errors`, {
        name,
        diagnostics: result.diagnostics,
      });
    }
    const { ok: _ok, ...registered } = result;
    return c.json(registered, result.change === "unchanged" ? 200 : 201);
  });
}
