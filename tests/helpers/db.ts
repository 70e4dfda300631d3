/**
 * THE database helper of the test suites: run one suite against every driver, each test on a
 * clean engine schema.
 *
 * ```ts
 * import { expect, it } from "vitest";
 * import { forEachDriver } from "../helpers/db.ts";
 *
 * forEachDriver("queueing", (t) => {
 *   it("round-trips a query", async () => {
 *     expect(await t.db.query("select 1 as one")).toEqual([{ one: 1 }]);
 *   });
 * });
 * ```
 *
 * `forEachDriver(name, body)` declares `describe("<name> [pglite]")` and
 * `describe("<name> [postgres]")` and runs `body` in both. Inside a test, `t.db` is a migrated
 * engine {@link Db} whose engine tables are empty (nothing leaks from the previous test).
 *
 * - **PGlite**: one instance per test file, booted from the pre-migrated data directory that
 *   `global-setup.ts` dumps once (`loadDataDir`), then every engine table is TRUNCATEd before
 *   each test. All drivers share that single in-process connection.
 * - **Real server** (`DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`): a fresh
 *   schema `t_<name>_<random>` per file, migrated, TRUNCATEd before each test and dropped after
 *   the file. When a test fails its schema is KEPT as it was (the name is printed, inspect it with
 *   `psql … -c 'set search_path = <schema>'`) and the rest of the file moves to a new schema.
 *   Connections carry `application_name = <schema>`, so `t.dropConnections()` kills exactly this
 *   file's sessions (other engineers' tests share the server).
 * - **Server unreachable**: with `CI=true` the postgres suite FAILS with the reason; otherwise
 *   it is skipped with a printed warning.
 * - **Leaks**: `t.defer(fn)` registers cleanup run after the test (last first); after the
 *   cleanups, a test that leaves a worker running fails.
 *
 * Timing (this 2-core machine): booting PGlite from the dump 0.9–1.4 s per file (a fresh boot plus
 * migrations ~5 s), TRUNCATE a few ms per test; a real-server schema with migrations ~0.1 s per
 * file.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, inject, it } from "vitest";
import type { PGlite } from "@electric-sql/pglite";
import type { Db } from "../../worker/db/driver.ts";
import { createPgliteDb } from "../../worker/db/pglite.ts";
import { createPostgresDb, type PostgresDbOptions } from "../../worker/db/postgres.ts";
import { migrate } from "../../worker/migrate.ts";
import { runningWorkerCount } from "../../worker/running.ts";
import "./provided.ts";

/** The drivers a suite can run on. */
export type DriverName = "pglite" | "postgres";

/** What a suite body receives: the current test's database and helpers around it. */
export interface TestDatabase {
  /** Which driver this copy of the suite runs on. */
  readonly driver: DriverName;
  /** The migrated, emptied engine database of the current test. */
  readonly db: Db;
  /** The schema of the engine tables. */
  readonly schema: string;
  /**
   * Opens another handle on the same database and schema, closed after the test: a new pool on
   * the real server, the same in-process instance on PGlite.
   */
  connect(options?: PostgresDbOptions): Promise<Db>;
  /**
   * Terminates every server session of this test file (`pg_terminate_backend`) and returns how
   * many; 0 on PGlite, whose single connection cannot be lost.
   */
  dropConnections(): Promise<number>;
  /** Registers a cleanup to run after the current test, in reverse order of registration. */
  defer(cleanup: () => unknown): void;
}

/** Options of {@link forEachDriver}. */
export interface ForEachDriverOptions {
  /** Restrict the suite to some drivers (default both). */
  drivers?: DriverName[];
}

/**
 * Declares the suite `body` once per driver; see the module documentation.
 *
 * @example
 * ```ts
 * forEachDriver("migrations", (t) => {
 *   it("is idempotent", async () => {
 *     expect((await migrate(t.db)).applied).toEqual([]);
 *   });
 * });
 * ```
 */
export function forEachDriver(
  name: string,
  body: (t: TestDatabase) => void,
  options: ForEachDriverOptions = {},
): void {
  const drivers = options.drivers ?? ["pglite", "postgres"];
  if (drivers.includes("pglite")) describe(`${name} [pglite]`, () => body(pgliteSuite()));
  if (drivers.includes("postgres")) declarePostgres(name, body);
}

function declarePostgres(name: string, body: (t: TestDatabase) => void): void {
  const server = inject("postgres");
  const title = `${name} [postgres]`;
  if (server.reachable) {
    describe(title, () => body(postgresSuite(name, server.url)));
    return;
  }
  const reason = `the real Postgres server ${server.url} is unreachable: ${server.error}`;
  if (process.env.CI === "true") {
    describe(title, () => {
      it("reaches the real Postgres server (required when CI=true)", () => {
        throw new Error(`${reason}. Start it or set DATABASE_URL.`);
      });
    });
    return;
  }
  console.warn(`[db] SKIPPING "${title}": ${reason} (set CI=true to make this fail)`);
  // A local run without a server skips loudly; CI (CI=true, above) fails instead.
  describe.skip(title, () => body(postgresSuite(name, server.url)));
}

