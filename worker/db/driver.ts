/**
 * The one small database interface the engine is written against. Two adapters implement it:
 * `pglite.ts` (embedded, in-memory or a data directory, also in the browser) and `postgres.ts`
 * (a real server through postgres.js). Everything else in `worker/` only sees {@link Db}.
 *
 * Conventions every adapter guarantees, so engine SQL behaves the same on both:
 * - `query` runs ONE statement with `$1…` parameters and returns plain row objects;
 * - `exec` runs a multi-statement script without parameters (migrations only);
 * - the connection's `search_path` is the engine schema ({@link Db.schema}), so SQL never
 *   names the schema;
 * - NOTIFY is sent from SQL with `pg_notify` inside the transaction that makes work ready;
 *   `listen` delivers it to the callback after commit.
 *
 * Column types differ between adapters for `int8`, `json` and `numeric`, so engine queries cast
 * what they return (`::text` for payloads, `::int` for counters) instead of relying on parsers.
 *
 * @module
 */

/** Something that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /**
   * Runs one statement with positional parameters and returns its rows.
   *
   * @example
   * ```ts
   * const rows = await db.query<{ n: number }>("select $1::int as n", [1]);
   * ```
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs a script of several statements (no parameters). Used by migrations.
   *
   * @example
   * ```ts
   * await db.exec("create table a (x int); create table b (y int);");
   * ```
   */
  exec(script: string): Promise<void>;
}

/** Called with the payload of each notification on a listened channel. */
export type NotifyHandler = (payload: string) => void;

/** Options of {@link Db.listen}. */
export interface ListenOptions {
  /**
   * Called after the subscription was re-established following a lost connection. Nothing sent
   * while the connection was down is delivered, so the caller must re-check the database.
   */
  onResubscribe?: () => void;
  /** Called when the listening connection is lost (notifications stop until resubscribed). */
  onDisconnect?: (error: unknown) => void;
}

/** A database handle: a pool (postgres.js) or a single embedded instance (PGlite). */
export interface Db extends Queryable {
  /** Which adapter this is. */
  readonly driver: "pglite" | "postgres";
  /** The schema holding the engine tables; the connection's `search_path`. */
  readonly schema: string;
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws.
   * On PGlite transactions are serialised (one connection): never call `db.query` inside `fn`,
   * use the `tx` argument, or the call waits for the transaction forever.
   *
   * @example
   * ```ts
   * await db.transaction(async (tx) => {
   *   await tx.query("update executions set priority = 1 where id = $1", [id]);
   * });
   * ```
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a notification channel on the adapter's dedicated listening connection.
   * Resolves once the subscription is active; the returned function unsubscribes.
   *
   * @example
   * ```ts
   * const unlisten = await db.listen("rhythm:rhythm", (payload) => console.log(payload));
   * await unlisten();
   * ```
   */
  listen(
    channel: string,
    onNotify: NotifyHandler,
    options?: ListenOptions,
  ): Promise<() => Promise<void>>;
  /**
   * Closes every connection (the PGlite instance too when the adapter created it).
   *
   * @example
   * ```ts
   * await db.close();
   * ```
   */
  close(): Promise<void>;
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Checks a schema name: lower-case letters, digits and `_`, at most 48 characters (so the
 * notification channel `rhythm:<schema>` stays under Postgres's 63-byte identifier limit).
 *
 * @example
 * ```ts
 * assertSchemaName("rhythm"); // ok
 * assertSchemaName("Bad-Name"); // throws
 * ```
 */
export function assertSchemaName(schema: string): string {
  if (!schemaPattern.test(schema)) {
    throw new Error(
      `invalid schema name ${
        JSON.stringify(schema)
      }: use lower-case letters, digits and "_", at most 48 characters`,
    );
  }
  return schema;
}

/**
 * The notification channel of a schema: every wake-up of the engine in that schema uses it.
 * SQL builds the same name with `'rhythm:' || current_schema()`.
 *
 * @example
 * ```ts
 * channelOf("rhythm"); // "rhythm:rhythm"
 * ```
 */
export function channelOf(schema: string): string {
  return `rhythm:${schema}`;
}

/** The default schema of the engine tables. */
export const DEFAULT_SCHEMA = "rhythm";
