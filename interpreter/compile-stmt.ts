/**
 * Statements (LANGUAGE.md §4): one handler per ESTree statement type. Block scopes exist
 * at run time only where a closure could capture a per-iteration binding; elsewhere their
 * variables get their own slots in the enclosing runtime scope (same meaning, no cost).
 * @module
 */
import type * as AST from "./ast.ts";
import type { FnCompiler, LoopContext } from "./compile-context.ts";
import * as OP from "./compile-opcodes.ts";
import { compileEffect } from "./compile-assign.ts";
import { compileExpr } from "./compile-expr.ts";
import { bindPattern, boundNames } from "./compile-pattern.ts";
import { containsFunction } from "./compile-walk.ts";

type Handler<T> = (c: FnCompiler, node: T) => void;
type Handlers = { [K in AST.Statement["type"]]: Handler<Extract<AST.Statement, { type: K }>> };

/**
 * Declares a statement list's `let`/`const`/function names in the current scope and
 * initialises its function declarations (hoisting, LANGUAGE.md §5).
 * @example
 * ```ts
 * // { f(); function f() {} }  →  CLOSURE f STORE0 f, then the statements
 * ```
 */
export function declareBlock(c: FnCompiler, body: AST.Statement[]): void {
  for (const s of body) {
    if (s.type === "VariableDeclaration") {
      for (const d of s.declarations) {
        for (const n of boundNames(d.id)) c.scope.declare(n, s.kind);
      }
    } else if (s.type === "FunctionDeclaration") c.scope.declare(s.id.name, "function");
  }
  for (const s of body) {
    if (s.type !== "FunctionDeclaration") continue;
    c.at(s);
    c.emit(OP.CLOSURE, c.prog.hooks.fn(c, s));
    bindPattern(c, s.id, "declare");
  }
}

/** Whether an initialiser is a function, which takes the declared name (JS's name inference). */
function isFunction(node: AST.Expression): boolean {
  return node.type === "ArrowFunctionExpression" || node.type === "FunctionExpression";
}

function hasDeclarations(body: AST.Statement[]): boolean {
  return body.some((s) => s.type === "VariableDeclaration" || s.type === "FunctionDeclaration");
}

/** Compiles a block's statements inside its own scope when it declares names. */
function block(c: FnCompiler, body: AST.Statement[], node: AST.Node): void {
  if (!hasDeclarations(body)) {
    for (const s of body) compileStatement(c, s);
    return;
  }
  const opened = c.openScope(c.loopNesting > 0 && containsFunction(node));
  declareBlock(c, body);
  for (const s of body) compileStatement(c, s);
  c.closeScope(opened);
}

/** Labels of labelled loops, by loop node. */
const labels = new WeakMap<AST.Node, string>();

function openLoop(c: FnCompiler, node: AST.Node, breakHeight = c.height): LoopContext {
  const loop: LoopContext = {
    label: labels.get(node) ?? null,
    breaks: [],
    continues: [],
    breakDepth: c.depth,
    continueDepth: c.depth,
    handlerDepth: c.handlers,
    breakHeight,
    continueHeight: c.height,
  };
  c.loops.push(loop);
  c.loopNesting++;
  return loop;
}

function closeLoop(c: FnCompiler, loop: LoopContext, continueAt: number, breakAt: number): void {
  for (const at of loop.continues) c.patch(at, continueAt);
  for (const at of loop.breaks) c.patch(at, breakAt);
  c.loops.pop();
  c.loopNesting--;
}

/** Jumps out of loops and through `finally` blocks (`break`, `continue`). */
function jumpOut(c: FnCompiler, loop: LoopContext, isBreak: boolean): void {
  const depth = isBreak ? loop.breakDepth : loop.continueDepth;
  const height = isBreak ? loop.breakHeight : loop.continueHeight;
  let at: number;
  if (c.handlers === loop.handlerDepth) {
    for (let i = c.height; i > height; i--) c.emit(OP.POP);
    for (let i = c.depth; i > depth; i--) c.emit(OP.EXIT);
    at = c.jump(OP.JMP);
  } else {
    at = c.jump(OP.LEAVE, loop.handlerDepth, depth, c.depth, height);
  }
  (isBreak ? loop.breaks : loop.continues).push(at);
}

