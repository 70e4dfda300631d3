/**
 * The compiler and VM on acorn's syntax tree: constructs the Lezer front end does not
 * parse yet (destructuring assignment to members) still compile and run correctly.
 */
import { describe, expect, it } from "vitest";
import { advance } from "../../interpreter/mod.ts";
import { compileWithAcorn } from "./acorn-adapter.ts";

const context = { executionId: "e", workflow: "w", version: "v", startedAt: "" };

function run(source: string): unknown {
  const r = advance(compileWithAcorn(source), {
    state: null,
    inputs: {},
    context,
    now: 0,
    resolutions: [],
  });
  if (r.status !== "completed") throw new Error(JSON.stringify(r.error));
  return r.output;
}

describe("the VM on acorn's tree", () => {
  it("destructures into members and indexes", () => {
    const out = run(`const o = {}, a = [0, 0]
;({ p: o.q, r: o["s"] } = { p: 1, r: 2 })
;[a[1], o.t] = [3, 4]
return [o, a]`);
    expect(out).toStrictEqual([{ q: 1, s: 2, t: 4 }, [0, 3]]);
  });

  it("runs the same program as the Lezer front end does", () => {
    expect(run("let s = 0\nfor (const x of [1, 2, 3]) s += x\nreturn s")).toBe(6);
  });
});
