/**
 * A Vite plugin that ships the migrated database with the build: at build time it boots PGlite
 * in Node, applies the bundled migrations, drops what the page never uses, checkpoints (so a
 * boot from it replays no WAL) and emits the data directory as a gzipped tarball, `assets/pgdata-<hash>.tar.gz`, named by the
 * migrations it holds (`dataDirAssetName`). The engine's worker fetches it by that name, so
 * even a first visit skips `initdb` and the migrations; a repeat visit reads it from the HTTP
 * cache. The dev server has no such asset and falls back to migrating in the browser.
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import type { Plugin } from "vite";
import { connect, migrate } from "../worker/mod.ts";
import { dataDirAssetName } from "./src/engine/datadir-cache.ts";

/**
 * The gzipped tarball of a freshly migrated, checkpointed PGlite data directory.
 * @example
 * ```ts
 * const tarball = await migratedDataDir();
 * const pg = await PGlite.create({ loadDataDir: new Blob([tarball], { type: "application/gzip" }) });
 * ```
 */
export async function migratedDataDir(): Promise<Uint8Array> {
  // 1 MB WAL segments instead of 16 MB: the tarball carries a few segments, not a 16 MB one.
  const pg = await PGlite.create({
    relaxedDurability: true,
    initDbStartParams: ["--wal-segsize=1"],
  });
  try {
    await migrate(await connect(pg));
    // The page only ever uses the `postgres` database: without the two templates (never used
    // by the engine, only by CREATE DATABASE) the tarball is 15 MB instead of 40 MB, and a boot
    // unpacks that much less (measured in Node: 650 → 380 ms for PGlite.create).
    for (const template of ["template0", "template1"]) {
      await pg.exec(`alter database ${template} is_template false`);
      await pg.exec(`drop database ${template}`);
    }
    await pg.query("checkpoint");
    const tarball = await pg.dumpDataDir("gzip");
    return new Uint8Array(await tarball.arrayBuffer());
  } finally {
    await pg.close();
  }
}

/**
 * The plugin (build only).
 * @example
 * ```ts
 * export default defineConfig({ plugins: [shipMigratedDataDir()] });
 * ```
 */
export function shipMigratedDataDir(): Plugin {
  return {
    name: "rhythm-migrated-datadir",
    apply: "build",
    async generateBundle() {
      this.emitFile({
        type: "asset",
        fileName: `assets/${dataDirAssetName()}`,
        source: await migratedDataDir(),
      });
    },
  };
}
