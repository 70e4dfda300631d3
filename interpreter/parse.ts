/**
 * The `.flow` front end's first half: source → `Program` AST + front matter + syntax
 * diagnostics (LANGUAGE.md §1–5, §8). Uses the Lezer parser generated from `flow.grammar`,
 * recovers from errors, and never throws.
 * @module
 */
import type { Diagnostic, FrontMatter, Program, Statement } from "./ast.ts";
import { diagnosticsFor } from "./diagnostic.ts";
import { readFrontMatter } from "./front-matter.ts";
import { parser } from "./parser.generated.ts";
import { syntaxProblems } from "./syntax-errors.ts";
import type { Problem } from "./syntax-tree.ts";
import { treeToAst } from "./tree-to-ast.ts";
import { placeholderCount } from "./tree-to-literal.ts";

/** What `parse` returns. */
export interface ParseResult {
  program: Program;
  frontMatter: FrontMatter;
  diagnostics: Diagnostic[];
}

/**
 * Parses a workflow. Syntax errors come back as diagnostics (`code: "syntax"`) with the
 * line and column of the problem; the program is still as complete as recovery allows.
 * A file that is exactly `async function main() { … }` gives main's body as the program.
 * @example
 * ```ts
 * const { program, frontMatter, diagnostics } = parse("---\nqueue: q\n---\nreturn 1");
 * program.body[0].type; // "ReturnStatement"
 * frontMatter.queue; // "q"
 * diagnostics; // []
 * ```
 */
export function parse(source: string): ParseResult {
  try {
    return parseUnchecked(String(source));
  } catch (error) {
    const message = `The parser failed on this input: ${(error as Error)?.message ?? error}`;
    const diagnostic = diagnosticsFor(source)({ code: "internal", message, from: 0, to: 0 });
    const program: Program = { type: "Program", body: [], start: 0, end: source.length };
    return { program, frontMatter: {}, diagnostics: [diagnostic] };
  }
}

function parseUnchecked(source: string): ParseResult {
  const tree = parser.parse(source);
  const placeholdersBefore = placeholderCount();
  const { program, problems } = treeToAst(tree, source);
  const placeholders = placeholderCount() !== placeholdersBefore;
  const frontNode = tree.topNode.getChild("FrontMatter");
  const front = frontNode
    ? readFrontMatter(source.slice(frontNode.from, frontNode.to), frontNode.from)
    : { frontMatter: {}, problems: [] };
  const all = [...front.problems, ...syntaxProblems(tree, source), ...problems];
  const body = unwrapMain(program.body, all);
  if (all.length === 0 && placeholders && containsPlaceholder(body)) {
    all.push({ code: "syntax", message: "This program is incomplete", from: 0, to: 0 });
  }
  const toDiagnostic = diagnosticsFor(source);
  const diagnostics = dropEchoes(all, source).sort((a, b) => a.from - b.from).map(toDiagnostic);
  return { program: { ...program, body }, frontMatter: front.frontMatter, diagnostics };
}

/** LANGUAGE.md §1: `async function main() { … }` as the whole file means its body. */
function unwrapMain(body: Statement[], problems: Problem[]): Statement[] {
  const only = body.length === 1 ? body[0] : null;
  if (only?.type !== "FunctionDeclaration" || only.id.name !== "main") return body;
  if (only.params.length > 0) {
    const first = only.params[0];
    const message = "main takes no parameters: read the start inputs from Inputs";
    problems.push({ code: "main-params", message, from: first.start, to: only.params.at(-1)!.end });
  }
  return only.body.body;
}

/** A reserved word already explains the syntax errors that follow it on its line. */
function dropEchoes(problems: Problem[], source: string): Problem[] {
  const words = problems.filter((p) => p.code === "unsupported");
  const sameLine = (w: Problem, p: Problem) =>
    p.from >= w.from && !source.slice(w.to, p.from).includes("\n");
  return problems.filter((p) => p.code !== "syntax" || !words.some((w) => sameLine(w, p)));
}

/** True when conversion stood in an empty name for a missing part. */
function containsPlaceholder(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsPlaceholder);
  if (value === null || typeof value !== "object") return false;
  const node = value as { type?: string; name?: string };
  if (node.type === "Identifier" && node.name === "") return true;
  return Object.values(value).some(containsPlaceholder);
}
