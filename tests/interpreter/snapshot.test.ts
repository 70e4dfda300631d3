/**
 * Snapshots: a state is plain JSON that round-trips exactly, keeps aliasing, cycles,
 * key order and special numbers, refuses foreign programs and formats, grows with the
 * live state rather than with history, and is checked against the size limit.
 */
import { describe, expect, it } from "vitest";
import {
  advance,
  compile,
  type CompiledProgram,
  type Resolution,
  type SnapshotState,
} from "../../interpreter/mod.ts";
import { restore, serialize } from "../../interpreter/snapshot.ts";
import { VObj } from "../../interpreter/values.ts";

const context = { executionId: "e1", workflow: "w", version: "v", startedAt: "" };

function program(source: string): CompiledProgram {
  const c = compile(source);
  if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
  return c.program;
}

/** Runs to the end answering every timer; optionally JSON round-trips each state. */
function drive(p: CompiledProgram, json: boolean, inputs: unknown = {}) {
  let now = 0;
  let r = advance(p, { state: null, inputs, context, now, resolutions: [] });
  const sizes: number[] = [];
  while (r.status === "suspended") {
    const text = JSON.stringify(r.state);
    sizes.push(text.length);
    const state: SnapshotState = json ? JSON.parse(text) : r.state;
    now += 1000;
    const resolutions: Resolution[] = r.commands.flatMap((c) =>
      c.type === "timer" ? [{ handle: c.handle, ok: true as const, value: null }] : []
    );
    r = advance(p, { state, context, now, resolutions });
  }
  return { result: r, sizes };
}

describe("snapshot round trips", () => {
  it("are plain JSON: stringify and parse give the same data", () => {
    const p = program("const o = { a: [1, 2], n: NaN }\nawait Timer.delay(1)\nreturn o.a");
    const r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    expect(JSON.parse(JSON.stringify(r.state))).toStrictEqual(r.state);
    expect(JSON.stringify(r.state)).not.toContain("function");
  });

  it("give the same results as passing the state along", () => {
    const source = `let acc = []
const shared = { n: 0 }
const views = [shared, { inner: shared }]
for (let i = 0; i < 5; i++) {
  await Timer.delay(1)
  shared.n += i
  acc.push(views[1].inner.n)
}
return [acc, views[0] === views[1].inner, shared]`;
    const p = program(source);
    const direct = drive(p, false).result;
    const viaJson = drive(p, true).result;
    expect(viaJson.output).toStrictEqual(direct.output);
    expect(viaJson.output).toStrictEqual([[0, 1, 3, 6, 10], true, { n: 10 }]);
  });

  it("keep aliasing, cycles, key order, NaN, Infinity and -0", () => {
    const source = `const a = { z: 1, y: 2, "3": 3, x: 4 }
const b = [a, a]
a.me = a
const nums = [NaN, Infinity, -Infinity, -0, 1e308]
await Timer.delay(1)
b[0].z = 100
return [b[1].z, a.me.me === a, Object.keys(a), nums.map(n => Number.isNaN(n)), nums[1] > 1e308, nums[2] < -1e308, 1 / nums[3], nums[4]]`;
    const out = drive(program(source), true).result.output;
    expect(out).toStrictEqual([
      100,
      true,
      ["3", "z", "y", "x", "me"],
      [true, false, false, false, false],
      true,
      true,
      null,
      1e308,
    ]);
  });

  it("keep strings that look like heap references", () => {
    const source = `const s = ["@0", "@@1", "@", "", { "@2": "@3" }]
await Timer.delay(1)
return s`;
    const out = drive(program(source), true).result.output;
    expect(out).toStrictEqual(["@0", "@@1", "@", "", { "@2": "@3" }]);
  });

  it("keep every kind of value inside arrays and objects", () => {
    const source =
      `const o = { n: NaN, z: -0, i: -Infinity, t: true, f: false, u: null, s: "@x", a: [1] }
const xs = [1.5, -0, NaN, "s", "@y", true, null, o, [o], () => 1]
await Timer.delay(1)
return [xs.map((x) => typeof x), 1 / xs[1] < 0, Number.isNaN(xs[2]), xs.slice(3, 7), xs[8][0] === o,
  Number.isNaN(o.n), 1 / o.z < 0, o.i < -1e308, [o.t, o.f, o.u, o.s, o.a]]`;
    const out = drive(program(source), true).result.output;
    expect(out).toStrictEqual([
      [
        "number",
        "number",
        "number",
        "string",
        "string",
        "boolean",
        "object",
        "object",
        "object",
        "function",
      ],
      true,
      true,
      ["s", "@y", true, null],
      true,
      true,
      true,
      true,
      [true, false, null, "@x", [1]],
    ]);
  });

  it("rebuild long runs of objects with the same keys exactly, odd keys included", () => {
    // Runs of same-keyed objects are filled by a function made for their key list.
    const source = `const rows = []
for (let i = 0; i < 30; i++) {
  const o = {}
  o["b"] = i
  o["__proto__"] = "p" + i
  o["@x"] = "@y"
  o["10"] = i
  o["2"] = null
  o["01"] = -0
  o["constructor"] = rows
  o["a"] = NaN
  rows.push(o)
}
await Timer.delay(1)
await Timer.delay(1)
await Timer.delay(1)
return rows.map((o) => [Object.keys(o), o.__proto__, o["@x"], o["10"], o.b, 1 / o["01"], o.constructor === rows, Number.isNaN(o.a), o.toString])`;
    const keys = ["2", "10", "b", "__proto__", "@x", "01", "constructor", "a"];
    const expected = Array.from(
      { length: 30 },
      (_, i) => [keys, "p" + i, "@y", i, i, null, true, true, null],
    );
    const p = program(source);
    expect(drive(p, true).result.output).toStrictEqual(expected);
    expect(drive(p, false).result.output).toStrictEqual(expected);
    const { state } = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    for (let i = 0; i < 3; i++) {
      const vm = restore(p, JSON.parse(JSON.stringify(state)));
      expect(serialize(vm).state).toStrictEqual(state);
      const rows = vm.frames[0].env.vars.find(Array.isArray) as VObj[];
      expect(rows.map((o) => Object.getOwnPropertyNames(o))).toStrictEqual(rows.map(() => keys));
      expect(rows.every((o) => Object.getPrototypeOf(o) === Object.getPrototypeOf(new VObj())))
        .toBe(true);
    }
  });

  it("keep each object's own keys where runs of same-keyed objects break", () => {
    const source = `const rows = []
for (let i = 0; i < 40; i++) {
  if (i === 20) rows.push({ y: i, x: i })
  else if (i === 31) rows.push({ x: i, y: i, z: i })
  else if (i === 35) rows.push({ x: i })
  else rows.push({ x: i, y: rows[i - 1] ?? null })
}
await Timer.delay(1)
await Timer.delay(1)
return rows.map((o, i) => [Object.keys(o).join(), o.x, o.y === (i > 0 && i !== 20 && i !== 31 && i !== 35 ? rows[i - 1] : o.y)])`;
    const expected = Array.from({ length: 40 }, (_, i) => [
      i === 20 ? "y,x" : i === 31 ? "x,y,z" : i === 35 ? "x" : "x,y",
      i,
      true,
    ]);
    const p = program(source);
    expect(drive(p, true).result.output).toStrictEqual(expected);
    expect(drive(p, false).result.output).toStrictEqual(expected);
  });

  it("store one heap entry per shared object", () => {
    const p = program("const big = { k: 'v' }\nconst list = [big, big, big]\nawait Timer.delay(1)");
    const r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    const objects = r.state.heap.filter((e) => e[0] === "o" && JSON.stringify(e).includes('"k"'));
    expect(objects).toHaveLength(1);
  });

  it("number objects afresh each time, whatever earlier snapshots of them said", () => {
    const p = program(`const a = { name: "a" }
const b = { name: "b", a }
const pair = [a, b]
await Timer.delay(1)`);
    const { state } = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });
    const vm = restore(p, state);
    const vars = vm.frames[0].env.vars;
    const before = serialize(vm).state;
    serialize(restore(p, state)); // another VM's snapshot in between
    expect(serialize(vm).state).toStrictEqual(before);
    // The next walk meets the objects in another order: they get other heap ids.
    vars.reverse();
    const again = restore(p, serialize(vm).state).frames[0].env.vars;
    expect(again).toStrictEqual(vars);
    const [pair, b, a] = again as [unknown[], VObj, VObj];
    expect(pair[0]).toBe(a);
    expect(pair[1]).toBe(b);
    expect(b.a).toBe(a);
  });

  it("stay the same size while a loop waits on and on (cost follows live state)", () => {
    const p = program("let n = 0\nwhile (n < 300) { await Timer.delay(1); n++ }\nreturn n");
    const { result, sizes } = drive(p, true);
    expect(result.output).toBe(300);
    expect(sizes[299] - sizes[5]).toBeLessThan(10);
  });
});