// ---------------------------------------------------------------- shared per-test plumbing

interface Lifecycle {
  deferred: (() => unknown)[];
  current: Db | null;
}

/** After each test: cleanups (last registered first), the leak check, then `after`. */
function commonHooks(state: Lifecycle, after?: (failedTest: string | null) => Promise<void>): void {
  afterEach(async ({ task }) => {
    try {
      const cleanups = state.deferred.splice(0).reverse();
      for (const cleanup of cleanups) await cleanup();
      const leaked = runningWorkerCount();
      if (leaked > 0) {
        throw new Error(`the test left ${leaked} worker(s) running: stop them (t.defer)`);
      }
    } finally {
      await after?.(task.result?.state === "fail" ? task.name : null);
    }
  });
}

function currentDb(state: Lifecycle): Db {
  if (!state.current) throw new Error("t.db is only available inside a test or hook");
  return state.current;
}

async function truncateAll(db: Db): Promise<void> {
  const rows = await db.query<{ name: string }>(
    `select tablename as name from pg_tables
      where schemaname = $1 and tablename <> 'migrations' order by tablename`,
    [db.schema],
  );
  if (rows.length === 0) return;
  await db.query(`truncate ${rows.map((r) => `"${r.name}"`).join(", ")} restart identity cascade`);
}

// ---------------------------------------------------------------- PGlite

let pgliteInstance: Promise<PGlite> | null = null;

/** One PGlite per test file (vitest isolates files), booted from the global-setup dump. */
function sharedPglite(): Promise<PGlite> {
  pgliteInstance ??= (async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    const dump = readFileSync(inject("pgliteDump"));
    return await PGlite.create({ loadDataDir: new Blob([dump]) });
  })();
  return pgliteInstance;
}

function pgliteSuite(): TestDatabase {
  const state: Lifecycle = { deferred: [], current: null };
  beforeAll(async () => {
    state.current = await createPgliteDb(await sharedPglite(), { closeInstance: false });
  });
  beforeEach(() => truncateAll(currentDb(state)));
  commonHooks(state);
  return {
    driver: "pglite",
    get db() {
      return currentDb(state);
    },
    get schema() {
      return currentDb(state).schema;
    },
    connect: async () => createPgliteDb(await sharedPglite(), { closeInstance: false }),
    dropConnections: () => Promise.resolve(0),
    defer: (cleanup) => void state.deferred.push(cleanup),
  };
}

// ---------------------------------------------------------------- real server

function schemaNameFor(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").slice(0, 28);
  return `t_${slug}_${Math.random().toString(36).slice(2, 8)}`;
}

function postgresSuite(name: string, url: string): TestDatabase {
  const state: Lifecycle & { schema: string | null; extra: Db[]; failed: string[] } = {
    deferred: [],
    current: null,
    schema: null,
    extra: [],
    failed: [],
  };
  const open = (schema: string, options: PostgresDbOptions = {}) =>
    createPostgresDb(url, { max: 4, ...options, schema, applicationName: schema });

  async function freshSchema(): Promise<void> {
    const schema = schemaNameFor(name);
    state.schema = schema;
    state.current = open(schema);
    await migrate(state.current);
  }

  beforeAll(freshSchema);
  beforeEach(async () => {
    if (!state.current) await freshSchema();
    await truncateAll(currentDb(state));
  });
  commonHooks(state, async (failedTest) => {
    for (const db of state.extra.splice(0)) await db.close();
    if (failedTest === null || !state.current) return;
    console.warn(
      `[db] KEPT schema ${state.schema} of failed test "${failedTest}": ` +
        `psql ${url} -c 'set search_path = ${state.schema}' …`,
    );
    await state.current.close();
    state.current = null; // the next test of this file gets a fresh schema
  });
  afterAll(async () => {
    if (!state.current) return;
    await state.current.exec(`drop schema if exists "${state.schema}" cascade`);
    await state.current.close();
    state.current = null;
  });

  return {
    driver: "postgres",
    get db() {
      return currentDb(state);
    },
    get schema() {
      return currentDb(state).schema;
    },
    connect: (options) => {
      const db = open(currentDb(state).schema, options);
      state.extra.push(db);
      return Promise.resolve(db);
    },
    dropConnections: () => terminate(url, currentDb(state).schema),
    defer: (cleanup) => void state.deferred.push(cleanup),
  };
}

async function terminate(url: string, applicationName: string): Promise<number> {
  const admin = createPostgresDb(url, { max: 1, applicationName: "rhythm-test-admin" });
  try {
    // MATERIALIZED: the filter must run before pg_terminate_backend, never the planner's way
    // round (which would kill every session on the server, other engineers' included).
    const rows = await admin.query<{ pid: number }>(
      `with targets as materialized (
         select pid from pg_stat_activity
          where application_name = $1 and datname = current_database() and pid <> pg_backend_pid()
       )
       select pid from targets where pg_terminate_backend(pid)`,
      [applicationName],
    );
    return rows.length;
  } finally {
    await admin.close();
  }
}
