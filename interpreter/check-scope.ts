/**
 * Lexical scopes for the checker (LANGUAGE.md §4–5): block scoping with real shadowing,
 * hoisted function declarations, and the names a pattern binds.
 * @module
 */
import type { Identifier, Pattern, Statement } from "./ast.ts";

/** How a name was declared. */
export type BindingKind = "let" | "const" | "function" | "param" | "catch";

/** One declared name. */
export interface Binding {
  kind: BindingKind;
  node: Identifier;
  /**
   * For `let`/`const`: the offset from which the name has its value in source order (the end
   * of its name, or of the outermost default around it: `[a = f()]`), and the code that runs
   * before the name gets its value although it comes later (the initializer, a `for…of` head).
   */
  ready?: number;
  before?: { start: number; end: number } | null;
  /** The function body (or program) that declares the name; set by the checker. */
  owner?: object;
}

/** A block, function or program scope. */
export interface Scope {
  parent: Scope | null;
  names: Map<string, Binding>;
}

/**
 * A new scope inside `parent`.
 * @example
 * ```ts
 * const top = newScope(null);
 * const inner = newScope(top);
 * ```
 */
export function newScope(parent: Scope | null): Scope {
  return { parent, names: new Map() };
}

/**
 * Finds the binding a name refers to, searching outwards.
 * @example
 * ```ts
 * lookup(scope, "x")?.kind; // "const"
 * ```
 */
export function lookup(scope: Scope | null, name: string): Binding | undefined {
  for (let s = scope; s; s = s.parent) {
    const found = s.names.get(name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Every name visible from `scope` (for "did you mean" hints).
 * @example
 * ```ts
 * [...visibleNames(scope)]; // ["x", "total", …]
 * ```
 */
export function* visibleNames(scope: Scope | null): Generator<string> {
  for (let s = scope; s; s = s.parent) yield* s.names.keys();
}

/**
 * The identifiers a binding pattern declares, in source order.
 * @example
 * ```ts
 * boundNames(pattern).map((id) => id.name); // ["a", "b", "rest"]
 * ```
 */
export function boundNames(pattern: Pattern | null): Identifier[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case "Identifier":
      return pattern.name === "" ? [] : [pattern];
    case "ObjectPattern":
      return pattern.properties.flatMap((p) =>
        p.type === "RestElement" ? boundNames(p.argument) : boundNames(p.value)
      );
    case "ArrayPattern":
      return pattern.elements.flatMap((e) => boundNames(e));
    case "AssignmentPattern":
      return boundNames(pattern.left);
    case "RestElement":
      return boundNames(pattern.argument);
    case "MemberExpression":
      return [];
  }
}

/**
 * The declarations a statement list makes in its own scope: `let`, `const` and (hoisted)
 * function declarations.
 * @example
 * ```ts
 * declarationsOf(program.body); // [{ kind: "function", node: … }, …]
 * ```
 */
export function declarationsOf(statements: Statement[]): Binding[] {
  return statements.flatMap((s): Binding[] => {
    if (s.type === "FunctionDeclaration") {
      return s.id.name ? [{ kind: "function", node: s.id }] : [];
    }
    if (s.type !== "VariableDeclaration") return [];
    return s.declarations.flatMap((d) =>
      readyAt(d.id, 0).map(([node, ready]) => ({ kind: s.kind, node, ready, before: d.init }))
    );
  });
}

/** The names a pattern binds, each with the offset from which it has its value. */
function readyAt(pattern: Pattern | null, after: number): [Identifier, number][] {
  if (!pattern) return [];
  switch (pattern.type) {
    case "Identifier":
      return pattern.name === "" ? [] : [[pattern, Math.max(pattern.end, after)]];
    case "ObjectPattern":
      return pattern.properties.flatMap((p) =>
        readyAt(p.type === "RestElement" ? p.argument : p.value, after)
      );
    case "ArrayPattern":
      return pattern.elements.flatMap((e) => readyAt(e, after));
    case "AssignmentPattern":
      return readyAt(pattern.left, Math.max(pattern.end, after));
    case "RestElement":
      return readyAt(pattern.argument, after);
    case "MemberExpression":
      return [];
  }
}
