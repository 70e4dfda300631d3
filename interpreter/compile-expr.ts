/**
 * Expressions (LANGUAGE.md §4): one handler per ESTree node type, each leaving exactly
 * one value on the operand stack.
 * @module
 */
import type * as AST from "./ast.ts";
import { GLOBALS } from "./builtins.ts";
import type { FnCompiler } from "./compile-context.ts";
import * as OP from "./compile-opcodes.ts";
import { compileAssignment, compileUpdate } from "./compile-assign.ts";
import { loadName, staticKey } from "./compile-pattern.ts";

type Handler<T> = (c: FnCompiler, node: T) => void;
type Handlers = { [K in AST.Expression["type"]]: Handler<Extract<AST.Expression, { type: K }>> };

const BINARY: Record<AST.BinaryOperator, number> = {
  "==": OP.EQ,
  "!=": OP.NE,
  "===": OP.EQ,
  "!==": OP.NE,
  "<": OP.LT,
  "<=": OP.LE,
  ">": OP.GT,
  ">=": OP.GE,
  "+": OP.ADD,
  "-": OP.SUB,
  "*": OP.MUL,
  "/": OP.DIV,
  "%": OP.MOD,
  "**": OP.POW,
};

/** Names whose members are compiled to direct built-in references (`Math.max`). */
function staticGlobal(c: FnCompiler, node: AST.Expression): string | null {
  if (node.type !== "Identifier") return null;
  const spec = GLOBALS[node.name];
  if (!spec || !Object.hasOwn(GLOBALS, node.name) || spec.kind === "value") return null;
  if (node.name === "Context" || c.scope.resolve(node.name)) return null;
  return node.name;
}

/**
 * The source text of a node, shortened, for runtime messages (`f is not a function`).
 * @example
 * ```ts
 * // calleeText(c, node.callee) → "order.items.map"
 * ```
 */
export function sourceText(c: FnCompiler, node: AST.Span): string {
  const text = c.prog.source.slice(node.start, node.end).replace(/\s+/g, " ");
  return text.length > 40 ? text.slice(0, 40) + "…" : text;
}

const handlers: Handlers = {
  Identifier(c, node) {
    loadName(c, node.name);
  },
  Literal(c, node) {
    const v = node.value;
    if (v === null) c.emit(OP.NULL);
    else if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 2 ** 30) {
      c.emit(OP.INT, v);
    } else c.emit(OP.CONST, c.constant(v));
  },
  TemplateLiteral(c, node) {
    let parts = 0;
    node.quasis.forEach((q, i) => {
      if (q.value.cooked !== "") {
        c.emit(OP.CONST, c.constant(q.value.cooked));
        parts++;
      }
      const e = node.expressions[i];
      if (e) {
        compileExpr(c, e);
        parts++;
      }
    });
    if (parts === 0) c.emit(OP.CONST, c.constant(""));
    else c.emit(OP.TEMPLATE, parts);
  },
  ArrayExpression(c, node) {
    if (!node.elements.some((e) => e?.type === "SpreadElement")) {
      for (const e of node.elements) e ? compileExpr(c, e as AST.Expression) : c.emit(OP.NULL);
      c.emit(OP.ARRAY, node.elements.length);
      return;
    }
    c.emit(OP.ARRAY, 0);
    for (const e of node.elements) {
      if (e?.type === "SpreadElement") {
        compileExpr(c, e.argument);
        c.emit(OP.SPREAD);
      } else {
        e ? compileExpr(c, e) : c.emit(OP.NULL);
        c.emit(OP.APPEND);
      }
    }
  },
  ObjectExpression(c, node) {
    c.emit(OP.OBJECT);
    for (const p of node.properties) {
      if (p.type === "SpreadElement") {
        compileExpr(c, p.argument);
        c.emit(OP.OSPREAD);
        continue;
      }
      const key = staticKey(p);
      if (key === null) {
        compileExpr(c, p.key);
        compileExpr(c, p.value);
        c.emit(OP.PROPC);
      } else {
        compileExpr(c, p.value);
        c.emit(OP.PROP, c.constant(key));
      }
    }
  },
  FunctionExpression(c, node) {
    if (!node.id) return c.emit(OP.CLOSURE, c.prog.hooks.fn(c, node));
    // A named function expression sees its own name: a one-slot scope around it.
    const opened = c.openScope(true);
    const slot = c.scope.declare(node.id.name, "const");
    c.emit(OP.CLOSURE, c.prog.hooks.fn(c, node), OP.DUP, OP.STORE0, slot);
    c.closeScope(opened);
  },
  ArrowFunctionExpression(c, node) {
    c.emit(OP.CLOSURE, c.prog.hooks.fn(c, node));
  },
  UnaryExpression(c, node) {
    const arg = node.argument;
    if (node.operator === "-" && arg.type === "Literal" && typeof arg.value === "number") {
      c.emit(OP.CONST, c.constant(-arg.value));
      return;
    }
    compileExpr(c, arg);
    const ops = { "-": OP.NEG, "+": OP.POS, "!": OP.NOT, typeof: OP.TYPEOF };
    c.emit(ops[node.operator]);
  },
  UpdateExpression: compileUpdate,
  BinaryExpression(c, node) {
    compileExpr(c, node.left);
    compileExpr(c, node.right);
    c.emit(BINARY[node.operator]);
  },
  LogicalExpression(c, node) {
    compileExpr(c, node.left);
    const op = node.operator === "&&" ? OP.JFK : node.operator === "||" ? OP.JTK : OP.JNNK;
    const end = c.jump(op);
    compileExpr(c, node.right);
    c.patch(end);
  },
  AssignmentExpression: compileAssignment,
  ConditionalExpression(c, node) {
    compileExpr(c, node.test);
    const otherwise = c.jump(OP.JF);
    compileExpr(c, node.consequent);
    const end = c.jump(OP.JMP);
    c.patch(otherwise);
    compileExpr(c, node.alternate);
    c.patch(end);
  },
  CallExpression: compileCall,
  NewExpression: compileCall,
  MemberExpression(c, node) {
    const ns = staticGlobal(c, node.object);
    if (ns && !node.computed) {
      c.emit(OP.GLOBAL, c.constant(`${ns}.${(node.property as AST.Identifier).name}`));
      return;
    }
    compileExpr(c, node.object);
    if (node.optional) optionalJump(c, 0);
    if (node.computed) {
      compileExpr(c, node.property);
      c.emit(OP.GETI);
    } else c.emit(OP.GET, c.constant((node.property as AST.Identifier).name));
  },
  ChainExpression(c, node) {
    const outer = c.chain;
    c.chain = [];
    compileExpr(c, node.expression);
    for (const at of c.chain) c.patch(at);
    c.chain = outer;
  },
  AwaitExpression(c, node) {
    compileExpr(c, node.argument);
    c.at(node);
    c.emit(OP.AWAIT);
  },
  SequenceExpression(c, node) {
    node.expressions.forEach((e, i) => {
      compileExpr(c, e);
      if (i < node.expressions.length - 1) c.emit(OP.POP);
    });
  },
};

