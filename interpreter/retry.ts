/**
 * The task retry policy (DESIGN.md "Retries"), shared by `runLocal` and the durable engine
 * so both retry the same way.
 *
 * Default: 3 attempts in all; before attempt n+1 wait `initial · factor^(n-1)` (1 s, 2 s,
 * 4 s …) capped at `max` (5 min), with ±`jitter` (10 %) random spread. A policy comes
 * from the front matter's `retry`, overridden per call by `options.retry`.
 * @module
 */

/** Exponential backoff between attempts; all durations in milliseconds. */
export interface Backoff {
  initial: number;
  factor: number;
  max: number;
  /** Relative random spread, 0…1 (0.1 = ±10 %). */
  jitter: number;
}

/** How often and how patiently a task is retried. */
export interface RetryPolicy {
  /** Attempts in all, including the first (1 = no retry). */
  maxAttempts: number;
  backoff: Backoff;
}

/**
 * The default policy: 3 attempts, 1 s · 2ⁿ backoff capped at 5 minutes, ±10 % jitter.
 * @example
 * ```ts
 * DEFAULT_RETRY.maxAttempts; // 3
 * ```
 */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  backoff: Object.freeze({ initial: 1000, factor: 2, max: 300_000, jitter: 0.1 }),
});

/**
 * Milliseconds to wait after failed attempt `attempt` (1-based) before the next one.
 * `random` is a number in [0, 1) (pass `() => 0.5` for no jitter).
 * @example
 * ```ts
 * retryDelay(DEFAULT_RETRY, 1, 0.5); // 1000
 * retryDelay(DEFAULT_RETRY, 3, 0.5); // 4000
 * ```
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: number): number {
  const b = policy.backoff;
  const base = Math.min(b.max, b.initial * Math.pow(b.factor, Math.max(0, attempt - 1)));
  const spread = base * b.jitter * (random * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/**
 * Whether a task that failed its `attempt`-th attempt (1-based) gets another one.
 * @example
 * ```ts
 * shouldRetry(DEFAULT_RETRY, 2); // true
 * shouldRetry(DEFAULT_RETRY, 3); // false
 * ```
 */
export function shouldRetry(policy: RetryPolicy, attempt: number): boolean {
  return attempt < policy.maxAttempts;
}

/**
 * Builds a full policy from a partial one (`{ maxAttempts: 5 }`, `{ backoff: "2s" }`,
 * `{ backoff: { initial: 500, factor: 3 } }`), filling the rest from `base`. A backoff
 * given as a number is seconds; as a string, a duration like `"500ms"`.
 * Returns an error message instead when the value is malformed.
 * @example
 * ```ts
 * (resolveRetry({ maxAttempts: 5 }) as RetryPolicy).maxAttempts; // 5
 * ```
 */
export function resolveRetry(
  value: unknown,
  base: RetryPolicy = DEFAULT_RETRY,
): RetryPolicy | string {
  if (value === null || value === undefined) return base;
  if (typeof value !== "object" || Array.isArray(value)) {
    return "retry must be an object like { maxAttempts: 3 }";
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (key !== "maxAttempts" && key !== "backoff") {
      return `unknown retry option "${key}" (expected maxAttempts, backoff)`;
    }
  }
  let maxAttempts = base.maxAttempts;
  if (v.maxAttempts !== undefined && v.maxAttempts !== null) {
    const n = v.maxAttempts;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 1000) {
      return "retry.maxAttempts must be an integer from 1 to 1000";
    }
    maxAttempts = n;
  }
  const backoff = resolveBackoff(v.backoff, base.backoff);
  if (typeof backoff === "string") return backoff;
  return { maxAttempts, backoff };
}

function resolveBackoff(value: unknown, base: Backoff): Backoff | string {
  if (value === null || value === undefined) return base;
  if (typeof value === "number" || typeof value === "string") {
    const ms = durationMs(value);
    if (ms === null) return `retry.backoff ${JSON.stringify(value)} is not a duration`;
    return { ...base, initial: ms };
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return "retry.backoff must be a duration or { initial, factor, max, jitter }";
  }
  const out: Backoff = { ...base };
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (key === "initial" || key === "max") {
      const ms = durationMs(raw);
      if (ms === null) return `retry.backoff.${key} is not a duration`;
      out[key] = ms;
    } else if (key === "factor" || key === "jitter") {
      if (typeof raw !== "number" || !(raw >= 0) || (key === "jitter" && raw > 1)) {
        return `retry.backoff.${key} must be a number${key === "jitter" ? " from 0 to 1" : ""}`;
      }
      out[key] = raw;
    } else {
      return `unknown retry.backoff option "${key}"`;
    }
  }
  return out;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration in milliseconds: a number of seconds, or a string `"500ms"`, `"30s"`, `"5m"`,
 * `"2h"`, `"7d"` (LANGUAGE.md §6). Null when malformed or negative.
 * @example
 * ```ts
 * durationMs("2m"); // 120000
 * durationMs(1.5); // 1500
 * ```
 */
export function durationMs(value: unknown): number | null {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  }
  if (typeof value !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!m) return null;
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "s"]);
}
