/**
 * Payloads (inputs, outputs): JSON text stored in `json` columns, never `jsonb`, so object key
 * order round-trips exactly. Queries pass them as `$n::text::json` (a `json`-typed parameter
 * would be JSON-encoded a second time by both drivers) and read them back as `::text`.
 *
 * @module
 */
import { PayloadTooLargeError } from "./errors.ts";

/** The default payload limit: 1 MiB of JSON text. */
export const DEFAULT_PAYLOAD_LIMIT = 1024 * 1024;

const encoder = new TextEncoder();

/**
 * Serialises a payload to JSON text, checking it is JSON-representable and within `limit` bytes.
 * `undefined` becomes `null`.
 *
 * @example
 * ```ts
 * encodePayload({ b: 1, a: 2 }, "inputs"); // '{"b":1,"a":2}'
 * ```
 */
export function encodePayload(
  value: unknown,
  what: string,
  limit: number = DEFAULT_PAYLOAD_LIMIT,
): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch (error) {
    throw new TypeError(`${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
  // Cheap upper bound first: UTF-8 uses at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 > limit) {
    const bytes = encoder.encode(text).length;
    if (bytes > limit) throw new PayloadTooLargeError(what, bytes, limit);
  }
  return text;
}

/**
 * Parses payload text read from the database (`null` for SQL NULL).
 *
 * @example
 * ```ts
 * decodePayload('{"b":1,"a":2}'); // { b: 1, a: 2 }
 * ```
 */
export function decodePayload(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
