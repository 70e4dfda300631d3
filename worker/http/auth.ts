/**
 * Bearer-token authentication. With tokens configured, every request but the public paths
 * (`/health`) needs `Authorization: Bearer <token>`: a missing or malformed header is 401, a
 * token that matches none of the configured ones is 403. Tokens are compared in constant time
 * (every byte of every configured token is looked at, whatever matches), so response timing
 * does not reveal how much of a guess was right.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { HttpError } from "./errors.ts";

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends only on their lengths, not on where they differ.
 *
 * @example
 * ```ts
 * constantTimeEqual("secret", "secret"); // true
 * constantTimeEqual("secret", "secreT"); // false
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.max(x.length, y.length);
  let difference = x.length ^ y.length;
  for (let i = 0; i < length; i++) difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return difference === 0;
}

/**
 * Whether `candidate` equals one of `tokens`, comparing against all of them every time.
 *
 * @example
 * ```ts
 * matchesAnyToken("b", ["a", "b"]); // true
 * ```
 */
export function matchesAnyToken(candidate: string, tokens: readonly string[]): boolean {
  let matched = false;
  for (const token of tokens) matched = constantTimeEqual(candidate, token) || matched;
  return matched;
}

/**
 * Parses a comma-separated token list (`RHYTHM_API_TOKEN`), dropping blanks.
 *
 * @example
 * ```ts
 * parseTokens(" a, b ,,"); // ["a", "b"]
 * ```
 */
export function parseTokens(value: string | undefined): string[] {
  return (value ?? "").split(",").map((t) => t.trim()).filter((t) => t !== "");
}

/**
 * The auth middleware; a no-op when `tokens` is empty.
 *
 * @example
 * ```ts
 * app.use("*", bearerAuth(["s3cret"], ["/health"]));
 * ```
 */
export function bearerAuth(
  tokens: readonly string[],
  publicPaths: readonly string[],
): MiddlewareHandler {
  return async (c, next) => {
    if (tokens.length === 0 || publicPaths.includes(c.req.path)) return await next();
    const header = c.req.header("authorization");
    const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
    if (!match) {
      throw new HttpError(401, "unauthorized", "this route needs Authorization: Bearer <token>");
    }
    if (!matchesAnyToken(match[1], tokens)) {
      throw new HttpError(403, "forbidden", "the bearer token is not valid for this server");
    }
    await next();
  };
}
