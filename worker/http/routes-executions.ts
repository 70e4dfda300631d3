/**
 * Reading and steering executions: get one (with version and children), list with filters and
 * a cursor, read or stream its events, send it a signal, cancel it.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { cancelExecution, getExecution, getExecutionEvents, listExecutions } from "../client.ts";
import { type Execution, FINAL_STATUSES } from "../execution.ts";
import { encodePayload } from "../payload.ts";
import { selectExecutionExtras } from "../queries/http-execution.ts";
import type { RouteDeps } from "./deps.ts";
import { HttpError } from "./errors.ts";
import { eventJson, executionJson } from "./present.ts";
import { notImplemented } from "./routes-runs.ts";
import { streamEvents } from "./sse.ts";
import {
  checkDepth,
  checkId,
  checkName,
  checkOneOf,
  checkText,
  queryInteger,
  readJsonObject,
} from "./validate.ts";

const STATUSES = ["pending", "running", "suspended", "completed", "failed", "cancelled"] as const;
const KINDS = ["task", "workflow"] as const;
const LIST_PARAMS = ["status", "name", "queue", "kind", "limit", "cursor"];
/** Largest page; a page reads one row more to know if more follow, within the engine's cap of 1000. */
const MAX_PAGE = 500;

async function found(deps: RouteDeps, id: string): Promise<Execution> {
  const execution = await getExecution(deps.db, id);
  if (!execution) {
    throw new HttpError(404, "execution_not_found", `execution ${id} not found`, { id });
  }
  return execution;
}

async function list(c: Context, deps: RouteDeps) {
  for (const key of Object.keys(c.req.query())) {
    if (!LIST_PARAMS.includes(key)) {
      throw new HttpError(400, "invalid_field", `${key} is not a filter of this list`, {
        field: key,
        allowed: LIST_PARAMS,
      });
    }
  }
  const q = (key: string) => c.req.query(key);
  const limit = queryInteger("limit", q("limit"), 1, MAX_PAGE) ?? 50;
  const executions = await listExecutions(deps.db, {
    status: checkOneOf("status", q("status"), STATUSES),
    name: q("name") === undefined ? undefined : checkName("name", q("name")),
    queue: q("queue") === undefined ? undefined : checkName("queue", q("queue")),
    kind: checkOneOf("kind", q("kind"), KINDS),
    before: q("cursor") === undefined ? undefined : checkId(q("cursor"), "cursor"),
    limit: limit + 1,
  });
  const page = executions.slice(0, limit);
  const nextCursor = executions.length > limit ? page[page.length - 1].id : null;
  return c.json({ executions: page.map(executionJson), nextCursor });
}

async function detail(c: Context, deps: RouteDeps) {
  const id = checkId(c.req.param("id"));
  const execution = await found(deps, id);
  const extras = await selectExecutionExtras(deps.db, id);
  return c.json({ ...executionJson(execution), ...(extras ?? { version: null, children: [] }) });
}

async function events(c: Context, deps: RouteDeps) {
  const id = checkId(c.req.param("id"));
  await found(deps, id);
  if ((c.req.header("accept") ?? "").includes("text/event-stream")) {
    return streamEvents(c, deps, id);
  }
  const history = await getExecutionEvents(deps.db, id);
  return c.json({ events: history.map(eventJson) });
}

async function signal(c: Context, deps: RouteDeps) {
  const id = checkId(c.req.param("id"));
  const name = checkText("name", c.req.param("name"), 128);
  const body = await readJsonObject(c.req.raw, ["payload"]);
  const execution = await found(deps, id);
  if (execution.kind !== "workflow") {
    throw new HttpError(
      409,
      "not_a_workflow",
      `execution ${id} is a task: only workflows take signals`,
      {
        id,
      },
    );
  }
  if (FINAL_STATUSES.includes(execution.status)) {
    throw new HttpError(409, "execution_finished", `execution ${id} is ${execution.status}`, {
      id,
      status: execution.status,
    });
  }
  const payload = checkDepth("payload", body.payload ?? null);
  encodePayload(payload, "payload", deps.maxPayloadBytes); // 413 before anything is written
  const send = deps.workflows.signal;
  if (!send) throw notImplemented("sending signals");
  await send(deps.db, id, name, payload, deps.maxPayloadBytes);
  return c.json({ id, signal: name, accepted: true }, 202);
}

async function cancel(c: Context, deps: RouteDeps) {
  const id = checkId(c.req.param("id"));
  const body = await readJsonObject(c.req.raw, ["reason"]);
  const reason = body.reason === undefined ? undefined : checkText("reason", body.reason, 1000);
  const cancelled = await cancelExecution(deps.db, id, { reason });
  const execution = await found(deps, id);
  return c.json({ id, status: execution.status, cancelled });
}

/**
 * Adds the execution routes to `app`.
 *
 * @example
 * ```ts
 * addExecutionRoutes(app, deps);
 * ```
 */
export function addExecutionRoutes(app: Hono, deps: RouteDeps): void {
  app.get("/v1/executions", (c) => list(c, deps));
  app.get("/v1/executions/:id", (c) => detail(c, deps));
  app.get("/v1/executions/:id/events", (c) => events(c, deps));
  app.post("/v1/executions/:id/signals/:name", (c) => signal(c, deps));
  app.post("/v1/executions/:id/cancel", (c) => cancel(c, deps));
}
