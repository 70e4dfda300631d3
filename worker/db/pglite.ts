/**
 * The PGlite adapter: Postgres compiled to WASM, in memory, in a data directory, or in
 * IndexedDB (browser). The embedded default of the CLI and the engine of the playground.
 *
 * PGlite quirks, and where they bite:
 * - ONE connection. Transactions are serialised by a mutex: inside `transaction(fn)` use the
 *   `tx` argument only; `db.query` from inside `fn` waits for the transaction to end (deadlock).
 *   Several workers sharing one PGlite never contend on rows, so SKIP LOCKED is trivially true.
 * - One session, so `search_path` is set once for the whole instance, including an instance
 *   the caller passed in (we change its `search_path`).
 * - LISTEN/NOTIFY works in-process only: notifications reach `listen` callbacks of this same
 *   instance after commit. `LISTEN` takes the channel verbatim, so we quote it ourselves.
 * - `jsonb` reorders object keys: payload columns are `json` and read back as `::text`.
 * - `int8` comes back as a JS number (postgres.js returns a string): queries cast instead.
 * - Booting a fresh instance takes seconds (initdb); booting from a dump (`loadDataDir`) is
 *   much faster, which the test helper uses.
 *
 * @module
 */
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { assertSchemaName, DEFAULT_SCHEMA } from "./driver.ts";
import type { Db, ListenOptions, NotifyHandler, Queryable } from "./driver.ts";

/** Options of {@link createPgliteDb}. */
export interface PgliteDbOptions {
  /** Schema of the engine tables (default `rhythm`). */
  schema?: string;
  /** Close the PGlite instance when the Db is closed (default: only when we created it). */
  closeInstance?: boolean;
}

/**
 * Wraps a PGlite instance (or creates one from PGlite options: `dataDir`, `loadDataDir`, …)
 * as a {@link Db}.
 *
 * @example
 * ```ts
 * import { createPgliteDb } from "./worker/db/pglite.ts";
 * const db = await createPgliteDb({ dataDir: "memory://" });
 * console.log(await db.query("select 1 as one"));
 * await db.close();
 * ```
 */
export async function createPgliteDb(
  source: PGlite | PGliteOptions = {},
  options: PgliteDbOptions = {},
): Promise<Db> {
  const schema = assertSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const owned = !(source instanceof PGlite);
  const pg = source instanceof PGlite ? source : await PGlite.create(source);
  await pg.waitReady;
  await pg.query(`set search_path to "${schema}"`);
  const closeInstance = options.closeInstance ?? owned;
  return {
    driver: "pglite",
    schema,
    query: (sql, params) => runQuery(pg, sql, params),
    exec: (script) => runExec(pg, script),
    transaction: (fn) => pg.transaction((tx) => fn(wrapTx(tx))),
    listen: (channel, onNotify, listenOptions) => listen(pg, channel, onNotify, listenOptions),
    close: async () => {
      if (closeInstance && !pg.closed) await pg.close();
    },
  };
}

type PgLike = Pick<PGlite, "query" | "exec">;

async function runQuery<T>(pg: PgLike, sql: string, params?: readonly unknown[]): Promise<T[]> {
  const result = await pg.query<T>(sql, params as unknown[] | undefined);
  return result.rows;
}

async function runExec(pg: PgLike, script: string): Promise<void> {
  await pg.exec(script);
}

function wrapTx(tx: PgLike): Queryable {
  return {
    query: (sql, params) => runQuery(tx, sql, params),
    exec: (script) => runExec(tx, script),
  };
}

async function listen(
  pg: PGlite,
  channel: string,
  onNotify: NotifyHandler,
  _options?: ListenOptions,
): Promise<() => Promise<void>> {
  // PGlite interpolates the channel into `LISTEN …` as is: quote it. The function `listen`
  // returns unlistens with the UNquoted name (a syntax error for "rhythm:x"), so call
  // `unlisten` with the quoted name instead. The single in-process connection is never lost, so
  // `onResubscribe`/`onDisconnect` are never called.
  const quoted = `"${channel.replaceAll('"', '""')}"`;
  await pg.listen(quoted, onNotify);
  return async () => {
    if (!pg.closed) await pg.unlisten(quoted, onNotify);
  };
}