/** `?.`: when the top is null, drop `extra` values below it and end the chain with null. */
function optionalJump(c: FnCompiler, extra: number): void {
  const at = c.jump(OP.JNULL, extra);
  (c.chain ??= []).push(at);
}

/** Compiles call arguments; returns the count, or -1 when they were built as an array. */
function compileArgs(c: FnCompiler, args: (AST.Expression | AST.SpreadElement)[]): number {
  if (!args.some((a) => a.type === "SpreadElement")) {
    for (const a of args) compileExpr(c, a as AST.Expression);
    return args.length;
  }
  handlers.ArrayExpression(c, { type: "ArrayExpression", elements: args, start: 0, end: 0 });
  return -1;
}

/** Calls (LANGUAGE.md §2, §5, §6): built-ins directly, methods by name, closures by value. */
function compileCall(c: FnCompiler, node: AST.CallExpression | AST.NewExpression): void {
  const callee = node.callee;
  const optional = node.type === "CallExpression" && node.optional;
  const name = builtinName(c, callee);
  if (name) {
    const seed = name === "task" ? "Task.run" : name === "sleep" ? "Timer.delay" : null;
    const n = compileArgs(c, node.arguments);
    c.at(node);
    const k = c.constant(seed ?? name);
    n < 0 ? c.emit(OP.CALLBS, k) : c.emit(OP.CALLB, k, n);
    if (seed) c.emit(OP.AWAIT);
    return;
  }
  const text = c.constant(sourceText(c, callee));
  if (callee.type === "MemberExpression" && !callee.computed && !optional) {
    compileExpr(c, callee.object);
    if (callee.optional) optionalJump(c, 0);
    const n = compileArgs(c, node.arguments);
    c.at(node);
    const k = c.constant((callee.property as AST.Identifier).name);
    n < 0 ? c.emit(OP.CALLMS, k) : c.emit(OP.CALLM, k, n);
    return;
  }
  compileExpr(c, callee);
  if (optional) optionalJump(c, 0);
  const n = compileArgs(c, node.arguments);
  c.at(node);
  n < 0 ? c.emit(OP.CALLS, text) : c.emit(OP.CALL, n, text);
}

/** `parseInt`, `Math.max`, `task` … when the name is not shadowed by a variable. */
function builtinName(c: FnCompiler, callee: AST.Expression): string | null {
  if (callee.type === "Identifier") {
    const spec = Object.hasOwn(GLOBALS, callee.name) ? GLOBALS[callee.name] : null;
    if (!spec?.call || c.scope.resolve(callee.name)) return null;
    return callee.name;
  }
  if (callee.type === "MemberExpression" && !callee.computed && !callee.optional) {
    const ns = staticGlobal(c, callee.object);
    const member = (callee.property as AST.Identifier).name;
    if (ns && Object.hasOwn(GLOBALS[ns].members, member)) return `${ns}.${member}`;
  }
  return null;
}

/**
 * Compiles one expression, leaving its value on the stack.
 * @example
 * ```ts
 * // compileExpr(c, parseExpression("a + 1"))  →  LOAD0 a, INT 1, ADD
 * ```
 */
export function compileExpr(c: FnCompiler, node: AST.Expression): void {
  const handler = handlers[node.type] as Handler<AST.Expression> | undefined;
  if (!handler) throw new Error(`cannot compile a ${node.type}`);
  handler(c, node);
}
