/**
 * Assignment (LANGUAGE.md §4): `=` to names, members, indexes and patterns; compound
 * `+= -= *= /= %= **=`; logical `??= ||= &&=`; `++`/`--`. Each leaves the assigned value
 * (or, for postfix updates, the old value) on the stack.
 * @module
 */
import type * as AST from "./ast.ts";
import type { FnCompiler } from "./compile-context.ts";
import * as OP from "./compile-opcodes.ts";
import { bindPattern, loadName, storeName } from "./compile-pattern.ts";

const ARITHMETIC: Record<string, number> = {
  "+=": OP.ADD,
  "-=": OP.SUB,
  "*=": OP.MUL,
  "/=": OP.DIV,
  "%=": OP.MOD,
  "**=": OP.POW,
};
const LOGICAL: Record<string, number> = { "??=": OP.JNNK, "||=": OP.JTK, "&&=": OP.JFK };

function expr(c: FnCompiler, node: AST.Expression): void {
  c.prog.hooks.expr(c, node);
}

/** Pushes the member's object (and key, when computed); returns the GET/SET flavour. */
function target(c: FnCompiler, m: AST.MemberExpression): { computed: boolean; k: number } {
  expr(c, m.object);
  if (m.computed) {
    expr(c, m.property);
    return { computed: true, k: 0 };
  }
  return { computed: false, k: c.constant((m.property as AST.Identifier).name) };
}

/** Duplicates the target and reads it: obj [key] → obj [key] value. */
function read(c: FnCompiler, t: { computed: boolean; k: number }): void {
  if (t.computed) c.emit(OP.DUP2, OP.GETI);
  else c.emit(OP.DUP, OP.GET, t.k);
}

function write(c: FnCompiler, t: { computed: boolean; k: number }): void {
  if (t.computed) c.emit(OP.SETI);
  else c.emit(OP.SET, t.k);
}

/**
 * Compiles an assignment expression.
 * @example
 * ```ts
 * // o.a += 1  →  o DUP GET a INT 1 ADD SET a
 * ```
 */
export function compileAssignment(c: FnCompiler, node: AST.AssignmentExpression): void {
  const left = node.left;
  const op = node.operator;
  if (left.type === "Identifier") return assignName(c, left.name, op, node.right);
  if (left.type !== "MemberExpression") {
    expr(c, node.right);
    c.emit(OP.DUP);
    bindPattern(c, left, "assign");
    return;
  }
  const t = target(c, left);
  if (op === "=") {
    expr(c, node.right);
  } else if (LOGICAL[op] !== undefined) {
    read(c, t);
    const skip = c.jump(LOGICAL[op]);
    expr(c, node.right);
    write(c, t);
    const end = c.jump(OP.JMP);
    c.patch(skip);
    c.emit(OP.SWAP, OP.POP);
    if (t.computed) c.emit(OP.SWAP, OP.POP);
    c.patch(end);
    return;
  } else {
    read(c, t);
    expr(c, node.right);
    c.emit(ARITHMETIC[op]);
  }
  c.at(node);
  write(c, t);
}

function assignName(c: FnCompiler, name: string, op: string, right: AST.Expression): void {
  if (op === "=") {
    expr(c, right);
  } else if (LOGICAL[op] !== undefined) {
    loadName(c, name);
    const end = c.jump(LOGICAL[op]);
    expr(c, right);
    c.emit(OP.DUP);
    storeName(c, name, false);
    c.patch(end);
    return;
  } else {
    loadName(c, name);
    expr(c, right);
    c.emit(ARITHMETIC[op]);
  }
  c.emit(OP.DUP);
  storeName(c, name, false);
}

/**
 * Compiles `++x`, `x--`, `o.n++`, `a[i]--`.
 * @example
 * ```ts
 * // i++  →  LOAD0 i POS DUP INT 1 ADD STORE0 i
 * ```
 */
export function compileUpdate(c: FnCompiler, node: AST.UpdateExpression): void {
  const step = node.operator === "++" ? OP.ADD : OP.SUB;
  const undo = node.operator === "++" ? OP.SUB : OP.ADD;
  const arg = node.argument;
  if (arg.type === "Identifier") {
    loadName(c, arg.name);
    c.emit(OP.POS);
    if (node.prefix) c.emit(OP.INT, 1, step, OP.DUP);
    else c.emit(OP.DUP, OP.INT, 1, step);
    storeName(c, arg.name, false);
    return;
  }
  const t = target(c, arg);
  read(c, t);
  c.emit(OP.POS, OP.INT, 1, step);
  write(c, t);
  if (!node.prefix) c.emit(OP.INT, 1, undo);
}

/** True when `name` resolves to a variable that may be assigned (not a constant). */
function isVariable(c: FnCompiler, name: string): boolean {
  for (let s: FnCompiler["scope"] | null = c.scope; s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b.kind !== "const";
  }
  return false;
}

/**
 * Compiles an expression whose value is not used (an expression statement, a `for`
 * update): assignments and updates of variables store without keeping a copy.
 * @example
 * ```ts
 * // i++ as a statement  →  LOAD0 i POS INT 1 ADD STORE0 i
 * ```
 */
export function compileEffect(c: FnCompiler, node: AST.Expression): void {
  if (node.type === "UpdateExpression" && node.argument.type === "Identifier") {
    const found = c.scope.resolve(node.argument.name);
    if (found?.depth === 0 && isVariable(c, node.argument.name)) {
      return c.emit(OP.INCL, found.slot, node.operator === "++" ? 1 : -1);
    }
    loadName(c, node.argument.name);
    c.emit(OP.POS, OP.INT, 1, node.operator === "++" ? OP.ADD : OP.SUB);
    return storeName(c, node.argument.name, false);
  }
  if (
    node.type === "AssignmentExpression" && node.left.type === "Identifier" &&
    (node.operator === "=" || ARITHMETIC[node.operator] !== undefined)
  ) {
    if (node.operator !== "=") loadName(c, node.left.name);
    expr(c, node.right);
    if (node.operator !== "=") c.emit(ARITHMETIC[node.operator]);
    return storeName(c, node.left.name, false);
  }
  expr(c, node);
  c.emit(OP.POP);
}
