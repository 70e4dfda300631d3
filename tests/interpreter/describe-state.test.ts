/**
 * `describeState`: a saved state as the inspector shows it — frames innermost first, the
 * variables visible at each frame's line by their source names, values as plain JSON —
 * and slot numbers for programs compiled before the compiler recorded names.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  advance,
  compile,
  type CompiledProgram,
  describeState,
  type Resolution,
  type SnapshotState,
} from "../../interpreter/mod.ts";

const context = { executionId: "e", workflow: "w", version: "v", startedAt: "" };

/** Runs `source` to its first suspension; `next` resolves its pending handles with `value`. */
function start(source: string) {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join("\n"));
  const program = compiled.program;
  let r = advance(program, { state: null, inputs: {}, context, now: 0, resolutions: [] });
  let now = 0;
  return {
    program,
    get state(): SnapshotState {
      expect(r.status).toBe("suspended");
      return r.state;
    },
    next(value: unknown = null) {
      const resolutions: Resolution[] = r.commands
        .filter((c) => c.type === "task" || c.type === "timer")
        .map((c) => ({ handle: (c as { handle: string }).handle, ok: true, value }));
      now += 60_000;
      r = advance(program, { state: r.state, context, now, resolutions });
    },
  };
}

function innermost(program: CompiledProgram, state: SnapshotState) {
  return describeState(program, state).frames[0];
}

describe("describeState", () => {
  it("names the variables of the program at the line it waits at", () => {
    const run = start(
      'let n = 1\nconst order = { id: "o-1" }\nconst r = await Task.run("t", order)\nreturn r',
    );
    expect(describeState(run.program, run.state)).toStrictEqual({
      frames: [{ function: "main", line: 3, variables: { n: 1, order: { id: "o-1" }, r: null } }],
    });
  });

  it("shows the innermost of shadowed names, and the outer one again after the block", () => {
    const run = start(`let x = "outer"
let total = 0
{
  let x = "block"
  await Timer.delay(1)
  total += 1
}
for (let i = 0; i < 2; i++) {
  const x = i * 10
  const later = () => x + i
  await Timer.delay(1)
  total += later()
}
await Timer.delay(1)
return total`);
    expect(innermost(run.program, run.state)).toMatchObject({
      line: 5,
      variables: { x: "block", total: 0 },
    });
    run.next();
    // A per-iteration scope at run time (a closure captures it): its own names first.
    const first = innermost(run.program, run.state);
    expect(first.line).toBe(11);
    expect(first.variables).toMatchObject({ x: 0, i: 0, total: 1 });
    expect(Object.keys(first.variables)).toEqual(["x", "later", "i", "total"]);
    run.next();
    expect(innermost(run.program, run.state).variables).toMatchObject({ x: 10, i: 1, total: 1 });
    run.next();
    expect(innermost(run.program, run.state)).toStrictEqual({
      function: "main",
      line: 14,
      variables: { x: "outer", total: 12 },
    });
  });

  it("shows a function frame inside the call that waits for it, with its closure's names", () => {
    const run = start(`const base = 10
function makeAdder(label) {
  let count = 0
  const add = (n) => {
    count += n
    const r = await Task.run("t", { n })
    return label + (base + r)
  }
  return add
}
const add = makeAdder("sum ")
const result = await add(2)
return result`);
    const { frames } = describeState(run.program, run.state);
    expect(frames).toStrictEqual([
      {
        function: "add",
        line: 6,
        variables: {
          n: 2,
          r: null,
          label: "sum ",
          count: 2,
          add: { function: "add" },
          base: 10,
          makeAdder: { function: "makeAdder" },
          result: null,
        },
      },
      {
        function: "main",
        line: 12,
        variables: {
          base: 10,
          makeAdder: { function: "makeAdder" },
          add: { function: "add" },
          result: null,
        },
      },
    ]);
  });

  it("shows a shared object once and marks its other places, and odd numbers as text", () => {
    const run = start(`const a = { list: [1, 2] }
a.self = a
const b = a
const pair = [a.list, a.list]
const odd = [NaN, Infinity, -Infinity, -0, "@text"]
const h = Task.run("t", {})
const weird = { "__proto__": 1, "two words": b.list }
await h
return 1`);
    expect(innermost(run.program, run.state).variables).toStrictEqual({
      a: { list: [1, 2], self: { $ref: "a" } },
      b: { $ref: "a" },
      pair: [{ $ref: "a.list" }, { $ref: "a.list" }],
      odd: ["NaN", "Infinity", "-Infinity", 0, "@text"],
      h: { handle: "h1", kind: "task", status: "pending" },
      weird: JSON.parse('{ "__proto__": 1, "two words": { "$ref": "a.list" } }'),
    });
  });

  it("shows a settled handle with its value (the awaited result is the same object)", () => {
    const run = start(`const h = Task.run("t", {})
const first = await h
await Timer.delay(1)
return first`);
    run.next({ ok: true });
    expect(innermost(run.program, run.state).variables).toStrictEqual({
      h: { handle: "h1", kind: "task", status: "fulfilled", value: { ok: true } },
      first: { $ref: "h.value" },
    });
  });

  it("falls back to slot numbers for programs compiled before names were recorded", () => {
    const dir = join(import.meta.dirname, "golden");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const golden = JSON.parse(readFileSync(join(dir, file), "utf8"));
      expect(golden.program.functions[0].scopes).toBeUndefined();
      const { frames } = describeState(golden.program, golden.state);
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.at(-1)!.function).toBe("main");
      for (const frame of frames) {
        for (const key of Object.keys(frame.variables)) expect(key).toMatch(/^#(\d+\.)?\d+$/);
      }
    }
    const run = start('let n = 1\nconst r = await Task.run("t", { n })\nreturn r');
    const old: CompiledProgram = JSON.parse(JSON.stringify(run.program));
    for (const fn of old.functions) delete fn.scopes;
    expect(innermost(old, run.state)).toStrictEqual({
      function: "main",
      line: 2,
      variables: { "#0": 1, "#1": null },
    });
  });
});
