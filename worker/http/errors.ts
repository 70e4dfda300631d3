/**
 * The one error type of the HTTP API and its mapping to a response. Every failure a route can
 * meet ends here, in `app.onError`: an {@link HttpError} keeps its status and code; the engine's
 * errors map to theirs (`PayloadTooLargeError` → 413, `ExecutionNotFoundError` and
 * `WorkflowNotFoundError` → 404, `SignalRejectedError` → 409); anything
 * else is a 500 whose body says only "internal error" (never a message or stack trace of the
 * server; the full error goes to the logger).
 *
 * Body: `{ "error": { "code": "invalid_field", "message": "…", "details": { … } } }`.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../logger.ts";

/** The HTTP statuses the API answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 501 | 503;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/**
 * A refused request: status, stable `code`, a message for people and `details` for programs.
 *
 * @example
 * ```ts
 * throw new HttpError(404, "workflow_not_found", "no workflow named checkout", { name: "checkout" });
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: ErrorStatus;
  /** A stable, machine-readable code, e.g. `invalid_field`. */
  readonly code: string;
  /** Structured facts about the error (the offending field, a limit, diagnostics…). */
  readonly details: Record<string, unknown>;
  /** Creates the error. */
  constructor(
    status: ErrorStatus,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * A 400 for one bad field of the request (body, query or path), naming it.
 *
 * @example
 * ```ts
 * throw invalidField("priority", "must be an integer", 1.5);
 * ```
 */
export function invalidField(field: string, rule: string, value?: unknown): HttpError {
  const details: Record<string, unknown> = { field };
  if (value !== undefined) details.received = describeType(value);
  return new HttpError(400, "invalid_field", `${field} ${rule}`, details);
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * Converts anything thrown by a route into an {@link HttpError}; `log` receives the errors
 * that are the server's fault (500).
 *
 * @example
 * ```ts
 * const error = toHttpError(new PayloadTooLargeError("inputs", 2e6, 1e6), () => {});
 * error.status; // 413
 * ```
 */
export function toHttpError(error: unknown, log: (error: unknown) => void): HttpError {
  if (error instanceof HttpError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "PayloadTooLargeError") {
    const { bytes, limit } = error as { bytes: number; limit: number };
    return new HttpError(413, "payload_too_large", (error as Error).message, { bytes, limit });
  }
  if (name === "ExecutionNotFoundError") {
    const id = (error as { id: string }).id;
    return new HttpError(404, "execution_not_found", `execution ${id} not found`, { id });
  }
  if (name === "SignalRejectedError") {
    return new HttpError(409, "signal_rejected", (error as Error).message);
  }
  if (name === "WorkflowNotFoundError") {
    return new HttpError(404, "workflow_not_found", (error as Error).message);
  }
  if (error instanceof HTTPException && error.status === 413) {
    return new HttpError(413, "body_too_large", "the request body is over the size limit");
  }
  if (error instanceof HTTPException && error.status < 500) {
    return new HttpError(400, "bad_request", error.message || "bad request");
  }
  log(error);
  return new HttpError(500, "internal", "internal error: see the server log");
}

/**
 * The JSON body for an error.
 *
 * @example
 * ```ts
 * errorBody(new HttpError(409, "execution_finished", "execution x is completed"));
 * ```
 */
export function errorBody(error: HttpError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

/**
 * The `app.onError` handler: every error to its JSON response.
 *
 * @example
 * ```ts
 * app.onError(errorHandler(consoleLogger));
 * ```
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, c: { json: (body: ErrorBody, status: ErrorStatus) => Response }) => {
    const mapped = toHttpError(error, (e) => {
      const text = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);
      logger("error", `http: unhandled error: ${text}`);
    });
    const response = c.json(errorBody(mapped), mapped.status);
    if (mapped.status === 401) response.headers.set("www-authenticate", 'Bearer realm="rhythm"');
    return response;
  };
}
