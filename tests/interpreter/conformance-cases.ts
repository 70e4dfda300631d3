/**
 * Loads the shared conformance cases (`../shared/conformance/*.json`, beside the
 * repository) or, in a clone without them, the vendored copy in `./conformance/`, and
 * turns a case's mock tasks into task functions for `runLocal`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TaskFunction } from "../../interpreter/mod.ts";

const repoRoot = resolve(import.meta.dirname, "../..");
/** The shared folder (may be absent). */
export const sharedDir = resolve(repoRoot, "../shared/conformance");
/** The vendored copy kept in the repository. */
export const vendoredDir = resolve(import.meta.dirname, "conformance");

/** One conformance case as written in the JSON files. */
export interface ConformanceCase {
  file: string;
  name: string;
  source: string;
  inputs?: unknown;
  tasks?: Record<string, Mock>;
  workflows?: Record<string, string>;
  signals?: { name: string; payload?: unknown; at?: number }[];
  taskLatency?: Record<string, number>;
  expect: {
    status?: "completed" | "failed";
    output?: unknown;
    error?: { name: string; messageIncludes?: string };
    diagnostics?: { line: number; messageIncludes?: string }[];
    calls?: [string, unknown][];
    virtualSecondsAtLeast?: number;
  };
}

/** A mock task behaviour (conformance/README.md). */
export type Mock =
  | { returns: unknown }
  | { throws: string }
  | { echo: true }
  | { map: Record<string, unknown>; key: string }
  | { sequence: Mock[] };

/** The parsed JSON files of a folder, by name (formatting does not matter). */
export function jsonFiles(dir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    out.set(name, JSON.parse(readFileSync(join(dir, name), "utf8")));
  }
  return out;
}

/** Every case, from the shared folder when present, else from the vendored copy. */
export function loadCases(): ConformanceCase[] {
  const dir = existsSync(sharedDir) ? sharedDir : vendoredDir;
  const cases: ConformanceCase[] = [];
  for (const [file, list] of jsonFiles(dir)) {
    for (const c of list as ConformanceCase[]) cases.push({ ...c, file });
  }
  return cases;
}

function once(mock: Mock, inputs: Record<string, unknown>): unknown {
  if ("returns" in mock) return mock.returns;
  if ("throws" in mock) throw new Error(mock.throws);
  if ("echo" in mock) return inputs;
  if ("map" in mock) return mock.map[String(inputs?.[mock.key])];
  throw new Error("a nested sequence is not a mock");
}

/** Task functions for a case's mocks; `sequence` counts attempts across all calls. */
export function mockTasks(mocks: Record<string, Mock> = {}): Record<string, TaskFunction> {
  const tasks: Record<string, TaskFunction> = {};
  for (const [name, mock] of Object.entries(mocks)) {
    let attempt = 0;
    tasks[name] = (inputs) => {
      if (!("sequence" in mock)) return once(mock, inputs);
      const seq = mock.sequence;
      return once(seq[Math.min(attempt++, seq.length - 1)], inputs);
    };
  }
  return tasks;
}
