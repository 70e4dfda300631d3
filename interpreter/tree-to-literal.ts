/**
 * Lezer tree → ESTree leaves: identifiers, literals and template literals (LANGUAGE.md §3),
 * with the values decoded and bad literals reported.
 * @module
 */
import type { Expression, Identifier, TemplateElement, TemplateLiteral } from "./ast.ts";
import { cookTemplate, decodeNumber, decodeString } from "./literals.ts";
import { children, type Converter, report, type SyntaxNode, textOf } from "./syntax-tree.ts";

/**
 * The identifier that stands in for a missing part of a broken program.
 * @example
 * ```ts
 * placeholder(4); // { type: "Identifier", name: "", start: 4, end: 4 }
 * ```
 */
export function placeholder(pos: number): Identifier {
  placeholders++;
  return { type: "Identifier", name: "", start: pos, end: pos };
}

let placeholders = 0;

/**
 * How many placeholders were made so far: a conversion that made none needs no search
 * for them in its tree.
 * @example
 * ```ts
 * const before = placeholderCount();
 * placeholder(0);
 * placeholderCount() - before; // 1
 * ```
 */
export function placeholderCount(): number {
  return placeholders;
}

/**
 * An identifier node for a name-like token.
 * @example
 * ```ts
 * identifierOf(ctx, variableNameNode); // { type: "Identifier", name: "x", … }
 * ```
 */
export function identifierOf(ctx: Converter, node: SyntaxNode): Identifier {
  return { type: "Identifier", name: textOf(ctx, node), start: node.from, end: node.to };
}

/**
 * A literal node with its source text as `raw`.
 * @example
 * ```ts
 * literal(ctx, node, true); // { type: "Literal", value: true, raw: "true", … }
 * ```
 */
export function literal(ctx: Converter, node: SyntaxNode, value: string | number | boolean | null) {
  return {
    type: "Literal" as const,
    value,
    raw: textOf(ctx, node),
    start: node.from,
    end: node.to,
  };
}

/**
 * A number literal node (also used for numeric property keys).
 * @example
 * ```ts
 * numberLiteral(ctx, node).value; // 1000 for "1_000"
 * ```
 */
export function numberLiteral(ctx: Converter, node: SyntaxNode): Expression {
  const decoded = decodeNumber(textOf(ctx, node));
  if (decoded.problem) report(ctx, "syntax", decoded.problem, node.from, node.to);
  return literal(ctx, node, decoded.value);
}

/**
 * A string literal node (also used for string property keys).
 * @example
 * ```ts
 * stringLiteral(ctx, node).value; // "a\nb"
 * ```
 */
export function stringLiteral(ctx: Converter, node: SyntaxNode): Expression {
  const decoded = decodeString(textOf(ctx, node));
  if (decoded.problem) report(ctx, "syntax", decoded.problem, node.from, node.to);
  const end = ctx.source[node.to - 1] === "\n" ? node.to - 1 : node.to;
  return { ...literal(ctx, node, decoded.value), raw: ctx.source.slice(node.from, end), end };
}

/**
 * LANGUAGE.md §3: template literals with `${expr}`.
 * @example
 * ```ts
 * templateLiteral(ctx, node).quasis.length; // expressions + 1
 * ```
 */
export function templateLiteral(ctx: Converter, node: SyntaxNode): TemplateLiteral {
  const quasis: TemplateElement[] = [];
  const expressions: Expression[] = [];
  let chunkStart = node.from + 1;
  for (const c of children(node)) {
    if (c.name !== "Interpolation") continue;
    quasis.push(templateElement(ctx, chunkStart, c.from, false));
    expressions.push(ctx.expression(c.getChild("Expression"), c.from + 2));
    chunkStart = c.to;
  }
  const last = node.lastChild;
  const escapedEnd = last?.name === "Escape" && last.to === node.to;
  const closed = node.to - 1 >= chunkStart && ctx.source[node.to - 1] === "`" && !escapedEnd;
  if (!closed) report(ctx, "syntax", "This template is not closed: add `", node.from, node.to);
  quasis.push(templateElement(ctx, chunkStart, closed ? node.to - 1 : node.to, true));
  return { type: "TemplateLiteral", quasis, expressions, start: node.from, end: node.to };
}

function templateElement(ctx: Converter, from: number, to: number, tail: boolean) {
  const raw = ctx.source.slice(from, to).replace(/\r\n?/g, "\n");
  const cooked = cookTemplate(raw);
  if (cooked.problem) report(ctx, "syntax", cooked.problem, from, to);
  const value = { raw, cooked: cooked.value };
  return { type: "TemplateElement" as const, value, tail, start: from, end: to };
}
