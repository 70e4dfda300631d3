/**
 * Opening a database from whatever the caller has: a server URL, a PGlite instance, a PGlite
 * data directory, or nothing (an in-memory PGlite).
 *
 * @module
 */
import type { PGlite } from "@electric-sql/pglite";
import { type Db, DEFAULT_SCHEMA } from "./db/driver.ts";
import type { PostgresDbOptions } from "./db/postgres.ts";

/** Options of {@link connect}. */
export interface ConnectOptions extends PostgresDbOptions {
  /** Schema of the engine tables (default `rhythm`). */
  schema?: string;
  /** Check the connection with `select 1` before returning (default true for URLs). */
  check?: boolean;
}

/**
 * Opens a {@link Db}:
 * - `postgres://…` / `postgresql://…`: a real server through postgres.js (checked with
 *   `select 1`, so a bad URL fails here with a one-line message);
 * - a `PGlite` instance: wrapped, not closed by `db.close()`;
 * - `memory://` or `undefined`: a new in-memory PGlite;
 * - `idb://name` (browser) or a directory path: a PGlite data directory.
 *
 * The import of each driver is dynamic, so a browser bundle never loads postgres.js.
 *
 * @example
 * ```ts
 * import { connect, migrate } from "./worker/mod.ts";
 * const db = await connect(Deno.env.get("DATABASE_URL") ?? ".rhythm/pgdata");
 * await migrate(db);
 * ```
 */
export async function connect(
  target: string | PGlite | undefined = undefined,
  options: ConnectOptions = {},
): Promise<Db> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (typeof target === "string" && /^postgres(ql)?:\/\//.test(target)) {
    const { createPostgresDb } = await import("./db/postgres.ts");
    if (options.check ?? true) {
      // One attempt, no reconnect loop: a bad URL fails now, with one line.
      const probe = createPostgresDb(target, {
        ...options,
        schema,
        max: 1,
        reconnect: { timeoutMs: 0 },
      });
      await checkConnection(probe, target);
      await probe.close();
    }
    return createPostgresDb(target, { ...options, schema });
  }
  const { createPgliteDb } = await import("./db/pglite.ts");
  if (target === undefined || target === "memory://") return createPgliteDb({}, { schema });
  if (typeof target === "string") return createPgliteDb({ dataDir: target }, { schema });
  return createPgliteDb(target, { schema });
}

async function checkConnection(db: Db, url: string): Promise<void> {
  try {
    await db.query("select 1");
  } catch (error) {
    await db.close().catch(() => {});
    const reason = (error as Error).message || String((error as { code?: string }).code ?? error);
    throw new Error(`cannot connect to ${redact(url)}: ${reason}`);
  }
}

/**
 * The URL with its password replaced by `***`, for messages and logs.
 *
 * @example
 * ```ts
 * redact("postgres://u:secret@h/db"); // "postgres://u:***@h/db"
 * ```
 */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
