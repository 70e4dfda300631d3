/**
 * The one place the playground calls the `.flow` front end for diagnostics.
 * TODO(interpreter/check.ts): until the checker lands, this reports the parser's diagnostics
 * (syntax errors, front matter); then it adds `check(program, frontMatter, source)`.
 * @module
 */
import type { Diagnostic } from "../../../interpreter/ast.ts";
import { parse } from "../../../interpreter/parse.ts";

/**
 * Every diagnostic of a `.flow` source, in source order.
 * @example
 * ```ts
 * checkFlow("let = 5"); // [{ code: "syntax", line: 1, … }]
 * ```
 */
export function checkFlow(source: string): Diagnostic[] {
  const { diagnostics } = parse(source);
  return [...diagnostics].sort((a, b) => a.from - b.from);
}
