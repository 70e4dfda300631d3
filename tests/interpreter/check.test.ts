/**
 * One test per diagnostic code of the checker, plus scoping rules that must NOT report,
 * and a program with many problems that reports all of them at once.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../interpreter/ast.ts";
import { check } from "../../interpreter/check.ts";
import { parse } from "../../interpreter/parse.ts";

function diagnose(source: string): Diagnostic[] {
  const { program, frontMatter, diagnostics } = parse(source);
  return [...diagnostics, ...check(program, frontMatter, source)];
}

function only(source: string): Diagnostic {
  const found = diagnose(source);
  expect(found, JSON.stringify(found)).toHaveLength(1);
  return found[0];
}

describe("the checker reports", () => {
  it("an undeclared name, with a did-you-mean", () => {
    const d = only("let total = 1\nreturn totl");
    expect(d).toMatchObject({ code: "undeclared", line: 2, column: 8 });
    expect(d.message).toBe('totl is not declared. Did you mean "total"?');
  });

  it("reassigning a const, naming it and its line", () => {
    const d = only("const c = 1\nc = 2");
    expect(d).toMatchObject({ code: "const-assign", line: 2 });
    expect(d.message).toContain("c");
    expect(d.message).toContain("line 1");
  });

  it("incrementing a const loop variable", () => {
    expect(only("for (const i of [1]) { i++ }").code).toBe("const-assign");
  });

  it("a duplicate declaration in one scope", () => {
    const d = only("let a = 1\nconst a = 2");
    expect(d).toMatchObject({ code: "duplicate-declaration", line: 2 });
    expect(d.message).toBe("a is already declared on line 1");
  });

  it("a let or const name used before its declaration in the same function body", () => {
    const d = only("let a = 1\nif (a) { a = b }\nconst b = 2");
    expect(d).toMatchObject({ code: "use-before-declaration", line: 2, column: 14 });
    expect(d.message).toBe("b is used before its declaration on line 3");
    const inner = only("function f() {\n  x++\n  let x = 0\n}");
    expect(inner).toMatchObject({ code: "use-before-declaration", line: 2, column: 3 });
    expect(only("let n = 1\n{ typeof n\n  let n = 2 }").code).toBe("use-before-declaration");
    expect(only("do {} while (d)\nlet d = 1").code).toBe("use-before-declaration");
  });

  it("a let or const name used in its own declaration, or before it has its value", () => {
    const own = only("let y = y + 1");
    expect(own).toMatchObject({ code: "use-before-declaration", column: 9 });
    expect(own.message).toBe("y is used in its own declaration on line 1, before it has a value");
    for (
      const source of [
        "const [c = c] = []",
        "const { a = b, b } = {}",
        "const { [k]: k } = {}",
        "const { p: [q] = q } = {}",
        "for (const x of x) {}",
        "for (let i = i; i < 3; i++) {}",
      ]
    ) {
      expect(only(source).code, source).toBe("use-before-declaration");
    }
  });

  it("a parameter declared again in the function body", () => {
    expect(only("function f(x) { let x = 1 }").code).toBe("duplicate-declaration");
  });

  it("break outside a loop", () => {
    expect(only("let a = 1\nbreak")).toMatchObject({ code: "break-outside-loop", line: 2 });
  });

  it("continue outside a loop, also inside a function inside a loop", () => {
    const d = only("while (true) { const f = () => { continue } }");
    expect(d.code).toBe("continue-outside-loop");
  });

  it("an unknown label", () => {
    const d = only("for (;;) { break outer }");
    expect(d).toMatchObject({ code: "unknown-label" });
    expect(d.message).toContain("outer");
  });

  it("a label on something that is not a loop", () => {
    expect(only("block: { let a = 1 }").code).toBe("label-not-loop");
  });

  it("a label nested inside the same label", () => {
    expect(only("a: for (;;) { a: for (;;) { break a } }").code).toBe("duplicate-label");
  });

  it("await inside a callback of a built-in method", () => {
    const d = only('let xs = [1]\nlet ys = xs.map(x => await Task.run("t", { x }))');
    expect(d).toMatchObject({ code: "await-in-callback", line: 2 });
    expect(d.message).toContain("map");
  });

  it("the seed task() inside a callback, because it waits", () => {
    expect(only('[1].forEach(x => task("t", { x }))').code).toBe("await-in-callback");
  });

  it("an unknown member of a built-in, with a did-you-mean", () => {
    const d = only('await Task.runn("x", {})');
    expect(d).toMatchObject({ code: "unknown-member", line: 1, column: 12 });
    expect(d.message).toContain('Did you mean "run"?');
  });

  it("too few and too many arguments to built-ins", () => {
    expect(only("Timer.delay()").message).toBe("Timer.delay expects 1 argument, got 0");
    expect(only('Task.run("a", {}, {}, 4)').message).toBe(
      "Task.run expects 2 to 3 arguments, got 4",
    );
    expect(only("parseInt()").code).toBe("argument-count");
  });

  it("calling a built-in that is not a function", () => {
    expect(only("Math.PI()").code).toBe("not-callable");
    expect(only("Task()").code).toBe("not-callable");
  });

  it("host globals, naming them", () => {
    const d = only('return fetch("http://example.com")');
    expect(d).toMatchObject({ code: "host-global", line: 1 });
    expect(d.message).toMatch(/^fetch is not available in a workflow: /);
    expect(only("setTimeout(() => 1, 10)").message).toContain("Timer.delay");
  });

  it("JavaScript globals the language does not have", () => {
    expect(only("let x = undefined").code).toBe("unsupported");
    expect(only("let m = Map").code).toBe("unsupported");
  });

  it("new of anything but the error constructors", () => {
    expect(only("let d = new Date()").code).toBe("new-not-allowed");
    expect(diagnose('throw new Error("x")')).toEqual([]);
    expect(diagnose('throw new RangeError("x")')).toEqual([]);
  });

  it("assignment to built-in globals and their members", () => {
    expect(only("Task = 1").code).toBe("assign-builtin");
    expect(only("Math.PI = 3").code).toBe("assign-builtin");
  });

  it("declarations that shadow a built-in", () => {
    expect(only("const sleep = 5").code).toBe("shadow-builtin");
  });

  it("a declaration as the body of an if or a loop", () => {
    expect(only("if (true) let x = 1").code).toBe("declaration-needs-block");
  });

  it("unknown front matter keys, with a did-you-mean", () => {
    const d = only("---\nqueu: orders\n---\nreturn 1");
    expect(d).toMatchObject({ code: "front-matter-key", line: 2, column: 1 });
    expect(d.message).toContain('Did you mean "queue"?');
  });

  it("bad front matter values", () => {
    expect(only("---\ntimeout: soon\n---\n").code).toBe("front-matter-value");
    expect(only('---\nretry: { "maxAttempts": 0 }\n---\n').code).toBe("front-matter-value");
    expect(only("---\nretry: 3\n---\n").code).toBe("front-matter-value");
  });

  it("reserved words of JavaScript the language leaves out, once", () => {
    expect(only("var x = 1")).toMatchObject({ code: "unsupported", line: 1 });
    expect(only("let s = this.x").message).toContain("there is no this");
    expect(only("class A {}").code).toBe("unsupported");
    expect(only('import("x")').message).toMatch(/^import is not available in a workflow/);
  });
});

describe("the checker accepts", () => {
  const ok = (source: string) => expect(diagnose(source)).toEqual([]);

  it("hoisted function declarations called before they appear", () =>
    ok("return f()\nfunction f() { return 1 }"));
  it("closures over outer variables", () => ok("let n = 0\nconst inc = () => { n += 1 }\ninc()"));
  it("let and const names used early only inside functions, which may run later", () =>
    ok(
      "const f = () => x\nfunction g() { return [x, y] }\nconst h = function () { x = 3 }\n" +
        "const ys = [1].map(() => y)\nlet x = 1\nconst y = f() + g()[0]",
    ));
  it("destructuring defaults that read names declared before them", () =>
    ok("const { a, b = a, c: [d = b] = [a] } = {}\nconst [e, f = e + d] = [1]"));
  it("let shadowing in blocks", () => ok("let x = 1\n{ let x = 2 }\nif (x) { const x = 3 }"));
  it("return at top level", () => ok("return 1"));
  it("labelled break and continue of loops", () =>
    ok("outer: for (const a of [1]) { for (;;) { continue outer } }"));
  it("starting work in a callback without awaiting", () =>
    ok('const ids = [1]\nreturn await Promise.all(ids.map(id => Task.run("x", { id })))'));
  it("await in a user function", () =>
    ok("async function f() { return await sleep(1) }\nfunction g() { await f() }"));
  it("reading Inputs and Context", () => ok("return [Inputs.anything.deep, Context.executionId]"));
  it("destructuring in parameters, for heads and catch", () =>
    ok(
      "function f({ a, b = a }, [c, ...d]) { return a }\nfor (const [k, v] of Object.entries({})) {}\ntry {} catch ({ message }) {}",
    ));
  it("assignment to let variables and object members", () =>
    ok("let a = 1\na = 2\nconst o = {}\no.x = 1\nInputs.y = 2"));
  it("the seed syntax", () => ok('task("a", { "x": 1 })\nsleep(5)'));
  it("spread arguments to built-ins", () => ok("const xs = [1, 2]\nreturn Math.max(...xs)"));
  it("known front matter", () =>
    ok(
      '---\ndescription: Orders\nqueue: orders\ntimeout: 5m\nretry: { "maxAttempts": 3, "backoff": "1s" }\n---\nreturn 1',
    ));
});

describe("all diagnostics at once", () => {
  it("reports every problem of a program in source order", () => {
    const source = [
      "const c = 1",
      "c = 2",
      "return missing",
      "break",
      'Task.runn("x", {})',
      "[1].map(x => await x)",
      "fetch()",
      "new Date()",
    ].join("\n");
    const found = diagnose(source);
    expect(found.map((d) => [d.line, d.code])).toEqual([
      [2, "const-assign"],
      [3, "undeclared"],
      [4, "break-outside-loop"],
      [5, "unknown-member"],
      [6, "await-in-callback"],
      [7, "host-global"],
      [8, "new-not-allowed"],
    ]);
  });
});
