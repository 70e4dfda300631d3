/**
 * The conformance cases of `../shared/conformance` (effects and seed) run through the durable
 * engine with `createTestEnv` — PGlite, the worker loop, snapshots, the virtual clock — not only
 * through `runLocal`. Cases with `taskLatency` need a task that takes virtual time, which a real
 * worker cannot do; they are listed and skipped by name.
 */
import { describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../../worker/testing.ts";
import { type ConformanceCase, loadCases, mockTasks } from "../interpreter/conformance-cases.ts";

// The shared cases, or the vendored copy in a clone without ../shared.
const cases = loadCases().filter((c) => c.file === "effects.json" || c.file === "seed.json");

async function runCase(c: ConformanceCase, env: TestEnv) {
  const startedAt = env.now();
  const id = await env.start("main", c.inputs ?? {});
  const signals = [...(c.signals ?? [])].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
  for (const s of signals) {
    const wait = (s.at ?? 0) * 1000 - (env.now() - startedAt);
    if (wait > 0) await env.advance(wait / 1000);
    await env.signal(id, s.name, s.payload ?? null);
  }
  const done = await env.runToCompletion(id);
  return { done, elapsed: env.now() - startedAt };
}

describe("conformance cases through the durable engine (createTestEnv)", () => {
  for (const c of cases) {
    // `taskLatency` needs a task that takes virtual time, which a real worker cannot do; those
    // cases run through runLocal in tests/interpreter/conformance.test.ts.
    const latency = c.taskLatency !== undefined;
    it.skipIf(latency)(c.name, async () => {
      const env = await createTestEnv({
        workflows: { main: c.source, ...(c.workflows ?? {}) },
        tasks: mockTasks(c.tasks),
      });
      try {
        const { done, elapsed } = await runCase(c, env);
        const want = c.expect;
        expect(done.status).toBe(want.status);
        if (want.status === "completed") expect(done.output).toStrictEqual(want.output);
        if (want.error) {
          expect(done.error?.name).toBe(want.error.name);
          expect(done.error?.message).toContain(want.error.messageIncludes ?? "");
        }
        if (want.calls) {
          const calls = env.calls.filter((call) => call.attempt === 1);
          expect(calls.map((call) => [call.name, call.inputs])).toEqual(want.calls);
        }
        if (want.virtualSecondsAtLeast !== undefined) {
          expect(elapsed / 1000).toBeGreaterThanOrEqual(want.virtualSecondsAtLeast);
        }
      } finally {
        await env.close();
      }
    });
  }
});
