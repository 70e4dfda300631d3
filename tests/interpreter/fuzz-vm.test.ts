/**
 * Fuzzing the whole pipeline: random and mutated programs go through `compile` and
 * `runLocal`; neither may throw out of the API, and every run ends (limits stop
 * runaway loops, recursion and endless waiting).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, runLocal } from "../../interpreter/mod.ts";
import { loadCases } from "./conformance-cases.ts";

const casesDir = join(import.meta.dirname, "cases");
const corpus = [
  ...loadCases().map((c) => c.source),
  ...readdirSync(casesDir).filter((n) => n.endsWith(".flow")).map((n) =>
    readFileSync(join(casesDir, n), "utf8")
  ),
];

const TOKENS = [
  "let",
  "const",
  "x",
  "y",
  "f",
  "=",
  "==",
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "(",
  ")",
  "{",
  "}",
  "[",
  "]",
  ",",
  ";",
  "\n",
  ".",
  "?.",
  "??",
  "&&",
  "||",
  "!",
  "=>",
  "...",
  "await",
  "return",
  "if",
  "else",
  "while",
  "for",
  "of",
  "in",
  "try",
  "catch",
  "finally",
  "throw",
  "break",
  "continue",
  "function",
  "0",
  "1",
  "-1",
  "1e308",
  "NaN",
  '"s"',
  "`t${x}`",
  "null",
  "true",
  "Task.run",
  "Timer.delay",
  "Signal.next",
  "Promise.all",
  "Promise.race",
  "Math.max",
  "JSON",
  "Inputs",
  "x.length",
  "x.map",
  "x.push",
  "new Error",
  "typeof",
  "sleep(1)",
  'task("t", {})',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join(" "));

const mutated = fc.tuple(
  fc.constantFrom(...corpus),
  fc.array(
    fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...TOKENS, "", " ", "(", "}")),
    { minLength: 1, maxLength: 4 },
  ),
).map(([source, edits]) => {
  let s = source;
  for (const [at, del, insert] of edits) {
    const i = s.length ? at % s.length : 0;
    s = s.slice(0, i) + insert + s.slice(i + del);
  }
  return s;
});

const options = {
  inputs: { items: [1, 2], name: "n" },
  tasks: { t: (i: unknown) => i, echo: (i: unknown) => i },
  signals: [{ name: "s", payload: 1, at: 1 }],
  limits: { instructions: 100_000, callDepth: 200 },
  maxSteps: 200,
};

async function survives(source: string): Promise<void> {
  const c = compile(source);
  expect(typeof c.ok).toBe("boolean");
  if (!c.ok) {
    for (const d of c.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
  }
  const r = await runLocal(source, options);
  expect(["completed", "failed", "blocked"]).toContain(r.status);
  if (r.status === "failed") expect(typeof r.error?.name).toBe("string");
}

describe("compile + runLocal on hostile programs", () => {
  it("never throw and always end on mutated corpus programs", async () => {
    await fc.assert(fc.asyncProperty(mutated, survives), { numRuns: 400 });
  }, 120_000);

  it("never throw and always end on token soup", async () => {
    await fc.assert(fc.asyncProperty(tokenSoup, survives), { numRuns: 400 });
  }, 120_000);

  it("stop runaway programs with a RangeError", async () => {
    for (
      const source of [
        "while (true) {}",
        "function f() { return f() }\nreturn f()",
        "let s = 'ab'\nwhile (true) s = s + s",
        "for (;;) { try { while (true) {} } catch (e) {} }",
        "const xs = [1]\nxs.map(function g(x) { return [x].map(g) })",
        "return 'x'.repeat(1e9)",
      ]
    ) {
      const r = await runLocal(source, options);
      expect(r.status, source).toBe("failed");
      expect(r.error?.name, source).toBe("RangeError");
    }
  });

  it("gives up on endless waiting after maxSteps", async () => {
    const r = await runLocal("while (true) await Timer.delay(1)", { ...options, maxSteps: 50 });
    expect(r.status).toBe("failed");
    expect(r.error?.message).toContain("50 steps");
  });
});
