/**
 * The repeat-visit fast path: a tarball of the freshly migrated database (`dumpDataDir`),
 * kept in IndexedDB under a key naming the migrations it holds. Booting PGlite from it skips
 * `initdb` and the migrations. A damaged or stale entry is simply not used.
 * @module
 */
import { sha256 } from "../../../interpreter/mod.ts";
import { migrations } from "../../../worker/migrations.generated.ts";

const DATABASE = "rhythm-playground";
const STORE = "datadir";

/**
 * The cache key of the current schema: PGlite's data format and the bundled migrations.
 * @example
 * ```ts
 * dataDirKey(); // "pglite-0.5/3f2a…"
 * ```
 */
export function dataDirKey(): string {
  const text = migrations.map((m) => `${m.id}:${m.name}:${m.sql}`).join("\n");
  return `pglite-0.5/${sha256(text).slice(0, 16)}`;
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