function findLoop(c: FnCompiler, label: AST.Identifier | null): LoopContext | null {
  for (let i = c.loops.length - 1; i >= 0; i--) {
    if (!label || c.loops[i].label === label.name) return c.loops[i];
  }
  return null;
}

function throwNow(c: FnCompiler, name: string, message: string): void {
  c.emit(OP.CONST, c.constant(message), OP.CALLB, c.constant(name), 1, OP.THROW);
}

/** Binds a `for`-head left side (`const x`, `[k, v]`, `o.x`) from the stack top. */
function bindHead(c: FnCompiler, left: AST.VariableDeclaration | AST.Pattern): void {
  if (left.type === "VariableDeclaration") {
    bindPattern(c, left.declarations[0].id, "declare");
  } else bindPattern(c, left, "assign");
}

function forEachLoop(c: FnCompiler, node: AST.ForOfStatement | AST.ForInStatement): void {
  compileExpr(c, node.right);
  c.at(node);
  c.emit(node.type === "ForOfStatement" ? OP.ITER : OP.ITERKEYS);
  const outerHeight = c.height;
  c.height += 2;
  const loop = openLoop(c, node, outerHeight + 2);
  const top = c.here();
  const done = c.jump(OP.NEXT);
  const decl = node.left.type === "VariableDeclaration" ? node.left : null;
  const opened = decl ? c.openScope(containsFunction(node)) : null;
  if (decl) { for (const n of boundNames(decl.declarations[0].id)) c.scope.declare(n, decl.kind); }
  loop.continueDepth = c.depth;
  bindHead(c, node.left);
  compileStatement(c, node.body);
  const cont = c.here();
  if (opened) c.closeScope(opened);
  c.emit(OP.JMP, top);
  const exit = c.here();
  c.patch(done, exit);
  c.emit(OP.POP, OP.POP);
  c.height = outerHeight;
  closeLoop(c, loop, cont, exit);
}

