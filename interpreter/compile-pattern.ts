/**
 * Destructuring (LANGUAGE.md §4): binding patterns in declarations, parameters, `for`
 * heads and catch clauses, and assignment patterns. Every function here consumes the
 * value on top of the operand stack.
 * @module
 */
import type * as AST from "./ast.ts";
import type { FnCompiler } from "./compile-context.ts";
import * as OP from "./compile-opcodes.ts";

/** How a pattern's names are bound: declared here, or assigned to existing variables. */
export type BindMode = "declare" | "assign";

/**
 * Pops the value on top of the stack into `pattern`.
 * @example
 * ```ts
 * // const { a, b = 5 } = value  →  bindPattern(c, pattern, "declare")
 * ```
 */
export function bindPattern(c: FnCompiler, pattern: AST.Pattern, mode: BindMode): void {
  switch (pattern.type) {
    case "Identifier":
      return storeName(c, pattern.name, mode === "declare");
    case "MemberExpression":
      return storeMember(c, pattern);
    case "AssignmentPattern": {
      const has = c.jump(OP.JNNK);
      c.prog.hooks.expr(c, pattern.right);
      c.patch(has);
      return bindPattern(c, pattern.left, mode);
    }
    case "ObjectPattern":
      return bindObject(c, pattern, mode);
    case "ArrayPattern":
      c.emit(OP.TOARRAY);
      return bindElements(c, pattern.elements, mode);
    case "RestElement":
      return bindPattern(c, pattern.argument, mode);
  }
}

/**
 * Binds the elements of an array pattern from the array on top of the stack, then pops
 * it. Parameter lists use this too (the argument array is the value).
 * @example
 * ```ts
 * // const [p, , q = 9] = xs
 * ```
 */
export function bindElements(
  c: FnCompiler,
  elements: (AST.Pattern | null)[],
  mode: BindMode,
): void {
  elements.forEach((el, i) => {
    if (!el) return;
    if (el.type === "RestElement") {
      c.emit(OP.DUP, OP.SLICE, i);
      bindPattern(c, el.argument, mode);
    } else {
      c.emit(OP.DUP, OP.INT, i, OP.GETI);
      bindPattern(c, el, mode);
    }
  });
  c.emit(OP.POP);
}

function bindObject(c: FnCompiler, pattern: AST.ObjectPattern, mode: BindMode): void {
  c.emit(OP.NOTNULL, c.constant(patternText(c, pattern)));
  // A rest after computed keys needs their values at run time: they collect in an array
  // kept under the object (`keys obj`), and GETK/ORESTK read it.
  const props = pattern.properties;
  const dynamic = props.some((p) => p.type === "RestElement") &&
    props.some((p) => p.type !== "RestElement" && staticKey(p) === null);
  if (dynamic) c.emit(OP.ARRAY, 0, OP.SWAP);
  const keys: string[] = [];
  for (const prop of props) {
    if (prop.type === "RestElement") {
      if (dynamic) c.emit(OP.DUP2, OP.ORESTK, c.constant(keys.slice()));
      else c.emit(OP.DUP, OP.OREST, c.constant(keys.slice()));
      bindPattern(c, prop.argument, mode);
      continue;
    }
    const key = staticKey(prop);
    if (key === null && dynamic) {
      c.prog.hooks.expr(c, prop.key);
      c.emit(OP.GETK);
    } else if (key === null) {
      c.emit(OP.DUP);
      c.prog.hooks.expr(c, prop.key);
      c.emit(OP.GETI);
    } else {
      keys.push(key);
      c.emit(OP.DUP, OP.GET, c.constant(key));
    }
    bindPattern(c, prop.value, mode);
  }
  c.emit(OP.POP);
  if (dynamic) c.emit(OP.POP);
}

/**
 * The key of a non-computed property (`a`, `"a"`, `1`), or null when computed.
 * @example
 * ```ts
 * // { a: 1 } → "a"; { [k]: 1 } → null
 * ```
 */
export function staticKey(prop: { key: AST.Expression; computed: boolean }): string | null {
  if (prop.computed) return null;
  if (prop.key.type === "Identifier") return prop.key.name;
  if (prop.key.type === "Literal") return String(prop.key.value);
  return null;
}

function patternText(c: FnCompiler, node: AST.Span): string {
  const text = c.prog.source.slice(node.start, node.end);
  return text.length > 40 ? text.slice(0, 40) + "…" : text;
}

/**
 * Pops the top of the stack into the variable `name` (or raises a TypeError at run time
 * for a constant or a global, which the checker reports first).
 * @example
 * ```ts
 * // x = 1  →  ... storeName(c, "x", false)
 * ```
 */
export function storeName(c: FnCompiler, name: string, declaring: boolean): void {
  const found = c.scope.resolve(name);
  const binding = found && findBinding(c, name);
  if (!found || (!declaring && binding?.kind === "const")) {
    const why = found ? `assignment to the constant ${name}` : `cannot assign to ${name}`;
    c.emit(OP.POP, OP.CONST, c.constant(why), OP.CALLB, c.constant("TypeError"), 1, OP.THROW);
    return;
  }
  if (found.depth === 0) c.emit(OP.STORE0, found.slot);
  else c.emit(OP.STORE, found.depth, found.slot);
}

/**
 * Pushes the variable `name`: a local (depth, slot) or a global.
 * @example
 * ```ts
 * // x  →  LOAD0 slot
 * ```
 */
export function loadName(c: FnCompiler, name: string): void {
  const found = c.scope.resolve(name);
  if (!found) c.emit(OP.GLOBAL, c.constant(name));
  else if (found.depth === 0) c.emit(OP.LOAD0, found.slot);
  else if (found.depth === 1) c.emit(OP.LOAD1, found.slot);
  else c.emit(OP.LOAD, found.depth, found.slot);
}

function findBinding(c: FnCompiler, name: string) {
  for (let s = c.scope as typeof c.scope | null; s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b;
  }
  return null;
}

function storeMember(c: FnCompiler, target: AST.MemberExpression): void {
  c.prog.hooks.expr(c, target.object);
  if (target.computed) {
    c.prog.hooks.expr(c, target.property);
    c.emit(OP.ROT3, OP.SETI, OP.POP);
  } else {
    c.emit(OP.SWAP, OP.SET, c.constant((target.property as AST.Identifier).name), OP.POP);
  }
}

/**
 * Every name a pattern declares, in source order.
 * @example
 * ```ts
 * // { a, b: [c, ...d] }  →  ["a", "c", "d"]
 * ```
 */
export function boundNames(pattern: AST.Pattern | null, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case "Identifier":
      out.push(pattern.name);
      break;
    case "AssignmentPattern":
      boundNames(pattern.left, out);
      break;
    case "RestElement":
      boundNames(pattern.argument, out);
      break;
    case "ArrayPattern":
      for (const el of pattern.elements) boundNames(el, out);
      break;
    case "ObjectPattern":
      for (const p of pattern.properties) {
        boundNames(p.type === "RestElement" ? p.argument : p.value, out);
      }
      break;
  }
  return out;
}
