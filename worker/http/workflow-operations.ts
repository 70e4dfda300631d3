/**
 * The workflow engine's operations as the HTTP app calls them: start (telling a new execution
 * from a repeated idempotency key), signal, register one source.
 *
 * @module
 */
import type { Db } from "../db/driver.ts";
import { uuidv7 } from "../ids.ts";
import { encodePayload } from "../payload.ts";
import { insertWorkflows } from "../queries/workflow-start.ts";
import { sendSignal } from "../workflows/client.ts";
import { registerWorkflows } from "../workflows/definitions.ts";
import type { RegisterResult, StartOptions, WorkflowOperations } from "./deps.ts";
import { HttpError } from "./errors.ts";

async function start(db: Db, name: string, options: StartOptions) {
  const [result] = await insertWorkflows(db, [{
    id: uuidv7(),
    name,
    queue: options.queue ?? null,
    inputs: encodePayload(options.inputs, "inputs", options.maxPayloadBytes),
    priority: options.priority ?? 0,
    idempotencyKey: options.idempotencyKey ?? null,
    parentId: null,
  }]);
  if (!result.known || result.id === null) {
    throw new HttpError(404, "workflow_not_found", `no workflow named ${name} is registered`, {
      name,
    });
  }
  return { id: result.id, created: result.created };
}

async function register(db: Db, name: string, source: string): Promise<RegisterResult> {
  const { registered, rejected } = await registerWorkflows(db, { [name]: source });
  if (rejected.length > 0) return { ok: false, diagnostics: rejected[0].diagnostics };
  const { version, change } = registered[0];
  return { ok: true, name, version, change };
}

/**
 * The engine's workflow operations.
 *
 * @example
 * ```ts
 * createHttpApp({ db, workflows: defaultWorkflowOperations });
 * ```
 */
export const defaultWorkflowOperations: WorkflowOperations = {
  start,
  signal: (db, id, name, payload, maxPayloadBytes) =>
    sendSignal(db, id, name, payload, { maxPayloadBytes }),
  register,
};