const handlers: Handlers = {
  VariableDeclaration(c, node) {
    for (const d of node.declarations) {
      c.at(d);
      const init = d.init;
      if (init && d.id.type === "Identifier" && isFunction(init)) c.prog.nameHint = d.id.name;
      if (init) compileExpr(c, init);
      else c.emit(OP.NULL);
      c.prog.nameHint = null;
      bindPattern(c, d.id, "declare");
    }
  },
  FunctionDeclaration() {
    // Hoisted: initialised when its block is entered (declareBlock).
  },
  ExpressionStatement(c, node) {
    compileEffect(c, node.expression);
  },
  BlockStatement(c, node) {
    block(c, node.body, node);
  },
  EmptyStatement() {},
  IfStatement(c, node) {
    compileExpr(c, node.test);
    const otherwise = c.jump(OP.JF);
    compileStatement(c, node.consequent);
    if (!node.alternate) return c.patch(otherwise);
    const end = c.jump(OP.JMP);
    c.patch(otherwise);
    compileStatement(c, node.alternate);
    c.patch(end);
  },
  WhileStatement(c, node) {
    const loop = openLoop(c, node);
    const top = c.here();
    compileExpr(c, node.test);
    const exit = c.jump(OP.JF);
    compileStatement(c, node.body);
    c.emit(OP.JMP, top);
    c.patch(exit);
    closeLoop(c, loop, top, c.here());
  },
  DoWhileStatement(c, node) {
    const loop = openLoop(c, node);
    const top = c.here();
    compileStatement(c, node.body);
    const cont = c.here();
    compileExpr(c, node.test);
    c.emit(OP.JT, top);
    closeLoop(c, loop, cont, c.here());
  },
  ForStatement(c, node) {
    const init = node.init;
    const decl = init?.type === "VariableDeclaration" ? init : null;
    const perIteration = !!decl && containsFunction(node);
    const opened = decl ? c.openScope(perIteration) : null;
    if (decl) declareBlock(c, [decl]);
    if (decl) compileStatement(c, decl);
    else if (init) {
      compileExpr(c, init as AST.Expression);
      c.emit(OP.POP);
    }
    const loop = openLoop(c, node);
    const top = c.here();
    let exit = -1;
    if (node.test) {
      compileExpr(c, node.test);
      exit = c.jump(OP.JF);
    }
    compileStatement(c, node.body);
    const cont = c.here();
    if (perIteration) c.emit(OP.COPYSCOPE);
    if (node.update) compileEffect(c, node.update);
    c.emit(OP.JMP, top);
    if (exit >= 0) c.patch(exit);
    closeLoop(c, loop, cont, c.here());
    if (opened) c.closeScope(opened);
  },
  ForOfStatement: forEachLoop,
  ForInStatement: forEachLoop,
  BreakStatement(c, node) {
    const loop = findLoop(c, node.label);
    if (!loop) return throwNow(c, "SyntaxError", "break outside a loop");
    jumpOut(c, loop, true);
  },
  ContinueStatement(c, node) {
    const loop = findLoop(c, node.label);
    if (!loop) return throwNow(c, "SyntaxError", "continue outside a loop");
    jumpOut(c, loop, false);
  },
  ReturnStatement(c, node) {
    if (node.argument) compileExpr(c, node.argument);
    else c.emit(OP.NULL);
    c.at(node);
    c.emit(OP.RET);
  },
  ThrowStatement(c, node) {
    compileExpr(c, node.argument);
    c.at(node);
    c.emit(OP.THROW);
  },
  TryStatement: compileTry,
  LabeledStatement(c, node) {
    labels.set(node.body, node.label.name);
    compileStatement(c, node.body);
  },
};

/** try/catch/finally: a handler record at run time, completions through `finally`. */
function compileTry(c: FnCompiler, node: AST.TryStatement): void {
  const fin = node.finalizer;
  c.emit(OP.TRY, -1, -1);
  const catchAt = c.code.length - 2;
  const finallyAt = c.code.length - 1;
  c.handlers++;
  block(c, node.block.body, node.block);
  c.handlers--;
  const ends = [c.jump(OP.TRYEND)];
  if (node.handler) {
    c.patch(catchAt);
    if (fin) c.handlers++;
    compileCatch(c, node.handler);
    if (fin) {
      c.handlers--;
      ends.push(c.jump(OP.TRYEND));
    } else ends.push(c.jump(OP.JMP));
  }
  if (fin) {
    c.patch(finallyAt);
    c.height++;
    block(c, fin.body, fin);
    c.height--;
    c.emit(OP.ENDFIN, c.depth);
  }
  for (const at of ends) c.patch(at);
}

function compileCatch(c: FnCompiler, clause: AST.CatchClause): void {
  if (!clause.param) {
    c.emit(OP.POP);
    block(c, clause.body.body, clause.body);
    return;
  }
  const opened = c.openScope(c.loopNesting > 0 && containsFunction(clause));
  for (const n of boundNames(clause.param)) c.scope.declare(n, "let");
  bindPattern(c, clause.param, "declare");
  block(c, clause.body.body, clause.body);
  c.closeScope(opened);
}

/**
 * Compiles one statement.
 * @example
 * ```ts
 * // compileStatement(c, parseStatement("x += 1"))
 * ```
 */
export function compileStatement(c: FnCompiler, node: AST.Statement): void {
  c.at(node);
  const handler = handlers[node.type] as Handler<AST.Statement> | undefined;
  if (!handler) throw new Error(`cannot compile a ${node.type}`);
  handler(c, node);
}
