/**
 * Boots the database and the engine: PGlite (from the cached migrated data directory when
 * there is one), then the bundled migrations and a real worker (`engine-runtime.ts`). Timings of every phase are recorded for the status
 * bar and the cold-start benchmark.
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import { dataDirKey, forgetDataDir, loadDataDir, saveDataDir } from "./datadir-cache.ts";
import type { Runtime } from "./runtime.ts";

/** Options the page passes to `boot`. */
export interface BootOptions {
  /** Ignore the cached data directory and boot from scratch (the benchmark's first visit). */
  fresh?: boolean;
  /** Only boot PGlite and run `select 1` (the benchmark's baseline). */
  bareOnly?: boolean;
}

/** A booted runtime and how long each phase took (milliseconds). */
export interface Booted {
  runtime: Runtime | null;
  timings: Record<string, number>;
  /** Whether PGlite started from the cached data directory. */
  cached: boolean;
  /** When each phase ended, as epoch milliseconds (`performance.timeOrigin + now()`). */
  marks: Record<string, number>;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across the page and workers. */
const at = () => performance.timeOrigin + performance.now();

async function openPglite(
  fresh: boolean,
  marks: Record<string, number>,
): Promise<{ pg: PGlite; cached: boolean }> {
  const dataDir = fresh ? null : await loadDataDir(dataDirKey());
  marks.dataDirLoaded = at();
  if (dataDir) {
    try {
      const pg = await PGlite.create({ loadDataDir: dataDir, relaxedDurability: true });
      return { pg, cached: true };
    } catch {
      await forgetDataDir();
    }
  }
  return { pg: await PGlite.create({ relaxedDurability: true }), cached: false };
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
  const { pg, cached } = await openPglite(
    options.fresh === true || options.bareOnly === true,
    marks,
  );
  marks.pgliteCreated = at();
  await pg.query("select 1");
  marks.pgliteReady = at();
  timings.pglite = performance.now() - t0;
  if (options.bareOnly) return { runtime: null, timings, cached, marks };
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
  return { runtime, timings, cached, marks };
}
