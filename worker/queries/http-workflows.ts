/**
 * Reading workflow definitions for the HTTP API (`GET /v1/workflows…`): names with their
 * versions, and one workflow's versions with their sources. Not the hot path.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** One workflow in the list. */
export interface WorkflowSummary {
  name: string;
  /** The version new starts run (content hash). */
  currentVersion: string;
  /** How many versions are stored. */
  versions: number;
  /** When the current version was registered. */
  updatedAt: Date;
}

/** One stored version of a workflow. */
export interface WorkflowVersion {
  version: string;
  source: string;
  createdAt: Date;
}

/**
 * Every registered workflow (or only `name`) with its current version and version count.
 *
 * @example
 * ```ts
 * const workflows = await selectWorkflowSummaries(db);
 * ```
 */
export function selectWorkflowSummaries(
  q: Queryable,
  name: string | null = null,
): Promise<WorkflowSummary[]> {
  return q.query<WorkflowSummary>(
    `select w.name, w.version as "currentVersion", w.updated_at as "updatedAt",
            (select count(*) from workflow_definitions d where d.name = w.name)::int as versions
       from workflows w where $1::text is null or w.name = $1 order by w.name`,
    [name],
  );
}

/**
 * The versions of workflow `name`, newest first (empty when there is no such workflow).
 *
 * @example
 * ```ts
 * const [latest] = await selectWorkflowVersions(db, "processOrder");
 * ```
 */
export function selectWorkflowVersions(q: Queryable, name: string): Promise<WorkflowVersion[]> {
  return q.query<WorkflowVersion>(
    `select version, source, created_at as "createdAt" from workflow_definitions
      where name = $1 order by created_at desc, version`,
    [name],
  );
}
