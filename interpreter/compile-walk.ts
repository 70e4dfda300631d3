/**
 * Small syntax-tree queries the compiler needs: whether a subtree creates closures
 * (which decides if a block needs its own scope at run time).
 * @module
 */
import type * as AST from "./ast.ts";

const memo = new WeakMap<object, boolean>();

/**
 * Calls `visit` for each direct child node of `node`.
 * @example
 * ```ts
 * // forEachChild(binary, (n) => …) visits binary.left and binary.right
 * ```
 */
export function forEachChild(node: object, visit: (child: AST.Node) => void): void {
  for (const key in node) {
    if (key === "start" || key === "end" || key === "type") continue;
    const v = (node as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const item of v) if (item && typeof item === "object" && "type" in item) visit(item);
    } else if (v && typeof v === "object" && "type" in v) visit(v as AST.Node);
  }
}

/**
 * True when `node` contains a function or arrow expression/declaration.
 * Iterative, so deeply nested trees cannot overflow the stack.
 * @example
 * ```ts
 * // containsFunction(parse("for (;;) { xs.map(x => x) }").body[0]) === true
 * ```
 */
export function containsFunction(node: object): boolean {
  const known = memo.get(node);
  if (known !== undefined) return known;
  const todo: object[] = [node];
  let found = false;
  while (todo.length && !found) {
    const n = todo.pop()!;
    const type = (n as AST.Node).type;
    if (
      type === "FunctionDeclaration" || type === "FunctionExpression" ||
      type === "ArrowFunctionExpression"
    ) {
      found = true;
    } else if (memo.get(n) !== true) forEachChild(n, (child) => todo.push(child));
  }
  memo.set(node, found);
  return found;
}
