/**
 * How a worker runs workflow steps: the options `createWorker` accepts under `workflows`, and
 * the step dependencies it builds from them.
 *
 * Every worker runs the steps of any registered workflow in its queues (definitions live in the
 * database, so no worker needs the `.flow` files); `workflows: false` turns that off.
 *
 * @module
 */
import type { Limits } from "../../interpreter/mod.ts";
import type { Db } from "../db/driver.ts";
import type { Logger } from "../logger.ts";
import type { ClaimedExecution } from "../queries/claim.ts";
import { createProgramCache, type ProgramCache } from "./programs.ts";
import type { StepDeps } from "./step.ts";

/** Options of workflow steps on a worker (`createWorker(db, { workflows: { … } })`). */
export interface WorkflowOptions {
  /** The workflows' clock in epoch ms (default `Date.now`); `createTestEnv` makes it virtual. */
  clock?: () => number;
  /** Interpreter limits per step (LANGUAGE.md §8). */
  limits?: Limits;
  /** A shared program cache (default: one per worker). */
  programs?: ProgramCache;
  /** Test hook: awaited after a step advanced, just before its commit. */
  beforeCommit?: (row: ClaimedExecution) => Promise<void> | void;
}

/**
 * The step dependencies of a worker, or null when it runs no workflows.
 *
 * @example
 * ```ts
 * const stepDeps = createStepDeps(db, workerId, options.workflows, logger, () => dead);
 * ```
 */
export function createStepDeps(
  db: Db,
  workerId: string,
  options: boolean | WorkflowOptions | undefined,
  logger: Logger,
  isDead: () => boolean,
): StepDeps | null {
  if (options === false) return null;
  const settings = typeof options === "object" ? options : {};
  return {
    db,
    workerId,
    logger,
    isDead,
    programs: settings.programs ?? createProgramCache(db),
    clock: settings.clock ?? Date.now,
    limits: settings.limits,
    beforeCommit: settings.beforeCommit,
  };
}
