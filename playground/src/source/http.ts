/**
 * The dashboard's data source: a Rhythm deployment's HTTP API (issue 6, `worker/http.ts`).
 * Responses are normalised into the inspector's shapes, accepting camelCase or snake_case
 * fields and ISO or epoch timestamps, so small API changes do not break the dashboard.
 * Changes are discovered by polling (the API's SSE stream is per execution).
 * @module
 */
import { timelineType } from "./event-types.ts";
import type {
  DataSource,
  Execution,
  ExecutionError,
  ExecutionEvent,
  ExecutionFilter,
  ExecutionStatus,
} from "./types.ts";

type Json = Record<string, unknown>;

function pick(row: Json, ...keys: string[]): unknown {
  for (const key of keys) if (row[key] !== undefined) return row[key];
  return undefined;
}

function time(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Date.parse(value) || Number(value) || 0;
  return 0;
}

function list(body: unknown, ...keys: string[]): Json[] {
  if (Array.isArray(body)) return body as Json[];
  const value = pick((body ?? {}) as Json, ...keys);
  return Array.isArray(value) ? value as Json[] : [];
}

/**
 * Converts one execution from the API into the inspector's shape.
 * @example
 * ```ts
 * toExecution({ id: "1", kind: "workflow", name: "x", status: "completed", created_at: "2026-01-01T00:00:00Z" }).createdAt;
 * // 1767225600000
 * ```
 */
export function toExecution(row: Json): Execution {
  const error = pick(row, "error") as ExecutionError | null | undefined;
  const line = pick(row, "waitingLine", "waiting_line", "line") as number | undefined;
  const on = pick(row, "waitingOn", "waiting_on") as string | undefined;
  return {
    id: String(row.id),
    kind: pick(row, "kind") === "task" ? "task" : "workflow",
    name: String(pick(row, "name", "workflow", "task") ?? "?"),
    status: String(row.status) as ExecutionStatus,
    parent: (pick(row, "parent", "parentId", "parent_id") as string | null | undefined) ?? null,
    inputs: pick(row, "inputs"),
    output: pick(row, "output"),
    error: error ?? null,
    attempts: Number(pick(row, "attempts") ?? 0),
    createdAt: time(pick(row, "createdAt", "created_at")),
    updatedAt: time(pick(row, "updatedAt", "updated_at", "createdAt", "created_at")),
    waiting: (pick(row, "waiting") as Execution["waiting"]) ??
      (on || line ? { on: on ?? "", line } : null),
  };
}

/**
 * Converts one event from the API into the inspector's shape.
 * @example
 * ```ts
 * toEvent({ id: 3, type: "step", at: "2026-01-01T00:00:00Z", data: {} }, "e1").type;
 * // "step.committed"
 * ```
 */
export function toEvent(
  row: Json,
  execution: string,
  kind: "workflow" | "task" = "workflow",
): ExecutionEvent {
  const type = String(pick(row, "type", "event") ?? "event");
  return {
    seq: Number(pick(row, "seq", "id") ?? 0),
    execution: String(pick(row, "execution", "executionId", "execution_id") ?? execution),
    type: type.includes(".") ? type : timelineType(kind, type),
    at: time(pick(row, "at", "createdAt", "created_at", "time")),
    line: pick(row, "line") as number | undefined,
    data: pick(row, "data", "payload", "details"),
    snapshot: pick(row, "snapshot", "variables"),
  };
}

/**
 * The inspector's data from a Rhythm HTTP API.
 * @example
 * ```ts
 * const source = new HttpSource("http://127.0.0.1:8080", localStorage.token);
 * const runs = await source.listExecutions({ status: "failed" });
 * ```
 */
export class HttpSource implements DataSource {
  readonly label: string;
  #base: string;
  #token?: string;
  #pollMs: number;

  constructor(base: string, token?: string, pollMs = 1000) {
    this.#base = base.replace(/\/+$/, "");
    this.#token = token || undefined;
    this.#pollMs = pollMs;
    this.label = `API ${this.#base || location.origin}`;
  }

  async listExecutions(filter: ExecutionFilter = {}): Promise<Execution[]> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const body = await this.#request("GET", `/v1/executions?${query}`);
    return list(body, "executions", "items", "data").map(toExecution);
  }

  async getExecution(id: string): Promise<Execution> {
    const body = await this.#request("GET", `/v1/executions/${encodeURIComponent(id)}`) as Json;
    return toExecution((body.execution ?? body) as Json);
  }

  async listEvents(id: string): Promise<ExecutionEvent[]> {
    const { kind } = await this.getExecution(id);
    const body = await this.#request("GET", `/v1/executions/${encodeURIComponent(id)}/events`);
    return list(body, "events", "items", "data").map((row) => toEvent(row, id, kind));
  }

  async sendSignal(id: string, name: string, payload: unknown): Promise<void> {
    const path = `/v1/executions/${encodeURIComponent(id)}/signals/${encodeURIComponent(name)}`;
    await this.#request("POST", path, { payload });
  }

  async cancel(id: string): Promise<void> {
    await this.#request("POST", `/v1/executions/${encodeURIComponent(id)}/cancel`, {});
  }

  subscribe(onChange: () => void): () => void {
    const timer = setInterval(onChange, this.#pollMs);
    return () => clearInterval(timer);
  }

  async #request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    const response = await fetch(this.#base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new Error(
        `${method} ${path} failed (${response.status} ${error?.code ?? ""}): ${
          error?.message ?? text
        }`,
      );
    }
    return parsed;
  }
}
