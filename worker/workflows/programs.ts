/**
 * Compiled programs by version, loaded from `workflow_definitions` and compiled once per
 * process. A version is the SHA-256 of its source, so a cached program never goes stale.
 *
 * @module
 */
import { compile, type CompiledProgram } from "../../interpreter/mod.ts";
import type { Queryable } from "../db/driver.ts";
import { selectDefinitionSource } from "../queries/workflow-definitions.ts";

/** Loads programs by (name, version). */
export interface ProgramCache {
  /** The compiled program; throws when the version is missing or no longer compiles. */
  load(name: string, version: string): Promise<CompiledProgram>;
}

/**
 * A cache over `db` holding at most `max` programs (least recently used dropped first).
 *
 * @example
 * ```ts
 * const programs = createProgramCache(db);
 * const program = await programs.load("processOrder", version);
 * ```
 */
export function createProgramCache(db: Queryable, max = 500): ProgramCache {
  const cache = new Map<string, Promise<CompiledProgram>>();
  return {
    load(name, version) {
      const hit = cache.get(version);
      if (hit) {
        cache.delete(version);
        cache.set(version, hit);
        return hit;
      }
      const loading = fetchProgram(db, name, version);
      loading.catch(() => cache.delete(version));
      cache.set(version, loading);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return loading;
    },
  };
}

async function fetchProgram(db: Queryable, name: string, version: string) {
  const source = await selectDefinitionSource(db, name, version);
  if (source === null) {
    throw new Error(`workflow "${name}" version ${version.slice(0, 12)} is not registered`);
  }
  const result = compile(source);
  if (!result.ok) {
    const first = result.diagnostics[0];
    throw new Error(
      `workflow "${name}" version ${version.slice(0, 12)} no longer compiles: ` +
        `${first.line}:${first.column}: ${first.message}`,
    );
  }
  return result.program;
}
