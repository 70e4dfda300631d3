/**
 * Reading and checking request input. Every refusal is an {@link HttpError} that names the
 * field, so a client learns what to fix from one response. Bodies are strict: unknown fields are
 * refused too (a misspelt `idempotency_key` must not silently start a second run).
 *
 * @module
 */
import { HttpError, invalidField } from "./errors.ts";

/** Task, workflow and queue names: a letter or `_`, then letters, digits, `_ . : -`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parses a request body as a JSON object (`{}` when the body is empty).
 *
 * @example
 * ```ts
 * const body = await readJsonObject(c.req.raw, ["inputs", "queue"]);
 * ```
 */
export async function readJsonObject(
  request: Request,
  allowed: readonly string[],
): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(
      400,
      "malformed_json",
      `the body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidField("body", "must be a JSON object", value);
  }
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw new HttpError(400, "invalid_field", `${key} is not a field of this request`, {
        field: key,
        allowed,
      });
    }
  }
  return body;
}

/**
 * A task, workflow or queue name, checked against {@link NAME_PATTERN}.
 *
 * @example
 * ```ts
 * const name = checkName("name", c.req.param("name"));
 * ```
 */
export function checkName(field: string, value: unknown): string {
  if (typeof value !== "string" || !NAME_PATTERN.test(value)) {
    throw invalidField(
      field,
      "must start with a letter or _, then letters, digits, _ . : - (at most 128)",
      value,
    );
  }
  return value;
}

/**
 * Free text of 1 to `max` characters without control characters (signal names, keys).
 *
 * @example
 * ```ts
 * checkText("idempotencyKey", "order-42", 256); // "order-42"
 * ```
 */
export function checkText(field: string, value: unknown, max: number): string {
  if (
    typeof value !== "string" || value.length === 0 || value.length > max || CONTROL.test(value)
  ) {
    throw invalidField(
      field,
      `must be a string of 1 to ${max} characters without control characters`,
      value,
    );
  }
  return value;
}

/**
 * An execution id: a UUID.
 *
 * @example
 * ```ts
 * const id = checkId(c.req.param("id"));
 * ```
 */
export function checkId(value: unknown, field = "id"): string {
  if (typeof value !== "string" || !UUID_PATTERN.test(value)) {
    throw invalidField(field, "must be an execution id (a UUID)", value);
  }
  return value.toLowerCase();
}

/**
 * An integer within [min, max]; `undefined` stays undefined.
 *
 * @example
 * ```ts
 * checkInteger("priority", 5, -2147483648, 2147483647); // 5
 * ```
 */
export function checkInteger(
  field: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidField(field, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

/**
 * An integer from a query string parameter; `undefined` when absent.
 *
 * @example
 * ```ts
 * queryInteger("limit", c.req.query("limit"), 1, 1000); // 50 for "50"
 * ```
 */
export function queryInteger(
  field: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = /^-?\d{1,10}$/.test(value) ? Number(value) : NaN;
  return checkInteger(field, Number.isNaN(number) ? value : number, min, max);
}

/**
 * One of a fixed set of strings; `undefined` stays undefined.
 *
 * @example
 * ```ts
 * checkOneOf("status", "failed", ["pending", "failed"]); // "failed"
 * ```
 */
export function checkOneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new HttpError(400, "invalid_field", `${field} must be one of ${allowed.join(", ")}`, {
      field,
      allowed,
    });
  }
  return value as T;
}

/** Deepest nesting of arrays and objects accepted in a payload. */
export const MAX_DEPTH = 100;

/**
 * Refuses a JSON value nested deeper than `max` levels (Postgres's JSON parser, and
 * `JSON.stringify`, fail on very deep values); returns the value.
 *
 * @example
 * ```ts
 * checkDepth("inputs", [[1]]); // [[1]]
 * ```
 */
export function checkDepth<T>(field: string, value: T, max = MAX_DEPTH): T {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > max) throw invalidField(field, `must not nest deeper than ${max} levels`);
    const next: unknown[] = [];
    for (const item of level) {
      if (item === null || typeof item !== "object") continue;
      for (const child of Object.values(item)) next.push(child);
    }
    level = next;
  }
  return value;
}
