/**
 * The parser's AST must be exactly acorn's (ES2022 script with top-level return and await)
 * for every valid program in the corpus: the strongest check that the grammar and the tree
 * conversion agree with JavaScript.
 */
import * as acorn from "acorn";
import { describe, expect, it } from "vitest";
import { parse } from "../../interpreter/parse.ts";
import { conformanceCases, readSections } from "./fixture-files.ts";

/** Drops what acorn adds beyond the `.flow` AST contract. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== "object") return value;
  const node = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(node)) {
    if (["loc", "sourceType", "bigint", "regex", "directive", "generator"].includes(key)) continue;
    if (key === "expression" && node.type !== "ArrowFunctionExpression" && typeof v === "boolean") {
      continue;
    }
    if (key === "id" && node.type === "ArrowFunctionExpression") continue;
    if (key === "await" && node.type === "ForOfStatement") continue;
    out[key] = normalize(v);
  }
  return out;
}

function acornAst(source: string): unknown {
  return normalize(
    acorn.parse(source, {
      ecmaVersion: 2022,
      sourceType: "script",
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
    }),
  );
}

const corpus = [
  ...readSections("valid-programs.txt").map((s) => ({ name: s.name, source: s.body })),
  ...conformanceCases()
    .filter((c) => !("diagnostics" in c.expect))
    .filter((c) => !c.source.startsWith("```") && !c.source.startsWith("async function main"))
    .map((c) => ({ name: `${c.file}: ${c.name}`, source: c.source })),
];

describe("the parser builds acorn's AST", () => {
  for (const { name, source } of corpus) {
    it(`for ${name}`, () => {
      const { program, diagnostics } = parse(source);
      expect(diagnostics).toEqual([]);
      expect(normalize(JSON.parse(JSON.stringify(program)))).toEqual(acornAst(source));
    });
  }
});
