/**
 * The values `global-setup.ts` provides to test files (`inject(...)`), declared once so every
 * file that imports the helpers type-checks on its own.
 *
 * @module
 */

/** The real server as probed by the global setup. */
export interface ProvidedPostgres {
  url: string;
  reachable: boolean;
  error: string | null;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of the pre-migrated PGlite data directory tarball. */
    pgliteDump: string;
    /** The real server: its URL and whether it answered `select 1`. */
    postgres: ProvidedPostgres;
  }
}
