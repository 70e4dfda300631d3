/**
 * The compiler: a checked `.flow` syntax tree → a {@link CompiledProgram}, one flat
 * instruction array per function (DESIGN.md "Interpreter"). Function 0 is the program.
 * @module
 */
import type * as AST from "./ast.ts";
import { type CompiledProgram, CScope, FnCompiler, ProgramCompiler } from "./compile-context.ts";
import * as OP from "./compile-opcodes.ts";
import { compileExpr } from "./compile-expr.ts";
import { bindElements, boundNames } from "./compile-pattern.ts";
import { compileStatement, declareBlock } from "./compile-stmt.ts";
import { durationMs, resolveRetry } from "./retry.ts";

type FunctionNode = AST.FunctionDeclaration | AST.FunctionExpression | AST.ArrowFunctionExpression;

function compileFunction(c: FnCompiler, node: FunctionNode): number {
  const hint = c.prog.nameHint;
  c.prog.nameHint = null;
  const own = node.type !== "ArrowFunctionExpression" && node.id ? node.id.name : null;
  const name = own ?? hint ?? "anonymous";
  return compileBody(c.prog, c.scope, name, node.params, node.body, [c.index, c.scope.info]);
}

function compileBody(
  prog: ProgramCompiler,
  parent: CScope | null,
  name: string,
  params: AST.Pattern[],
  body: AST.BlockStatement | AST.Expression,
  outer: [number, number] | null = null,
): number {
  const index = prog.functions.length;
  prog.functions.push(null as never);
  const fc = new FnCompiler(prog, name, new CScope(parent, true), index, outer);
  fc.at(body);
  if (params.every((p) => p.type === "Identifier")) {
    for (const p of params) fc.scope.declare((p as AST.Identifier).name, "param");
    fc.params = params.length;
  } else {
    for (const p of params) for (const n of boundNames(p)) fc.scope.declare(n, "param");
    fc.params = -1;
    bindElements(fc, params, "declare");
  }
  if (body.type === "BlockStatement") {
    declareBlock(fc, body.body);
    for (const s of body.body) compileStatement(fc, s);
    fc.emit(OP.NULL, OP.RET);
  } else {
    compileExpr(fc, body);
    fc.emit(OP.RET);
  }
  prog.functions[index] = fc.finish();
  return index;
}

/** The compiled form of a program's front matter (LANGUAGE.md §1). */
function frontMatterOptions(frontMatter: AST.FrontMatter) {
  const defaults: CompiledProgram["defaults"] = {};
  if (typeof frontMatter.queue === "string") defaults.queue = frontMatter.queue;
  if (frontMatter.retry !== undefined) {
    const retry = resolveRetry(frontMatter.retry);
    if (typeof retry !== "string") defaults.retry = retry;
  }
  const timeout = frontMatter.timeout === undefined ? null : durationMs(frontMatter.timeout);
  const description = typeof frontMatter.description === "string" ? frontMatter.description : null;
  return { defaults, timeout, description };
}

/**
 * Compiles a parsed, checked program. Throws only on compiler bugs or trees too deep to
 * walk; `compile` in `mod.ts` turns those into diagnostics.
 * @example
 * ```ts
 * const { program, frontMatter } = parse("return 1");
 * const compiled = compileProgram(program, frontMatter, "return 1", hash);
 * compiled.functions[0].code; // [INT, 1, RET, NULL, RET]
 * ```
 */
export function compileProgram(
  program: AST.Program,
  frontMatter: AST.FrontMatter,
  source: string,
  hash: string,
): CompiledProgram {
  const prog = new ProgramCompiler(source, {
    expr: compileExpr,
    statement: compileStatement,
    fn: compileFunction,
  });
  compileBody(prog, null, "main", [], { ...program, type: "BlockStatement" });
  return { format: 1, hash, functions: prog.functions, ...frontMatterOptions(frontMatter) };
}
