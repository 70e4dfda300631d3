/**
 * Checks front matter keys and values (LANGUAGE.md §1): `description`, `queue`, `timeout`,
 * `retry`; anything else is a diagnostic.
 * @module
 */
import type { FrontMatter } from "./ast.ts";
import { didYouMean } from "./did-you-mean.ts";
import type { Located } from "./diagnostic.ts";

const DURATION = /^\d+(\.\d+)?(ms|s|m|h|d)$/;

/** Why a value is wrong for its key, or null when it is fine. */
const VALUE_RULES: Record<string, (value: unknown) => string | null> = {
  description: (v) => (typeof v === "string" ? null : "description must be text"),
  queue: (v) => (typeof v === "string" && v !== "" ? null : "queue must be a queue name"),
  timeout: (
    v,
  ) => (isDuration(v) ? null : 'timeout must be seconds or a duration like "30s", "5m", "2h"'),
  retry: retryProblem,
};

function isDuration(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value) && value > 0;
  return typeof value === "string" && DURATION.test(value);
}

function retryProblem(value: unknown): string | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return 'retry must be a JSON object like { "maxAttempts": 3 }';
  }
  const retry = value as Record<string, unknown>;
  const attempts = retry.maxAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && (attempts as number) >= 1)) {
    return "retry.maxAttempts must be a whole number of at least 1";
  }
  const unknown = Object.keys(retry).filter((k) => k !== "maxAttempts" && k !== "backoff");
  if (unknown.length > 0) {
    return `retry has no option "${unknown[0]}" (known: maxAttempts, backoff)`;
  }
  return null;
}

/**
 * Problems with the front matter, each on the line of its key.
 * @example
 * ```ts
 * checkFrontMatter({ queu: "x" }, "---\nqueu: x\n---\n")[0].message;
 * // 'Unknown front matter key "queu". Did you mean "queue"? Known keys: description, queue, timeout, retry'
 * ```
 */
export function checkFrontMatter(frontMatter: FrontMatter, source: string): Located[] {
  const problems: Located[] = [];
  for (const [key, value] of Object.entries(frontMatter)) {
    const { from, to } = keyPosition(source, key);
    const rule = Object.hasOwn(VALUE_RULES, key) ? VALUE_RULES[key] : undefined;
    if (!rule) {
      const known = Object.keys(VALUE_RULES);
      const message = `Unknown front matter key "${key}".${didYouMean(key, known)} Known keys: ${
        known.join(", ")
      }`;
      problems.push({ code: "front-matter-key", message, from, to });
      continue;
    }
    const problem = rule(value);
    if (problem) problems.push({ code: "front-matter-value", message: problem, from, to });
  }
  return problems;
}

/** Where `key:` is written in the front matter (the first lines of the file). */
function keyPosition(source: string, key: string): { from: number; to: number } {
  const escaped = key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const match = new RegExp(`^[ \\t]*(${escaped})[ \\t]*:`, "m").exec(source);
  if (!match) return { from: 0, to: 0 };
  const from = match.index + match[0].indexOf(key);
  return { from, to: from + key.length };
}
