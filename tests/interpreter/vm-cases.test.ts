/**
 * Semantics fixtures: every `cases/*.flow` runs through `runLocal` and must give what its
 * `cases/*.json` says — once passing states along as objects, once through JSON text
 * between steps (suspend at every await, serialise, resume: the same outcome).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runLocal } from "../../interpreter/mod.ts";
import { type Mock, mockTasks } from "./conformance-cases.ts";

const dir = join(import.meta.dirname, "cases");

interface Expected {
  status?: "completed" | "failed" | "blocked";
  output?: unknown;
  error?: { name: string; messageIncludes?: string; line?: number };
  calls?: [string, unknown][];
  logs?: { level: string; message: string }[];
  elapsedBelow?: number;
  inputs?: unknown;
  tasks?: Record<string, Mock>;
  workflows?: Record<string, string>;
  signals?: { name: string; payload?: unknown; at?: number }[];
  taskLatency?: Record<string, number>;
}

const names = readdirSync(dir).filter((n) => n.endsWith(".flow")).map((n) => n.slice(0, -5));

describe("semantics fixtures (tests/interpreter/cases)", () => {
  it("has fixtures", () => expect(names.length).toBeGreaterThan(40));

  for (const name of names.sort()) {
    for (const jsonStates of [false, true]) {
      it(`${name}${jsonStates ? " (states through JSON)" : ""}`, async () => {
        const source = readFileSync(join(dir, `${name}.flow`), "utf8");
        const want: Expected = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
        const r = await runLocal(source, {
          inputs: want.inputs,
          tasks: mockTasks(want.tasks),
          workflows: want.workflows,
          signals: want.signals,
          taskLatency: want.taskLatency,
          jsonStates,
        });
        const seen = JSON.stringify(r);
        const status = want.status ?? (want.error ? "failed" : "completed");
        expect(r.status, seen).toBe(status);
        if ("output" in want) expect(r.output, seen).toStrictEqual(want.output);
        if (want.error) {
          expect(r.error?.name, seen).toBe(want.error.name);
          expect(r.error?.message, seen).toContain(want.error.messageIncludes ?? "");
          if (want.error.line) expect(r.error?.line, seen).toBe(want.error.line);
        }
        if (want.calls) expect(r.calls.map((c) => [c.name, c.inputs])).toStrictEqual(want.calls);
        if (want.logs) expect(r.logs).toStrictEqual(want.logs);
        if (want.elapsedBelow) expect(r.elapsed).toBeLessThan(want.elapsedBelow * 1000);
      });
    }
  }
});