describe("restoring a snapshot", () => {
  const p = program("await Timer.delay(1)\nreturn 1");
  const first = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [] });

  it("refuses a state of another program", () => {
    const other = program("await Timer.delay(2)\nreturn 2");
    expect(() => advance(other, { state: first.state, context, now: 0, resolutions: [] }))
      .toThrow(/belongs to program/);
  });

  it("refuses an unknown format version", () => {
    const state = { ...first.state, format: 999 };
    expect(() => advance(p, { state, context, now: 0, resolutions: [] })).toThrow(/format 999/);
  });

  it("refuses a reference to a heap entry that is not there", () => {
    for (const ref of ["@999", "@", "@1x"]) {
      const state = { ...first.state, waiting: ref };
      expect(() => advance(p, { state, context, now: 0, resolutions: [] }), ref)
        .toThrow(/missing heap entry/);
    }
  });

  it("ignores resolutions of unknown handles and resumes with the right one", () => {
    const resolutions: Resolution[] = [
      { handle: "h99", ok: true, value: 5 },
      { handle: "h1", ok: true, value: null },
    ];
    const r = advance(p, { state: first.state, context, now: 1000, resolutions });
    expect(r.status).toBe("completed");
    expect(r.output).toBe(1);
  });

  it("fails the execution when the state outgrows the snapshot limit", () => {
    const big = program(
      "const xs = []\nfor (let i = 0; i < 2000; i++) xs.push(i)\nawait Timer.delay(1)",
    );
    const r = advance(big, {
      state: null,
      inputs: {},
      context,
      now: 0,
      resolutions: [],
      limits: { snapshotBytes: 4000 },
    });
    expect(r.status).toBe("failed");
    expect(r.error?.name).toBe("RangeError");
    expect(r.error?.message).toMatch(/snapshot limit/);
  });
});
