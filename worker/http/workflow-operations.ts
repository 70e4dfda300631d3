/**
 * The workflow engine's operations as the HTTP app calls them. Until the engine exports an
 * operation, it is absent here and its route answers 501.
 *
 * @module
 */
import type { WorkflowOperations } from "./deps.ts";

/**
 * The engine's workflow operations.
 *
 * @example
 * ```ts
 * createHttpApp({ db, workflows: defaultWorkflowOperations });
 * ```
 */
export const defaultWorkflowOperations: WorkflowOperations = {};
