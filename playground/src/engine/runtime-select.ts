/**
 * Boots the database and the engine: PGlite from a migrated data directory (the one shipped
 * with the build, else the one this browser cached, else `initdb`), then the bundled
 * migrations (a no-op when they are all applied) and a real worker (`engine-runtime.ts`).
 * Timings of every phase are recorded for the status bar and the cold-start benchmark.
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import {
  dataDirKey,
  fetchShippedDataDir,
  forgetDataDir,
  loadDataDir,
  saveDataDir,
} from "./datadir-cache.ts";
import type { Runtime } from "./runtime.ts";

/** Options the page passes to `boot`. */
export interface BootOptions {
  /** Ignore the shipped and cached data directories and boot from scratch with `initdb`. */
  fresh?: boolean;
  /** Only boot PGlite and run `select 1` (the benchmark's baseline). */
  bareOnly?: boolean;
}

/** A booted runtime and how long each phase took (milliseconds). */
export interface Booted {
  runtime: Runtime | null;
  timings: Record<string, number>;
  /** Whether PGlite started from a migrated data directory (shipped or cached). */
  cached: boolean;
  /** Where that data directory came from. */
  origin: DataDirOrigin;
  /** When each phase ended, as epoch milliseconds (`performance.timeOrigin + now()`). */
  marks: Record<string, number>;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across the page and workers. */
const at = () => performance.timeOrigin + performance.now();

/** Where a boot's data directory came from. */
export type DataDirOrigin = "shipped" | "cached" | "initdb";

/** A migrated data directory to start from: the build's asset, else this browser's own. */
async function migratedDataDir(): Promise<{ blob: Blob; origin: DataDirOrigin } | null> {
  const shipped = await fetchShippedDataDir(new URL(self.location.href));
  if (shipped) return { blob: shipped, origin: "shipped" };
  const cached = await loadDataDir(dataDirKey());
  return cached ? { blob: cached, origin: "cached" } : null;
}

async function openPglite(
  fresh: boolean,
  marks: Record<string, number>,
): Promise<{ pg: PGlite; origin: DataDirOrigin }> {
  const dataDir = fresh ? null : await migratedDataDir();
  marks.dataDirLoaded = at();
  if (dataDir) {
    try {
      const pg = await PGlite.create({ loadDataDir: dataDir.blob, relaxedDurability: true });
      return { pg, origin: dataDir.origin };
    } catch {
      if (dataDir.origin === "cached") await forgetDataDir();
    }
  }
  return { pg: await PGlite.create({ relaxedDurability: true }), origin: "initdb" };
}

/**
 * Boots PGlite and the engine.
 * @example
 * ```ts
 * const { runtime, timings } = await bootRuntime({});
 * console.log(runtime?.description, timings.pglite);
 * ```
 */
export async function bootRuntime(options: BootOptions): Promise<Booted> {
  const timings: Record<string, number> = {};
  const marks: Record<string, number> = { bootStarted: at() };
  // The engine's code (interpreter, worker loop) loads while PGlite boots.
  const engineModule = options.bareOnly ? null : import("./engine-runtime.ts");
  const t0 = performance.now();
  const { pg, origin } = await openPglite(
    options.fresh === true || options.bareOnly === true,
    marks,
  );
  const cached = origin !== "initdb";
  marks.pgliteCreated = at();
  await pg.query("select 1");
  marks.pgliteReady = at();
  timings.pglite = performance.now() - t0;
  if (options.bareOnly) return { runtime: null, timings, cached, origin, marks };
  const t1 = performance.now();
  const { startEngineRuntime } = await engineModule!;
  marks.engineLoaded = at();
  const runtime = await startEngineRuntime(pg, {
    // Dump right after migrating, before the worker writes anything: the next visit starts here.
    afterMigrate: cached ? undefined : async () => {
      const t2 = performance.now();
      // A checkpoint first: the next boot then starts without replaying the migrations' WAL.
      await pg.query("checkpoint");
      await saveDataDir(dataDirKey(), await pg.dumpDataDir("none"));
      timings.cacheDataDir = performance.now() - t2;
    },
  });
  timings.engine = performance.now() - t1 - (timings.cacheDataDir ?? 0);
  marks.engineStarted = at();
  return { runtime, timings, cached, origin, marks };
}
