/**
 * Retrying an operation across a lost database connection, with exponential backoff.
 * Used by the postgres.js adapter for every query and transaction, and by the worker loop.
 *
 * Retrying is safe for the engine because every engine write is idempotent or fenced: inserts
 * use client-generated ids with `on conflict do nothing`, state changes are fenced by the lease
 * (worker id + attempt), and a claim whose reply was lost simply expires and is reclaimed.
 *
 * @module
 */

/** SQLSTATE classes and codes that mean "the connection went away", not "the SQL is wrong". */
const connectionCodes = new Set([
  "57P01", // admin_shutdown (pg_terminate_backend, server stop)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (server starting up)
  "53300", // too_many_connections
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/**
 * Whether an error means the connection was lost or refused (so retrying later may succeed).
 *
 * @example
 * ```ts
 * isConnectionError({ code: "57P01" }); // true
 * isConnectionError({ code: "22012" }); // false: division by zero
 * ```
 */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = String((error as { code?: unknown }).code ?? "");
  return connectionCodes.has(code) || code.startsWith("08");
}

/** Backoff settings for reconnecting. */
export interface BackoffOptions {
  /** First delay in milliseconds (default 50). */
  initialMs?: number;
  /** Largest delay in milliseconds (default 2000). */
  maxMs?: number;
  /** Give up after this many milliseconds in total (default 30000). */
  timeoutMs?: number;
}

/**
 * The delay before retry number `n` (0-based): doubling from `initialMs`, capped at `maxMs`,
 * with ±25% jitter so that many clients do not reconnect in lock step.
 *
 * @example
 * ```ts
 * backoffDelay(0, { initialMs: 100 }); // about 100
 * backoffDelay(10, { maxMs: 2000 }); // about 2000
 * ```
 */
export function backoffDelay(
  n: number,
  options: BackoffOptions = {},
  random = Math.random,
): number {
  const initial = options.initialMs ?? 50;
  const max = options.maxMs ?? 2000;
  const base = Math.min(max, initial * 2 ** Math.min(n, 30));
  return Math.round(base * (0.75 + random() * 0.5));
}

/**
 * Runs `fn`, retrying with backoff while it fails with a connection error, for at most
 * `timeoutMs` in total; other errors (and the last connection error) are thrown.
 *
 * @example
 * ```ts
 * const rows = await retryOnConnectionError(() => sql.unsafe("select 1"), { timeoutMs: 5000 });
 * ```
 */
export async function retryOnConnectionError<T>(
  fn: () => Promise<T>,
  options: BackoffOptions & { onRetry?: (error: unknown, attempt: number) => void } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const delay = backoffDelay(attempt, options);
      if (!isConnectionError(error) || Date.now() + delay > deadline) throw error;
      options.onRetry?.(error, attempt);
      await sleep(delay);
    }
  }
}

/**
 * Resolves after `ms` milliseconds, or early (without throwing) when `signal` aborts.
 *
 * @example
 * ```ts
 * await sleep(10);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
