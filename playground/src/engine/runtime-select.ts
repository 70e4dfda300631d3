/**
 * Boots the database and what runs flows: PGlite, the bundled migrations and a real worker
 * (`engine-tasks.ts`), and the interpreter host (`flow-runtime.ts`). Timings of every phase
 * are recorded for the status bar and the cold-start benchmark.
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import type { VirtualClock } from "./clock.ts";
import type { Runtime } from "./runtime.ts";
import { startEngineTasks } from "./engine-tasks.ts";
import { createFlowRuntime } from "./flow-runtime.ts";

/** Options the page passes to `boot`. */
export interface BootOptions {
  /** A tarball from `dumpDataDir()` of a migrated database (repeat-visit fast path). */
  dataDir?: Blob;
}

/** A booted runtime and how long each phase took (milliseconds). */
export interface Booted {
  runtime: Runtime;
  timings: Record<string, number>;
}

/**
 * Boots PGlite and a runtime on `clock`.
 * @example
 * ```ts
 * const { runtime, timings } = await bootRuntime(new VirtualClock(), {});
 * console.log(runtime.description, timings.pglite);
 * ```
 */
export async function bootRuntime(clock: VirtualClock, options: BootOptions): Promise<Booted> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const pg = await PGlite.create({ loadDataDir: options.dataDir, relaxedDurability: true });
  await pg.query("select 1");
  timings.pglite = performance.now() - t0;
  const t1 = performance.now();
  const engine = await startEngineTasks(pg);
  timings.engine = performance.now() - t1;
  return { runtime: createFlowRuntime(clock, engine), timings };
}
