/**
 * The live event stream of one execution (`GET /v1/executions/{id}/events` with
 * `Accept: text/event-stream`): every event as a server-sent event (`id:` the event id, `data:`
 * the event JSON), then one `event: end` whose data is the finished execution, then the stream
 * closes. It reads the database every `ssePollMs` (events carry no NOTIFY) and sends a comment
 * line every 15 s of silence so proxies keep the connection. A client that reconnects with
 * `Last-Event-ID` resumes after that event.
 *
 * @module
 */
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { getExecution } from "../client.ts";
import { FINAL_STATUSES } from "../execution.ts";
import { selectEvents } from "../queries/read.ts";
import type { RouteDeps } from "./deps.ts";
import { eventJson, executionJson } from "./present.ts";
import { queryInteger } from "./validate.ts";

const PAGE = 500;
const KEEPALIVE_MS = 15_000;

/**
 * Answers with the event stream of execution `id` (which must exist).
 *
 * @example
 * ```ts
 * if (c.req.header("accept")?.includes("text/event-stream")) return streamEvents(c, deps, id);
 * ```
 */
export function streamEvents(c: Context, deps: RouteDeps, id: string): Response {
  const after = queryInteger("Last-Event-ID", c.req.header("last-event-id"), 0, 2 ** 53) ?? 0;
  return streamSSE(c, (stream) => pump(stream, deps, id, after), async (error, stream) => {
    deps.logger("error", `http: event stream of ${id} failed: ${error.message}`);
    await stream.writeSSE({ event: "error", data: JSON.stringify({ code: "internal" }) });
  });
}

async function pump(stream: SSEStreamingApi, deps: RouteDeps, id: string, start: number) {
  let after = start;
  let quietSince = Date.now();
  const send = async () => {
    for (;;) {
      const events = await selectEvents(deps.db, id, { afterId: after, limit: PAGE });
      for (const event of events) {
        await stream.writeSSE({ id: String(event.id), data: JSON.stringify(eventJson(event)) });
        after = event.id;
        quietSince = Date.now();
      }
      if (events.length < PAGE) return;
    }
  };
  while (!stream.aborted && !stream.closed) {
    await send();
    const execution = await getExecution(deps.db, id);
    if (!execution || FINAL_STATUSES.includes(execution.status)) {
      await send(); // the final transition's event committed with the status
      const data = execution ? executionJson(execution) : { id, status: "deleted" };
      await stream.writeSSE({ event: "end", data: JSON.stringify(data) });
      return;
    }
    if (Date.now() - quietSince >= KEEPALIVE_MS) {
      await stream.write(": keep-alive\n\n");
      quietSince = Date.now();
    }
    await stream.sleep(deps.ssePollMs);
  }
}
