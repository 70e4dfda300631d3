/**
 * Helpers of the HTTP suites: an app on the test database, a one-line request helper, and row
 * counts to prove that a refused request wrote nothing.
 *
 * @module
 */
import type { Hono } from "hono";
import type { Db } from "../../worker/db/driver.ts";
import { createHttpApp, type HttpAppOptions } from "../../worker/http.ts";
import type { TestDatabase } from "../helpers/db.ts";

/** A response, its body parsed (JSON when it is JSON, else text). */
export interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
  text: string;
}

/**
 * The app on `t.db` with a logger that keeps lines (`lines`) instead of printing.
 *
 * @example
 * ```ts
 * const { app } = appFor(t);
 * ```
 */
export function appFor(
  t: TestDatabase,
  options: Partial<HttpAppOptions> = {},
): { app: Hono; lines: string[] } {
  const lines: string[] = [];
  const app = createHttpApp({
    db: t.db,
    logger: (level, message) => void lines.push(`${level} ${message}`),
    ssePollMs: 20,
    ...options,
  });
  return { app, lines };
}

/**
 * Sends a request through `app.request()`; `body` is JSON-encoded unless it is a string.
 *
 * @example
 * ```ts
 * const reply = await call(app, "POST", "/v1/tasks/greet/runs", { inputs: 1 });
 * ```
 */
export async function call(
  app: Hono,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const response = await app.request(path, init);
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/**
 * Rows in the tables a request could write to.
 *
 * @example
 * ```ts
 * expect(await rowCounts(t.db)).toEqual({ executions: 0, events: 0, signals: 0, definitions: 0 });
 * ```
 */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const [row] = await db.query<Record<string, number>>(
    `select (select count(*) from executions)::int as executions,
            (select count(*) from events)::int as events,
            (select count(*) from signals)::int as signals,
            (select count(*) from workflow_definitions)::int as definitions`,
  );
  return row;
}
