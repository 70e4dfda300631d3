/**
 * The one place the playground calls the `.flow` front end for diagnostics: the parser's
 * syntax diagnostics and the checker's (undeclared names, unknown members, argument counts,
 * front matter, …), the same objects the CLI and the HTTP API report.
 * @module
 */
import type { Diagnostic } from "../../../interpreter/ast.ts";
import { check } from "../../../interpreter/check.ts";
import { parse } from "../../../interpreter/parse.ts";

/**
 * Every diagnostic of a `.flow` source, in source order.
 * @example
 * ```ts
 * checkFlow("Task.runn('x', {})"); // [{ code: "unknown-member", line: 1, … }]
 * ```
 */
export function checkFlow(source: string): Diagnostic[] {
  const parsed = parse(source);
  const found = [...parsed.diagnostics];
  if (!found.some((d) => d.code === "syntax")) {
    found.push(...check(parsed.program, parsed.frontMatter, source));
  }
  return found.sort((a, b) => a.from - b.from);
}
