/**
 * The inspector's view of a snapshot (`playground/src/engine/variables.ts`): the `.flow` line
 * a suspended workflow waits at, and its variables decoded from the heap (references,
 * aliasing and escaped strings included). Runs in Node: no browser needed.
 */
import { describe, expect, it } from "vitest";
import { advance, compile } from "../../interpreter/mod.ts";
import { variables, waitingLine } from "../../playground/src/engine/variables.ts";

function suspend(source: string) {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join("\n"));
  const context = { executionId: "e", workflow: "w", version: "v", startedAt: "" };
  const result = advance(compiled.program, {
    state: null,
    inputs: {},
    context,
    now: 0,
    resolutions: [],
  });
  expect(result.status).toBe("suspended");
  return { program: compiled.program, state: result.state };
}

describe("a snapshot as the inspector shows it", () => {
  it("names the line of the await the workflow waits at", () => {
    const { program, state } = suspend('let n = 1\n\nconst r = await Task.run("t", {})\nreturn r');
    expect(waitingLine(program, state)).toBe(3);
  });

  it("decodes objects, arrays, aliases and strings that start with @", () => {
    const { state } = suspend(
      'const a = { x: [1, "@y"], n: null }\nlet b = a\nconst r = await Task.run("t", a)\nreturn r',
    );
    const [scope] = variables(state);
    expect(scope.slice(0, 2)).toEqual([{ x: [1, "@y"], n: null }, { x: [1, "@y"], n: null }]);
  });

  it("shows a pending handle as a handle, not as data", () => {
    const { state } = suspend("const h = Timer.delay(5)\nawait h\nreturn 1");
    expect(String(variables(state)[0][0])).toMatch(/^«timer handle/);
  });
});
