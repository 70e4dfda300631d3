/**
 * The migrated data directory's two homes, both named by the migrations they hold: the build
 * asset `assets/pgdata-<hash>.tar.gz` (made by `playground/datadir-asset.ts`, fetched and kept
 * by the HTTP cache), and, where the page has no such asset (the Vite dev server), a tarball
 * of the database this browser migrated itself (`dumpDataDir`), kept in IndexedDB. Booting
 * PGlite from either skips `initdb` and the migrations. A damaged, missing or stale one is
 * simply not used.
 * @module
 */
import { sha256 } from "../../../interpreter/sha256.ts";
import { migrations } from "../../../worker/migrations.generated.ts";

const DATABASE = "rhythm-playground";
const STORE = "datadir";

/**
 * The cache key of the current schema: PGlite's data format and the bundled migrations.
 * @example
 * ```ts
 * dataDirKey(); // "pglite-0.5/3f2a0c7e91b4d5a6"
 * ```
 */
export function dataDirKey(): string {
  return `pglite-0.5/${migrationsHash()}`;
}

/** Bump when the shipped data directory is made differently (`playground/datadir-asset.ts`). */
const RECIPE = "pglite-0.5 slim-1";

function migrationsHash(): string {
  const text = migrations.map((m) => `${m.id}:${m.name}:${m.sql}`).join("\n");
  return sha256(`${RECIPE}\n${text}`).slice(0, 16);
}

/**
 * File name of the build asset holding the migrated data directory (a gzipped tarball).
 * @example
 * ```ts
 * dataDirAssetName(); // "pgdata-3f2a0c7e91b4d5a6.tar.gz"
 * ```
 */
export function dataDirAssetName(): string {
  return `pgdata-${migrationsHash()}.tar.gz`;
}

/**
 * A Blob whose bytes are still downloading. PGlite reads `loadDataDir` with `arrayBuffer()`, and
 * only once its WASM runs, so the data directory's download overlaps PGlite's own start-up. Only
 * `arrayBuffer()` and `type` are meaningful (`size` is 0).
 */
class ArrivingBlob extends Blob {
  #bytes: Promise<ArrayBuffer>;

  constructor(bytes: Promise<ArrayBuffer>, type: string) {
    super([], { type });
    bytes.catch(() => {}); // a failed download fails the boot that reads it, nothing else
    this.#bytes = bytes;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes;
  }
}

/**
 * The data directory shipped with the build, from the same folder as the engine's worker
 * script (`assets/`), or null when the build has none (the dev server) or it cannot be read.
 * Resolves as soon as the response has started; the bytes arrive while PGlite starts.
 * @example
 * ```ts
 * const shipped = await fetchShippedDataDir(new URL(self.location.href));
 * ```
 */
export async function fetchShippedDataDir(base: URL): Promise<Blob | null> {
  try {
    const response = await fetch(new URL(`./${dataDirAssetName()}`, base));
    const type = response.headers.get("content-type") ?? "";
    if (!response.ok || type.startsWith("text/")) return null; // a dev server's index.html
    return new ArrivingBlob(response.arrayBuffer(), "application/gzip");
  } catch {
    return null;
  }
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function run<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then((db) =>
    new Promise<T>((resolve, reject) => {
      const request = use(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error);
    }).finally(() => db.close())
  );
}

/**
 * The cached data directory for `key`, or null (also when IndexedDB is unavailable).
 * @example
 * ```ts
 * const dataDir = await loadDataDir(dataDirKey());
 * ```
 */
export async function loadDataDir(key: string): Promise<Blob | null> {
  try {
    const found = await run<unknown>("readonly", (store) => store.get(key));
    return found instanceof Blob ? found : null;
  } catch {
    return null;
  }
}

/**
 * Replaces every cached data directory with this one (older schemas are useless).
 * @example
 * ```ts
 * await saveDataDir(dataDirKey(), await pg.dumpDataDir("none"));
 * ```
 */
export async function saveDataDir(key: string, dataDir: Blob): Promise<void> {
  try {
    await run("readwrite", (store) => store.clear());
    await run("readwrite", (store) => store.put(dataDir, key));
  } catch {
    // No IndexedDB (private mode, quota): the next visit boots from scratch, nothing else.
  }
}

/**
 * Forgets the cached data directory (after it failed to load).
 * @example
 * ```ts
 * await forgetDataDir();
 * ```
 */
export async function forgetDataDir(): Promise<void> {
  try {
    await run("readwrite", (store) => store.clear());
  } catch {
    // Nothing cached, nothing to forget.
  }
}
