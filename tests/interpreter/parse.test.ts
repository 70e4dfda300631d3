/**
 * `parse`: front matter, the main wrapper, syntax diagnostics with positions (from
 * `fixtures/syntax-errors.txt`), and never throwing.
 */
import { describe, expect, it } from "vitest";
import { parse } from "../../interpreter/parse.ts";
import { readSections } from "./fixture-files.ts";

describe("syntax diagnostics", () => {
  for (const { name, body } of readSections("syntax-errors.txt")) {
    const [source, expected] = body.split(/\n---\n(?=[^\n]*\d+:\d+ )/);
    it(name, () => {
      const found = parse(source).diagnostics.map((d) =>
        `${d.line}:${d.column} ${d.code} ${d.message}`
      );
      expect(found).toEqual(expected.split("\n"));
    });
  }

  it("are never reported twice, on any prefix of a valid program", () => {
    for (const { body } of readSections("valid-programs.txt")) {
      for (let cut = 1; cut < body.length; cut += 5) {
        const seen = parse(body.slice(0, cut)).diagnostics.map((d) => `${d.from} ${d.message}`);
        expect(new Set(seen).size, body.slice(0, cut)).toBe(seen.length);
      }
    }
  });

  it("have from ≤ to inside the source and 1-based positions", () => {
    const source = "let y = (2 +\nreturn x";
    for (const d of parse(source).diagnostics) {
      expect(d.severity).toBe("error");
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
      expect(d.from).toBeLessThanOrEqual(d.to);
      expect(d.to).toBeLessThanOrEqual(source.length);
    }
  });
});

describe("front matter", () => {
  it("reads JSON scalars, bare words and a JSON object between --- fences", () => {
    const source =
      '---\ndescription: Ship "orders"\nqueue: orders\ntimeout: 300\nretry: { "maxAttempts": 3 }\n---\nreturn 1';
    const { frontMatter, program, diagnostics } = parse(source);
    expect(diagnostics).toEqual([]);
    expect(frontMatter).toEqual({
      description: 'Ship "orders"',
      queue: "orders",
      timeout: 300,
      retry: { maxAttempts: 3 },
    });
    expect(program.body[0]).toMatchObject({
      type: "ReturnStatement",
      start: source.indexOf("return"),
    });
  });

  it("reads quoted strings and booleans between ``` fences", () => {
    const { frontMatter } = parse('```\ndescription: "demo"\nflag: true\n```\nreturn 1');
    expect(frontMatter).toEqual({ description: "demo", flag: true });
  });

  it("is only front matter at the very top of the file", () => {
    expect(parse("return 1\n---\nqueue: x\n---").diagnostics.length).toBeGreaterThan(0);
  });
});

describe("the main wrapper", () => {
  it("gives main's body as the program", () => {
    const { program, diagnostics } = parse(
      "async function main() {\n  let a = 2\n  return a * 21\n}\n",
    );
    expect(diagnostics).toEqual([]);
    expect(program.body.map((s) => s.type)).toEqual(["VariableDeclaration", "ReturnStatement"]);
  });

  it("keeps a file with main and other statements as it is", () => {
    const { program } = parse("async function main() {}\nmain()");
    expect(program.body.map((s) => s.type)).toEqual(["FunctionDeclaration", "ExpressionStatement"]);
  });
});

describe("the seed syntax", () => {
  it("is a plain call expression", () => {
    const { program } = parse('task("x", { "a": 1 })\nsleep(5)');
    expect(program.body).toMatchObject([
      {
        type: "ExpressionStatement",
        expression: { type: "CallExpression", callee: { name: "task" } },
      },
      {
        type: "ExpressionStatement",
        expression: { type: "CallExpression", callee: { name: "sleep" } },
      },
    ]);
  });
});

describe("parse never throws", () => {
  it("on odd inputs", () => {
    for (
      const source of [
        "",
        "\n",
        "}",
        "{",
        "`",
        "`${",
        "/*",
        "'",
        "((((((",
        "---",
        "```",
        "\u2028",
        "a?.",
        "=>",
        "...",
        "\\u0041",
      ]
    ) {
      const result = parse(source);
      expect(result.program.type).toBe("Program");
    }
  });
});
