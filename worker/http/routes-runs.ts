/**
 * Starting runs: `POST /v1/tasks/{name}/runs` and `POST /v1/workflows/{name}/runs` with
 * `{ inputs, idempotencyKey?, queue?, priority? }`. 201 `{ id, status }` for a new execution,
 * 200 with the existing execution when the idempotency key repeats.
 *
 * Task names are not checked against a list (the tasks live in the workers, which may start
 * later); workflow names must be registered (404 otherwise).
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { getExecution } from "../client.ts";
import { HttpError } from "./errors.ts";
import type { RouteDeps, StartOptions } from "./deps.ts";
import { startTask } from "./start-task.ts";
import { checkDepth, checkInteger, checkName, checkText, readJsonObject } from "./validate.ts";

const FIELDS = ["inputs", "idempotencyKey", "queue", "priority"] as const;
const INT32 = 2 ** 31;

async function readStart(c: Context, maxPayloadBytes: number): Promise<StartOptions> {
  const body = await readJsonObject(c.req.raw, FIELDS);
  return {
    inputs: checkDepth("inputs", body.inputs ?? null),
    idempotencyKey: body.idempotencyKey === undefined
      ? undefined
      : checkText("idempotencyKey", body.idempotencyKey, 256),
    queue: body.queue === undefined ? undefined : checkName("queue", body.queue),
    priority: checkInteger("priority", body.priority, -INT32, INT32 - 1),
    maxPayloadBytes,
  };
}

async function answer(c: Context, deps: RouteDeps, started: { id: string; created: boolean }) {
  const execution = await getExecution(deps.db, started.id);
  const status = execution?.status ?? "pending";
  return c.json({ id: started.id, status, created: started.created }, started.created ? 201 : 200);
}

/**
 * Adds the two start routes to `app`.
 *
 * @example
 * ```ts
 * addRunRoutes(app, deps);
 * ```
 */
export function addRunRoutes(app: Hono, deps: RouteDeps): void {
  app.post("/v1/tasks/:name/runs", async (c) => {
    const name = checkName("name", c.req.param("name"));
    const options = await readStart(c, deps.maxPayloadBytes);
    return answer(c, deps, await startTask(deps.db, { name, ...options }, deps.maxPayloadBytes));
  });

  app.post("/v1/workflows/:name/runs", async (c) => {
    const name = checkName("name", c.req.param("name"));
    const options = await readStart(c, deps.maxPayloadBytes);
    const start = deps.workflows.start;
    if (!start) throw notImplemented("starting workflows");
    return answer(c, deps, await start(deps.db, name, options));
  });
}

/**
 * A 501 for an operation this build of the engine does not provide.
 *
 * @example
 * ```ts
 * throw notImplemented("sending signals");
 * ```
 */
export function notImplemented(what: string): HttpError {
  return new HttpError(501, "not_implemented", `${what} is not available in this build of Rhythm`);
}
