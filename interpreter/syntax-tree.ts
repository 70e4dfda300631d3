/**
 * Small helpers for reading the Lezer tree while building the AST: children, text, and
 * node spans that ignore zero-length tokens (inserted semicolons, recovered errors).
 * @module
 */
import type { SyntaxNode } from "@lezer/common";
import type { BlockStatement, Expression } from "./ast.ts";

/** A problem found while converting, before line/column are attached. */
export interface Problem {
  code: string;
  message: string;
  from: number;
  to: number;
}

/** What every tree-to-AST handler receives. */
export interface Converter {
  source: string;
  problems: Problem[];
  /** Converts a `Block` node (lives in the statement module; passed in to avoid a cycle). */
  block(node: SyntaxNode): BlockStatement;
  /** Converts an expression node, or stands in for a missing one at `pos`. */
  expression(node: SyntaxNode | null | undefined, pos?: number): Expression;
}

/**
 * The direct children of a node, error nodes included.
 * @example
 * ```ts
 * children(node).map((c) => c.name); // ["(", "Number", ")"]
 * ```
 */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (!isComment(c)) out.push(c);
  }
  return out;
}

/**
 * The source text a node covers.
 * @example
 * ```ts
 * textOf(ctx, node); // "letter"
 * ```
 */
export function textOf(ctx: Converter, node: SyntaxNode): string {
  return ctx.source.slice(node.from, node.to);
}

/**
 * Where a node really ends: the end of its last non-empty token. Lezer ends a statement at
 * its inserted (zero-length) semicolon, which sits after the following whitespace.
 * @example
 * ```ts
 * endOf(statementNode); // offset just after `x` in "let a = x\n"
 * ```
 */
export function endOf(node: SyntaxNode): number {
  for (let c = node.lastChild; c; c = c.prevSibling) {
    if (c.from === c.to || isComment(c)) continue;
    return c.firstChild ? endOf(c) : c.to;
  }
  return node.firstChild ? node.from : node.to;
}

/**
 * True for comment nodes, which Lezer places inside whatever node they fall in.
 * @example
 * ```ts
 * isComment(node); // true for `// note`
 * ```
 */
export function isComment(node: SyntaxNode): boolean {
  return node.name === "LineComment" || node.name === "BlockComment";
}

/**
 * True for recovered-error nodes (`⚠`).
 * @example
 * ```ts
 * isError(node); // false for a well-formed node
 * ```
 */
export function isError(node: SyntaxNode): boolean {
  return node.type.isError;
}

/**
 * Records a problem for the diagnostic list.
 * @example
 * ```ts
 * report(ctx, "syntax", "Unexpected ')'", node.from, node.to);
 * ```
 */
export function report(
  ctx: Converter,
  code: string,
  message: string,
  from: number,
  to: number,
): void {
  ctx.problems.push({ code, message, from, to });
}

/**
 * Splits a bracketed list's children at commas: `[a, , b]` → `[[a], [], [b]]`; a trailing
 * comma does not add an empty slot. Brackets and error nodes are dropped.
 * @example
 * ```ts
 * commaSlots(arrayNode).length; // number of elements, holes included
 * ```
 */
export function commaSlots(node: SyntaxNode, open: string, close: string): SyntaxNode[][] {
  const slots: SyntaxNode[][] = [];
  let current: SyntaxNode[] = [];
  for (const c of children(node)) {
    if (c.name === open || c.name === close || isError(c)) continue;
    if (c.name === ",") {
      slots.push(current);
      current = [];
    } else current.push(c);
  }
  if (current.length > 0) slots.push(current);
  return slots;
}
