/**
 * Payloads (inputs, outputs): JSON text stored in `json` columns, never `jsonb`, so object key
 * order round-trips exactly. Queries pass them as `$n::text::json` (a `json`-typed parameter
 * would be JSON-encoded a second time by both drivers) and read them back as `::text`.
 *
 * @module
 */
import { PayloadTooDeepError, PayloadTooLargeError } from "./errors.ts";

/** The default payload limit: 1 MiB of JSON text. */
export const DEFAULT_PAYLOAD_LIMIT = 1024 * 1024;

/** The deepest nesting of arrays and objects a payload may have. */
export const MAX_PAYLOAD_DEPTH = 1000;

const encoder = new TextEncoder();

/**
 * Serialises a payload to JSON text, checking it is JSON-representable, within `limit` bytes and
 * nested at most {@link MAX_PAYLOAD_DEPTH} levels (else a {@link PayloadTooDeepError}, never a
 * stack overflow here or in Postgres). `undefined` becomes `null`.
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
    // A value deep enough to overflow JSON.stringify's stack; cycles are a TypeError.
    if ((error as Error)?.name === "RangeError") {
      throw new PayloadTooDeepError(what, MAX_PAYLOAD_DEPTH + 1, MAX_PAYLOAD_DEPTH);
    }
    throw new TypeError(`${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
  // Text of 2 × max characters or less cannot nest deeper than max: small payloads skip the scan.
  if (text.length > 2 * MAX_PAYLOAD_DEPTH) {
    const depth = jsonDepth(text, MAX_PAYLOAD_DEPTH);
    if (depth > MAX_PAYLOAD_DEPTH) throw new PayloadTooDeepError(what, depth, MAX_PAYLOAD_DEPTH);
  }
  // Cheap upper bound first: UTF-8 uses at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 > limit) {
    const bytes = encoder.encode(text).length;
    if (bytes > limit) throw new PayloadTooLargeError(what, bytes, limit);
  }
  return text;
}

/**
 * How deep the arrays and objects of JSON `text` nest; stops counting at `max + 1`.
 *
 * @example
 * ```ts
 * jsonDepth('[{"a":"]"}]', 10); // 2
 * ```
 */
export function jsonDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
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
