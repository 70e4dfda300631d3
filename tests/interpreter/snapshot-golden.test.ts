/**
 * Golden snapshot files (tests/interpreter/golden): states saved by an earlier version
 * must keep resuming with the program they were saved with, to the same outcome.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  advance,
  compile,
  type CompiledProgram,
  type Resolution,
  SNAPSHOT_FORMAT,
  type SnapshotState,
} from "../../interpreter/mod.ts";

const dir = join(import.meta.dirname, "golden");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
const context = { executionId: "golden", workflow: "golden", version: "v", startedAt: "" };

interface Golden {
  source: string;
  hash: string;
  program: CompiledProgram;
  state: SnapshotState;
  steps: { now: number; resolutions: Resolution[] }[];
  expected: { status: string; output: unknown; error: unknown };
}

describe("golden snapshots keep resuming", () => {
  it("has golden files of the current format", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    const formats = files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")).state.format);
    expect(formats).toContain(SNAPSHOT_FORMAT);
  });

  for (const file of files) {
    it(`${file} resumes to its recorded outcome`, () => {
      const g: Golden = JSON.parse(readFileSync(join(dir, file), "utf8"));
      let state = g.state;
      let r: ReturnType<typeof advance> | null = null;
      for (const step of g.steps) {
        r = advance(g.program, { state, context, now: step.now, resolutions: step.resolutions });
        state = JSON.parse(JSON.stringify(r.state));
      }
      expect(r!.status).toBe(g.expected.status);
      expect(r!.output ?? null).toStrictEqual(g.expected.output);
    });

    it(`${file}'s source still compiles to the same version hash`, () => {
      const g: Golden = JSON.parse(readFileSync(join(dir, file), "utf8"));
      const c = compile(g.source);
      expect(c.ok && c.hash).toBe(g.hash);
      expect(g.program.hash).toBe(g.hash);
    });
  }
});
