/**
 * The inspector's view of a snapshot (`playground/src/engine/variables.ts`): the `.flow` line
 * a suspended workflow waits at, and its variables by name per frame, decoded from the heap
 * (references, aliasing and escaped strings included). Runs in Node: no browser needed.
 */
import { describe, expect, it } from "vitest";
import { advance, compile, type Resolution } from "../../interpreter/mod.ts";
import { EXAMPLES } from "../../playground/src/examples.ts";
import { variables, waitingLine } from "../../playground/src/engine/variables.ts";

const context = { executionId: "e", workflow: "w", version: "v", startedAt: "" };

function suspend(
  source: string,
  steps: ((commands: { handle?: string }[]) => Resolution[])[] = [],
) {
  const compiled = compile(source);
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join("\n"));
  let result = advance(compiled.program, {
    state: null,
    inputs: { employee: "ada", amount: 120 },
    context,
    now: 0,
    resolutions: [],
  });
  for (const step of steps) {
    const resolutions = step(result.commands as { handle?: string }[]);
    result = advance(compiled.program, { state: result.state, context, now: 1, resolutions });
  }
  expect(result.status).toBe("suspended");
  return { program: compiled.program, state: result.state };
}

describe("a snapshot as the inspector shows it", () => {
  it("names the line of the await the workflow waits at", () => {
    const { program, state } = suspend('let n = 1\n\nconst r = await Task.run("t", {})\nreturn r');
    expect(waitingLine(program, state)).toBe(3);
  });

  it("shows the approval example's variables by name while it waits for the signal", () => {
    const approval = EXAMPLES.find((e) => e.id === "approval")!;
    const { program, state } = suspend(approval.workflows.approveExpense, [
      ([task]) => [{ handle: task.handle!, ok: true, value: { id: "exp-7" } }],
    ]);
    expect(waitingLine(program, state)).toBe(5);
    const [frame] = variables(program, state)!.frames;
    expect(frame).toMatchObject({ function: "main", line: 5 });
    expect(frame.variables).toMatchObject({
      request: { id: "exp-7" },
      decision: null,
      payment: null,
    });
  });

  it("decodes objects, arrays, aliases and strings that start with @", () => {
    const { program, state } = suspend(
      'const a = { x: [1, "@y"], n: null }\nlet b = a\nconst r = await Task.run("t", a)\nreturn r',
    );
    expect(variables(program, state)!.frames[0].variables).toStrictEqual({
      a: { x: [1, "@y"], n: null },
      b: { $ref: "a" },
      r: null,
    });
  });

  it("shows a pending handle as a handle, not as data", () => {
    const { program, state } = suspend("const h = Timer.delay(5)\nawait h\nreturn 1");
    expect(variables(program, state)!.frames[0].variables.h).toStrictEqual({
      handle: "h1",
      kind: "timer",
      status: "pending",
    });
  });
});
