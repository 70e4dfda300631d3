/**
 * Applying the bundled migrations (`migrations/*.sql` → `migrations.generated.ts`).
 *
 * Invariants: migrations run in order, each exactly once per schema, all pending ones in ONE
 * transaction holding a transaction-level advisory lock keyed by the schema, so concurrent
 * `migrate` calls from several processes serialise and the later ones find nothing to do.
 * No filesystem is needed (Deno Deploy, browser).
 *
 * @module
 */
import type { Db } from "./db/driver.ts";
import { migrations } from "./migrations.generated.ts";

/** The result of {@link migrate}. */
export interface MigrateResult {
  /** Names of the migrations applied by this call, in order (empty when up to date). */
  applied: string[];
  /** The number of the latest migration now in the schema. */
  version: number;
}

/**
 * Brings the engine schema of `db` up to date. Safe to call on every start and from several
 * processes at once.
 *
 * @example
 * ```ts
 * import { connect, migrate } from "./worker/mod.ts";
 * const db = await connect("postgres://postgres@127.0.0.1:5432/test");
 * const { applied } = await migrate(db);
 * console.log(applied); // ["0001_executions", …] the first time, [] afterwards
 * ```
 */
export function migrate(db: Db): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext($1))", [`rhythm.migrate:${db.schema}`]);
    await tx.exec(
      `create schema if not exists "${db.schema}";
       create table if not exists "${db.schema}".migrations (
         id integer primary key,
         name text not null,
         applied_at timestamptz not null default now()
       );`,
    );
    const rows = await tx.query<{ id: number }>("select id from migrations order by id");
    const done = new Set(rows.map((r) => r.id));
    const latest = migrations.length;
    const newest = rows.at(-1)?.id ?? 0;
    if (newest > latest) {
      throw new Error(
        `schema "${db.schema}" is at migration ${newest}, newer than this code (${latest}): upgrade Rhythm`,
      );
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query("insert into migrations (id, name) values ($1, $2)", [
        migration.id,
        migration.name,
      ]);
      applied.push(migration.name);
    }
    return { applied, version: latest };
  });
}
