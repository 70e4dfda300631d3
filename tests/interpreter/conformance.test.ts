/**
 * Every shared conformance case (conformance/README.md) through `runLocal`, checking
 * everything its `expect` names; and the vendored copy matches the shared one.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runLocal } from "../../interpreter/mod.ts";
import { jsonFiles, loadCases, mockTasks, sharedDir, vendoredDir } from "./conformance-cases.ts";

describe("conformance cases through runLocal", () => {
  for (const c of loadCases()) {
    it(`${c.file}: ${c.name}`, async () => {
      const r = await runLocal(c.source, {
        inputs: c.inputs,
        tasks: mockTasks(c.tasks),
        workflows: c.workflows,
        signals: c.signals,
        taskLatency: c.taskLatency,
      });
      const want = c.expect;
      const seen = JSON.stringify(r);
      if (want.diagnostics) {
        expect(r.diagnostics, seen).toBeDefined();
        for (const d of want.diagnostics) {
          const match = r.diagnostics!.find((x) =>
            x.line === d.line && x.message.includes(d.messageIncludes ?? "")
          );
          expect(match, seen).toBeDefined();
        }
        return;
      }
      expect(r.status, seen).toBe(want.status);
      if (want.status === "completed") {
        expect(JSON.stringify(r.output)).toBe(JSON.stringify(want.output));
        expect(r.output).toStrictEqual(want.output);
      }
      if (want.error) {
        expect(r.error?.name, seen).toBe(want.error.name);
        expect(r.error?.message, seen).toContain(want.error.messageIncludes ?? "");
      }
      if (want.calls) {
        expect(r.calls.map((x) => [x.name, x.inputs])).toStrictEqual(want.calls);
      }
      if (want.virtualSecondsAtLeast !== undefined) {
        expect(r.elapsed / 1000).toBeGreaterThanOrEqual(want.virtualSecondsAtLeast);
      }
    });
  }
});

describe("the vendored conformance copy", () => {
  it("has every case file", () => {
    expect(jsonFiles(vendoredDir).size).toBeGreaterThan(0);
  });

  it.runIf(existsSync(sharedDir))("equals ../shared/conformance", () => {
    expect(jsonFiles(vendoredDir)).toStrictEqual(jsonFiles(sharedDir));
  });
});
