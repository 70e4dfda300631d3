/**
 * The Web Worker that owns the playground's database: PGlite (Postgres in WASM) behind
 * PGlite's worker protocol, so every query, LISTEN and NOTIFY runs off the page's thread.
 *
 * `meta.dataDir`, when given, is a tarball from `dumpDataDir()` of an already migrated
 * database: loading it skips `initdb` and the migrations (the repeat-visit fast path).
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import { worker } from "@electric-sql/pglite/worker";

/** What the page passes to the worker through `PGliteWorker`'s `meta` option. */
export interface WorkerMeta {
  dataDir?: Blob;
}

worker({
  async init(options) {
    const meta = (options.meta ?? {}) as WorkerMeta;
    return await PGlite.create({ loadDataDir: meta.dataDir, relaxedDurability: true });
  },
});
