/**
 * Workflow definitions: storing a `.flow` source by name and SHA-256 version, moving the name's
 * current version, and reading a version back.
 *
 * Invariants: a (name, version) row is written once and never changed or deleted by the engine,
 * so an execution pinned to a version can always load it; `workflows.version` is what a new
 * start runs and changes only when a different source is registered.
 *
 * @module
 */
import type { Queryable } from "../db/driver.ts";

/** A definition to store. */
export interface DefinitionRow {
  name: string;
  /** SHA-256 (hex) of the source. */
  version: string;
  source: string;
  /** The compiled program as JSON text. */
  compiled: string;
}

/** What registering did to the name's current version. */
export type DefinitionChange = "created" | "updated" | "unchanged";

const upsertSql = `
with definition as (
  insert into workflow_definitions (name, version, source, compiled)
  values ($1, $2, $3, $4::text::json)
  on conflict do nothing
),
previous as (select version from workflows where name = $1),
current as (
  insert into workflows (name, version) values ($1, $2)
  on conflict (name) do update set version = excluded.version, updated_at = now()
   where workflows.version <> excluded.version
  returning version
)
select (select version from previous) as previous, (select count(*) from current)::int as changed`;

/**
 * Stores a definition and makes it the name's current version; says what changed.
 *
 * @example
 * ```ts
 * const change = await upsertDefinition(db, { name, version, source, compiled });
 * // "created" the first time, "unchanged" for the same source, "updated" for a new one
 * ```
 */
export async function upsertDefinition(
  q: Queryable,
  row: DefinitionRow,
): Promise<DefinitionChange> {
  const [result] = await q.query<{ previous: string | null; changed: number }>(upsertSql, [
    row.name,
    row.version,
    row.source,
    row.compiled,
  ]);
  if (result.changed === 0) return "unchanged";
  return result.previous === null ? "created" : "updated";
}

/**
 * The source of one version, or null when it was never registered.
 *
 * @example
 * ```ts
 * const source = await selectDefinitionSource(db, "processOrder", version);
 * ```
 */
export async function selectDefinitionSource(
  q: Queryable,
  name: string,
  version: string,
): Promise<string | null> {
  const rows = await q.query<{ source: string }>(
    "select source from workflow_definitions where name = $1 and version = $2",
    [name, version],
  );
  return rows[0]?.source ?? null;
}

/** A workflow name and its current version. */
export interface CurrentWorkflow {
  name: string;
  version: string;
  updatedAt: Date;
}

/**
 * Every registered workflow name with its current version, by name.
 *
 * @example
 * ```ts
 * for (const w of await selectCurrentWorkflows(db)) console.log(w.name, w.version);
 * ```
 */
export async function selectCurrentWorkflows(q: Queryable): Promise<CurrentWorkflow[]> {
  const rows = await q.query<{ name: string; version: string; updated_at: Date }>(
    "select name, version, updated_at from workflows order by name",
  );
  return rows.map((r) => ({ name: r.name, version: r.version, updatedAt: r.updated_at }));
}
