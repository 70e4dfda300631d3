/**
 * The postgres.js adapter for a real Postgres server (the only module of `worker/` besides the
 * CLI that may need a server-side runtime: it opens TCP sockets).
 *
 * Quirks, and where they bite:
 * - Connection poolers in transaction mode (PgBouncer, Supavisor) break named prepared
 *   statements: pass `prepare: false`. They also break LISTEN (the session is not kept):
 *   the worker's start-up self-probe notices that and falls back to polling.
 * - The schema is selected with the `search_path` startup parameter. A pooler that rejects
 *   unknown startup parameters fails loudly at connect ("unsupported startup parameter").
 * - postgres.js re-LISTENs after a lost connection once and gives up silently when the server
 *   is still down, so LISTEN runs on our own single connection with its own reconnect loop.
 * - A pooled connection killed by the server fails the query running on it; queries and
 *   transactions are retried with backoff on connection errors (see `reconnect.ts`).
 * - `int8` comes back as a string and `json` as text or parsed depending on options: the
 *   engine's queries cast what they return.
 *
 * @module
 */
import postgres from "postgres";
import { assertSchemaName, DEFAULT_SCHEMA } from "./driver.ts";
import type { Db, ListenOptions, NotifyHandler, Queryable } from "./driver.ts";
import { backoffDelay, type BackoffOptions, retryOnConnectionError, sleep } from "./reconnect.ts";

/** Options of {@link createPostgresDb}. */
export interface PostgresDbOptions {
  /** Schema of the engine tables (default `rhythm`). */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** Use named prepared statements (default true); set false behind a transaction pooler. */
  prepare?: boolean;
  /** Seconds to wait for a connection (default 10). */
  connectTimeout?: number;
  /** `application_name` of the connections (default `rhythm`), shown in `pg_stat_activity`. */
  applicationName?: string;
  /** Backoff for retrying queries after a lost connection (default: up to 30 s in total). */
  reconnect?: BackoffOptions;
  /** Called when a query is retried or the listener reconnects (for logs). */
  onReconnect?: (what: string, error: unknown) => void;
}

type Sql = postgres.Sql<Record<string, never>>;

/**
 * Connects to a Postgres server through postgres.js and returns a {@link Db}.
 * Connections open lazily: call `db.query("select 1")` to check the URL.
 *
 * @example
 * ```ts
 * import { createPostgresDb } from "./worker/db/postgres.ts";
 * const db = createPostgresDb("postgres://postgres@127.0.0.1:5432/test", { schema: "rhythm" });
 * console.log(await db.query("select 1 as one"));
 * await db.close();
 * ```
 */
export function createPostgresDb(url: string, options: PostgresDbOptions = {}): Db {
  const schema = assertSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const base = {
    prepare: options.prepare ?? true,
    connect_timeout: options.connectTimeout ?? 10,
    connection: {
      search_path: `"${schema}"`,
      application_name: options.applicationName ?? "rhythm",
    },
    onnotice: () => {},
  };
  const sql: Sql = postgres(url, { ...base, max: options.max ?? 10 });
  const listener = createListener(url, base, options);
  const retry = {
    ...options.reconnect,
    onRetry: (error: unknown) => options.onReconnect?.("query", error),
  };
  return {
    driver: "postgres",
    schema,
    query: (text, params) =>
      retryOnConnectionError(() => runQuery(sql, base.prepare, text, params), retry),
    exec: (script) => retryOnConnectionError(() => runExec(sql, script), retry),
    transaction: (fn) =>
      retryOnConnectionError(
        () => sql.begin((tx) => fn(wrap(tx as unknown as Sql, base.prepare))) as Promise<never>,
        retry,
      ),
    listen: listener.listen,
    close: async () => {
      await listener.close();
      await sql.end({ timeout: 5 });
    },
  };
}

async function runQuery<T>(
  sql: Sql,
  prepare: boolean,
  text: string,
  params?: readonly unknown[],
): Promise<T[]> {
  // `unsafe` defaults to `prepare: false`: every statement with parameters would then be parsed,
  // described (a round trip) and planned again on each run
  const rows = await sql.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[], {
    prepare,
  });
  return Array.from(rows) as T[];
}

async function runExec(sql: Sql, script: string): Promise<void> {
  await sql.unsafe(script); // no parameters: simple protocol, several statements allowed
}

function wrap(tx: Sql, prepare: boolean): Queryable {
  return {
    query: (text, params) => runQuery(tx, prepare, text, params),
    exec: (s) => runExec(tx, s),
  };
}

interface Subscription {
  onNotify: NotifyHandler;
  options: ListenOptions;
}

/**
 * The dedicated LISTEN connection. Invariant: while not closed, every channel in `channels` is
 * LISTENed on the current connection, or a resubscribe loop is running that will make it so
 * and then call each subscriber's `onResubscribe` (so they re-check what they missed).
 */
function createListener(url: string, base: postgres.Options<never>, options: PostgresDbOptions) {
  const channels = new Map<string, Set<Subscription>>();
  let closed = false;
  let resubscribing = false;
  // `onnotify` is supported by postgres.js but missing from its option types.
  const listenerOptions = {
    ...base,
    max: 1,
    idle_timeout: null,
    max_lifetime: null,
    fetch_types: false,
    onnotify: (channel: string, payload: string) =>
      channels.get(channel)?.forEach((s) => s.onNotify(payload)),
    onclose: () => {
      if (!closed && channels.size > 0) void resubscribe(new Error("listen connection closed"));
    },
  };
  const sql: Sql = postgres(url, listenerOptions as unknown as postgres.Options<never>);
  const quote = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

  async function resubscribe(error: unknown) {
    if (resubscribing) return;
    resubscribing = true;
    options.onReconnect?.("listen", error);
    all().forEach((s) => s.options.onDisconnect?.(error));
    for (let attempt = 0; !closed; attempt++) {
      await sleep(backoffDelay(attempt, options.reconnect));
      try {
        for (const channel of channels.keys()) await sql.unsafe(`listen ${quote(channel)}`);
        break;
      } catch (retryError) {
        options.onReconnect?.("listen", retryError);
      }
    }
    resubscribing = false;
    if (!closed) all().forEach((s) => s.options.onResubscribe?.());
  }

  function all(): Subscription[] {
    return [...channels.values()].flatMap((set) => [...set]);
  }

  async function listen(channel: string, onNotify: NotifyHandler, listenOptions?: ListenOptions) {
    const subscription = { onNotify, options: listenOptions ?? {} };
    const set = channels.get(channel) ?? new Set();
    const fresh = set.size === 0;
    set.add(subscription);
    channels.set(channel, set);
    try {
      if (fresh) await sql.unsafe(`listen ${quote(channel)}`);
    } catch (error) {
      set.delete(subscription);
      if (set.size === 0) channels.delete(channel);
      throw error;
    }
    return async () => {
      set.delete(subscription);
      if (set.size > 0 || channels.get(channel) !== set) return;
      channels.delete(channel);
      if (!closed && !resubscribing) await sql.unsafe(`unlisten ${quote(channel)}`).catch(() => {});
    };
  }

  async function close() {
    closed = true;
    await sql.end({ timeout: 1 });
  }

  return { listen, close };
}
