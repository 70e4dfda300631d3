/**
 * vitest globalSetup for database tests (registered in `vitest.config.ts`). Runs once per
 * `vitest run`, in the main process, before any test file:
 *
 * 1. Builds a pre-migrated PGlite data directory and saves it as an uncompressed tarball under
 *    `node_modules/.cache/rhythm-tests/`, keyed by a hash of the bundled migrations, so it is
 *    built once per migration change (a fresh PGlite boot plus migrations costs ~5 s; loading
 *    the dump costs well under a second). Tests receive its path as `inject("pgliteDump")`.
 * 2. Probes the real server named by `DATABASE_URL` (default
 *    `postgres://postgres@127.0.0.1:5432/test`) once; tests receive `inject("postgres")`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { createPgliteDb } from "../../worker/db/pglite.ts";
import { createPostgresDb } from "../../worker/db/postgres.ts";
import { migrate } from "../../worker/migrate.ts";
import { migrations } from "../../worker/migrations.generated.ts";
import type { ProvidedPostgres } from "./provided.ts";

/** The URL of the real server the tests use. */
export const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * Builds (or reuses) the PGlite dump and probes the real server.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ["tests/helpers/global-setup.ts"] } });
 * ```
 */
export default async function setup(project: TestProject): Promise<void> {
  const [pgliteDump, postgres] = await Promise.all([buildPgliteDump(), probePostgres()]);
  project.provide("pgliteDump", pgliteDump);
  project.provide("postgres", postgres);
}

async function buildPgliteDump(): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify(migrations)).digest("hex").slice(0, 16);
  const dir = join(process.cwd(), "node_modules", ".cache", "rhythm-tests");
  const file = join(dir, `pglite-${hash}.tar`);
  if (existsSync(file)) return file;
  const started = performance.now();
  const { PGlite } = await import("@electric-sql/pglite");
  const instance = await PGlite.create();
  const wrapped = await createPgliteDb(instance, { closeInstance: false });
  await migrate(wrapped);
  const dump = await instance.dumpDataDir("none");
  await instance.close();
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, new Uint8Array(await dump.arrayBuffer()));
  renameSync(`${file}.${process.pid}.tmp`, file); // atomic: concurrent runs never read a partial file
  const ms = Math.round(performance.now() - started);
  console.log(`[db] built the pre-migrated PGlite dump in ${ms} ms: ${file}`);
  return file;
}

async function probePostgres(): Promise<ProvidedPostgres> {
  const db = createPostgresDb(databaseUrl, { connectTimeout: 3, reconnect: { timeoutMs: 0 } });
  try {
    await db.query("select 1");
    return { url: databaseUrl, reachable: true, error: null };
  } catch (error) {
    return { url: databaseUrl, reachable: false, error: String((error as Error).message ?? error) };
  } finally {
    await db.close();
  }
}
