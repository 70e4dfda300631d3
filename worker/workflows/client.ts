/**
 * The client side of workflows: start one (with an idempotency key), send it signals. Reading,
 * waiting for and cancelling executions (cascading to children) and their event history use the
 * same functions as tasks (`worker/client.ts`).
 *
 * @module
 */
import type { Db, Queryable } from "../db/driver.ts";
import { ExecutionNotFoundError } from "../errors.ts";
import { uuidv7 } from "../ids.ts";
import { DEFAULT_PAYLOAD_LIMIT, encodePayload } from "../payload.ts";
import { insertSignal } from "../queries/signal-send.ts";
import { type CurrentWorkflow, selectCurrentWorkflows } from "../queries/workflow-definitions.ts";
import { insertWorkflows } from "../queries/workflow-start.ts";

/** Options of {@link startWorkflow}. */
export interface StartWorkflowOptions {
  /** The queue of its steps (default: the front matter's `queue`, else `"default"`). */
  queue?: string;
  /** Higher runs first (default 0). */
  priority?: number;
  /** Starting again with the same workflow name and key returns the first execution's id. */
  idempotencyKey?: string;
  /** Largest inputs in bytes of JSON (default 1 MiB). */
  maxPayloadBytes?: number;
}

/** No workflow of that name is registered. */
export class WorkflowNotFoundError extends Error {
  /** Creates the error for workflow `name`. */
  constructor(name: string) {
    super(`no workflow named "${name}" is registered: register its .flow file first`);
    this.name = "WorkflowNotFoundError";
  }
}

/** A signal was sent to an execution that cannot receive it. */
export class SignalRejectedError extends Error {
  /** Creates the error with the reason. */
  constructor(message: string) {
    super(message);
    this.name = "SignalRejectedError";
  }
}

/**
 * Starts a workflow execution of the name's current version and returns its id. The insert,
 * its `created` event and the NOTIFY that wakes a worker commit together.
 *
 * @example
 * ```ts
 * import { connect, startWorkflow, waitForExecution } from "./worker/mod.ts";
 * const db = await connect(process.env.DATABASE_URL);
 * const id = await startWorkflow(db, "processOrder", { orderId: "o-1" }, {
 *   idempotencyKey: "order-o-1",
 * });
 * const done = await waitForExecution(db, id);
 * ```
 */
export async function startWorkflow(
  db: Queryable,
  name: string,
  inputs: unknown = {},
  options: StartWorkflowOptions = {},
): Promise<string> {
  const priority = options.priority ?? 0;
  if (!Number.isInteger(priority)) {
    throw new RangeError(`priority must be an integer, got ${priority}`);
  }
  const [result] = await insertWorkflows(db, [{
    id: uuidv7(),
    name,
    queue: options.queue ?? null,
    inputs: encodePayload(inputs, "inputs", options.maxPayloadBytes ?? DEFAULT_PAYLOAD_LIMIT),
    priority,
    idempotencyKey: options.idempotencyKey ?? null,
    parentId: null,
  }]);
  if (!result.known || result.id === null) throw new WorkflowNotFoundError(name);
  return result.id;
}

/**
 * Sends signal `name` with `payload` to a workflow execution. The next `Signal.next(name)` of
 * the workflow receives it (signals are buffered and matched in the order sent). Throws when
 * the execution does not exist, is not a workflow, or has finished.
 *
 * @example
 * ```ts
 * await sendSignal(db, id, "approval", { approvedBy: "ada" });
 * ```
 */
export async function sendSignal(
  db: Db,
  executionId: string,
  name: string,
  payload: unknown = null,
  options: { maxPayloadBytes?: number } = {},
): Promise<void> {
  if (typeof name !== "string" || name === "") throw new TypeError("a signal needs a name");
  const text = encodePayload(payload, "payload", options.maxPayloadBytes ?? DEFAULT_PAYLOAD_LIMIT);
  const result = await insertSignal(db, executionId, name, text);
  if (result.ok) return;
  if (result.reason === "not-found") throw new ExecutionNotFoundError(executionId);
  if (result.reason === "not-a-workflow") {
    throw new SignalRejectedError(
      `execution ${executionId} is a task: only workflows receive signals`,
    );
  }
  throw new SignalRejectedError(
    `execution ${executionId} is ${result.status}: it can no longer receive signals`,
  );
}

/**
 * Every registered workflow name with its current version (what a new start runs).
 *
 * @example
 * ```ts
 * for (const w of await listWorkflows(db)) console.log(w.name, w.version.slice(0, 12));
 * ```
 */
export function listWorkflows(db: Queryable): Promise<CurrentWorkflow[]> {
  return selectCurrentWorkflows(db);
}
