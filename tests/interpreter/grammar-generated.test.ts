/**
 * The committed parser tables are what the grammar generates today, and the grammar's node
 * types all have a tree-to-AST handler and a highlighting tag where they need one.
 */
import { readFileSync } from "node:fs";
import { highlightTree, tagHighlighter, tags } from "@lezer/highlight";
import { describe, expect, it } from "vitest";
import { flowHighlighting } from "../../interpreter/highlight.ts";
import { parser } from "../../interpreter/parser.generated.ts";
import { STATEMENT_NODE_NAMES } from "../../interpreter/tree-to-ast.ts";
import { EXPRESSION_NODE_NAMES } from "../../interpreter/tree-to-expression.ts";
import { buildGrammar, GENERATED_PATHS } from "../../scripts/build-grammar.ts";

describe("the generated parser", () => {
  it("is identical to what flow.grammar generates now", () => {
    const { parser: parserText, terms } = buildGrammar();
    expect(readFileSync(GENERATED_PATHS.parser, "utf8")).toBe(parserText);
    expect(readFileSync(GENERATED_PATHS.terms, "utf8")).toBe(terms);
  });

  it("has a statement handler for every node of the Statement group", () => {
    const names = parser.nodeSet.types.filter((t) => t.is("Statement")).map((t) => t.name);
    expect(names.length).toBeGreaterThan(10);
    expect([...STATEMENT_NODE_NAMES].sort()).toEqual([...new Set(names)].sort());
  });

  it("has an expression handler for every node of the Expression group", () => {
    const names = parser.nodeSet.types.filter((t) => t.is("Expression")).map((t) => t.name);
    expect([...EXPRESSION_NODE_NAMES].sort()).toEqual([...new Set(names)].sort());
  });
});

describe("highlighting", () => {
  it("tags keywords, strings, numbers, comments and front matter", () => {
    const source = '---\nqueue: q\n---\n// c\nconst x = await Task.run("a", { n: 1 })';
    const highlighted = parser.configure({ props: [flowHighlighting] });
    const classes: string[] = [];
    const highlighter = tagHighlighter([
      { tag: tags.definitionKeyword, class: "def" },
      { tag: tags.operatorKeyword, class: "op" },
      { tag: tags.string, class: "string" },
      { tag: tags.number, class: "number" },
      { tag: tags.lineComment, class: "comment" },
      { tag: tags.meta, class: "meta" },
      { tag: tags.function(tags.propertyName), class: "call" },
    ]);
    highlightTree(highlighted.parse(source), highlighter, (from, to, cls) => {
      classes.push(`${cls}:${source.slice(from, to)}`);
    });
    expect(classes).toEqual([
      "meta:---\nqueue: q\n---",
      "comment:// c",
      "def:const",
      "op:await",
      "call:run",
      'string:"a"',
      "number:1",
    ]);
  });
});
