/**
 * The conformance cases of `../shared/conformance` (effects and seed) run through the durable
 * engine with `createTestEnv` — PGlite, the worker loop, snapshots, the virtual clock — not only
 * through `runLocal`. Cases with `taskLatency` need a task that takes virtual time, which a real
 * worker cannot do; they are listed and skipped by name.
 */
import { describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../../worker/testing.ts";
import { loadCases } from "../interpreter/conformance-cases.ts";

interface Mock {
  returns?: unknown;
  throws?: string;
  echo?: boolean;
  map?: Record<string, unknown>;
  key?: string;
  sequence?: Mock[];
}

interface Case {
  name: string;
  source: string;
  inputs?: unknown;
  tasks?: Record<string, Mock>;
  workflows?: Record<string, string>;
  signals?: { name: string; payload?: unknown; at?: number }[];
  taskLatency?: Record<string, number>;
  expect: {
    status?: string;
    output?: unknown;
    error?: { name: string; messageIncludes?: string };
    calls?: [string, unknown][];
    virtualSecondsAtLeast?: number;
  };
}

// The shared cases, or the vendored copy in a clone without ../shared.
const cases = loadCases().filter((c) =>
  c.file === "effects.json" || c.file === "seed.json"
) as (Case & { file: string })[];

function behave(mock: Mock, input: Record<string, unknown>, attempt: number): unknown {
  if (mock.sequence) {
    return behave(mock.sequence[Math.min(attempt, mock.sequence.length) - 1], input, attempt);
  }
  if (mock.throws !== undefined) throw new Error(mock.throws);
  if (mock.echo) return input;
  if (mock.map) return mock.map[String(input[mock.key ?? "id"])];
  return mock.returns ?? null;
}

function mocks(c: Case) {
  const attempts = new Map<string, number>();
  return Object.fromEntries(
    Object.entries(c.tasks ?? {}).map(([name, mock]) => [name, (input: Record<string, unknown>) => {
      const n = (attempts.get(name) ?? 0) + 1;
      attempts.set(name, n);
      return behave(mock, input, n);
    }]),
  );
}

async function runCase(c: Case, env: TestEnv) {
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
    const latency = c.taskLatency !== undefined;
    it.skipIf(latency)(c.name, async () => {
      const env = await createTestEnv({
        workflows: { main: c.source, ...(c.workflows ?? {}) },
        tasks: mocks(c),
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
