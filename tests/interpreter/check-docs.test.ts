/**
 * docs/language.md stays true to the front end: every built-in global and member is shown,
 * every diagnostic code the checker can emit is listed, and every example parses.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { GLOBALS } from "../../interpreter/builtins.ts";
import { parse } from "../../interpreter/parse.ts";

const root = resolve(import.meta.dirname, "../..");
const doc = readFileSync(resolve(root, "docs/language.md"), "utf8");

describe("the language reference", () => {
  it("shows every built-in global and member", () => {
    const missing: string[] = [];
    for (const [name, spec] of Object.entries(GLOBALS)) {
      if (!doc.includes(name)) missing.push(name);
      for (const member of Object.keys(spec.members)) {
        if (!doc.includes(`${name}.${member}`)) missing.push(`${name}.${member}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("lists every diagnostic code the front end emits", () => {
    const sources = [
      "check.ts",
      "check-builtins.ts",
      "check-front-matter.ts",
      "front-matter.ts",
      "parse.ts",
      "tree-to-ast.ts",
      "tree-to-expression.ts",
      "tree-to-literal.ts",
      "tree-to-pattern.ts",
      "syntax-errors.ts",
    ]
      .map((f) => readFileSync(resolve(root, "interpreter", f), "utf8")).join("\n");
    const codes = new Set(
      [...sources.matchAll(
        /code: "([a-z-]+)"|"(?:syntax|unsupported)"|report\([^,]+, "([a-z-]+)"/g,
      )]
        .map((m) => m[1] ?? m[2]).filter(Boolean),
    );
    codes.add("break-outside-loop").add("continue-outside-loop");
    const missing = [...codes].filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it("has examples that parse", () => {
    const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```\n/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      const syntax = parse(block).diagnostics.filter((d) => d.code !== "main-params");
      expect(syntax, block).toEqual([]);
    }
  });
});
