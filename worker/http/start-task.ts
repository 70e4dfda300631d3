/**
 * Queueing a standalone task over HTTP and telling a new execution from an existing one (a
 * repeated idempotency key): the client's `queueTask` returns only the id, so this builds the
 * row itself with the task defaults a server can know (the definition lives in the workers).
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";
import { uuidv7 } from "../ids.ts";
import { encodePayload } from "../payload.ts";
import { insertExecutions } from "../queries/insert.ts";
import { toRetryPolicy } from "../tasks.ts";

/** A start request after validation. */
export interface StartRequest {
  name: string;
  inputs: unknown;
  queue?: string;
  priority?: number;
  idempotencyKey?: string;
}

/**
 * Queues task `request.name`; `created` is false when the idempotency key was used before for
 * this task (then `id` is the first execution's).
 *
 * @example
 * ```ts
 * const { id, created } = await startTask(db, { name: "sendEmail", inputs: {} }, 1 << 20);
 * ```
 */
export async function startTask(
  q: Queryable,
  request: StartRequest,
  maxPayloadBytes: number,
): Promise<{ id: string; created: boolean }> {
  const policy = toRetryPolicy(undefined);
  const [result] = await insertExecutions(q, [{
    id: uuidv7(),
    kind: "task",
    name: request.name,
    queue: request.queue ?? "default",
    inputs: encodePayload(request.inputs, "inputs", maxPayloadBytes),
    priority: request.priority ?? 0,
    maxAttempts: policy.maxAttempts,
    retry: JSON.stringify(policy.backoff),
    timeoutMs: null,
    runAtMs: null,
    delayMs: 0,
    idempotencyKey: request.idempotencyKey ?? null,
    parentId: null,
  }]);
  return result;
}
