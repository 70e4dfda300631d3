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
  /** How many versions are stored. */
  versions: number;
  /** The newest version (content hash). */
  latestVersion: string;
  /** When the newest version was registered. */
  updatedAt: Date;
}

/** One stored version of a workflow. */
export interface WorkflowVersion {
  version: string;
  source: string;
  createdAt: Date;
}

/**
 * Every workflow name with its version count and newest version, by name.
 *
 * @example
 * ```ts
 * const workflows = await selectWorkflowSummaries(db);
 * ```
 */
export function selectWorkflowSummaries(q: Queryable): Promise<WorkflowSummary[]> {
  return q.query<WorkflowSummary>(
    `select distinct on (name) name, count(*) over (partition by name)::int as versions,
            version as "latestVersion", created_at as "updatedAt"
       from workflow_definitions order by name, created_at desc, version`,
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
