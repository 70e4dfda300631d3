/**
 * Vite configuration of the playground: a static site (relative asset paths, so any static
 * host or sub-path serves it) whose modules import `interpreter/` and `worker/` from the
 * repository root. PGlite runs in a module Web Worker and must not be pre-bundled. The build
 * ships the migrated database as an asset (`datadir-asset.ts`).
 * @module
 */
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";
import { shipMigratedDataDir } from "./datadir-asset.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const repository = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: here,
  base: "./",
  plugins: [shipMigratedDataDir()],
  optimizeDeps: { exclude: ["@electric-sql/pglite"] },
  worker: { format: "es" },
  server: { fs: { allow: [repository] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2048,
  },
});
