/**
 * Lezer tree → ESTree expressions and patterns (LANGUAGE.md §3–5), shaped exactly as acorn
 * builds them for ES2022: parentheses leave no node, `?.` chains are wrapped in one
 * `ChainExpression`, `&&`/`||`/`??` are `LogicalExpression`s. One handler per grammar node.
 * @module
 */
import type {
  ArrowFunctionExpression,
  AssignmentOperator,
  BinaryOperator,
  CallExpression,
  Expression,
  FunctionExpression,
  Identifier,
  MemberExpression,
  Pattern,
  Property,
  SpreadElement,
} from "./ast.ts";
import { RESERVED_WORDS } from "./builtins.ts";
import {
  identifierOf,
  literal,
  numberLiteral,
  placeholder,
  stringLiteral,
  templateLiteral,
} from "./tree-to-literal.ts";
import { assignmentPattern, paramsOf, patternOf, propertyKey } from "./tree-to-pattern.ts";
import {
  children,
  commaSlots,
  type Converter,
  endOf,
  notError,
  only,
  report,
  type SyntaxNode,
  textOf,
} from "./syntax-tree.ts";

/** Grammar node names in the `Expression` group, each with its handler below. */
export type ExpressionNodeName =
  | "Number"
  | "String"
  | "TemplateString"
  | "VariableName"
  | "BooleanLiteral"
  | "null"
  | "ReservedWord"
  | "ArrayExpression"
  | "ObjectExpression"
  | "NewExpression"
  | "UnaryExpression"
  | "AwaitExpression"
  | "ParenthesizedExpression"
  | "FunctionExpression"
  | "ArrowFunction"
  | "MemberExpression"
  | "BinaryExpression"
  | "ConditionalExpression"
  | "AssignmentExpression"
  | "PostfixExpression"
  | "CallExpression"
  | "SequenceExpression";

type Handler = (ctx: Converter, node: SyntaxNode) => Expression;

/**
 * Converts an expression node; a missing or broken one (already a syntax error) becomes an
 * empty identifier at `pos` so conversion never throws.
 * @example
 * ```ts
 * expressionOf(ctx, node.getChild("Expression"), node.from);
 * ```
 */
export function expressionOf(
  ctx: Converter,
  node: SyntaxNode | null | undefined,
  pos = node?.from ?? 0,
): Expression {
  const handler = node && EXPRESSION_HANDLERS[node.name as ExpressionNodeName];
  if (!node || !handler) return placeholder(pos);
  return handler(ctx, node);
}

function isExpression(node: SyntaxNode): boolean {
  return node.type.is("Expression");
}

/**
 * The expression children of a node, in order (tokens and error nodes skipped).
 * @example
 * ```ts
 * expressionChildren(binaryNode).length; // 2
 * ```
 */
export function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  return only(children(node), isExpression);
}

function reservedWord(ctx: Converter, node: SyntaxNode): Expression {
  const word = textOf(ctx, node);
  report(
    ctx,
    "unsupported",
    `${word} ${RESERVED_WORDS[word] ?? "is reserved"}`,
    node.from,
    node.to,
  );
  return identifierOf(ctx, node);
}

/** `[a, , ...b]`: holes are `null`. */
function arrayExpression(ctx: Converter, node: SyntaxNode): Expression {
  const elements = commaSlots(node, "[", "]").map((slot) =>
    slot.length === 0 ? null : elementOf(ctx, slot)
  );
  return { type: "ArrayExpression", elements, start: node.from, end: node.to };
}

/** One argument or array element: `x` or `...x`. */
function elementOf(ctx: Converter, slot: SyntaxNode[]): Expression | SpreadElement {
  if (slot[0].name !== "Spread") return expressionOf(ctx, slot[0]);
  const argument = expressionOf(ctx, slot[1], slot[0].to);
  const end = slot[1] ? endOf(slot[1]) : argument.end;
  return { type: "SpreadElement", argument, start: slot[0].from, end };
}

function argumentsOf(ctx: Converter, node: SyntaxNode | undefined) {
  if (!node) return [];
  return commaSlots(node, "(", ")").filter((s) => s.length > 0).map((s) => elementOf(ctx, s));
}

function objectExpression(ctx: Converter, node: SyntaxNode): Expression {
  const properties = commaSlots(node, "{", "}").flatMap((slot) =>
    slot[0]?.name === "Property" ? [propertyOf(ctx, slot[0])] : []
  );
  return { type: "ObjectExpression", properties, start: node.from, end: node.to };
}

/** `a`, `a: 1`, `[k]: v`, `"s": v`, `f() {}`, `...o`. */
function propertyOf(ctx: Converter, node: SyntaxNode): Property | SpreadElement {
  const kids = only(children(node), notError);
  if (kids[0]?.name === "Spread") return elementOf(ctx, kids) as SpreadElement;
  const { key, computed, rest } = propertyKey(ctx, kids);
  const base = { type: "Property" as const, key, computed, kind: "init" as const };
  const params = rest.find((c) => c.name === "ParamList");
  if (params) {
    const isAsync = kids[0].name === "async" && kids[1]?.name !== "ParamList";
    const value = functionExpression(ctx, isAsync, null, params, rest.at(-1)!);
    return { ...base, value, shorthand: false, method: true, start: node.from, end: endOf(node) };
  }
  const colon = rest.findIndex((c) => c.name === ":");
  if (colon < 0) {
    if (computed || key.type !== "Identifier") {
      report(ctx, "syntax", "Expected ':' and a value after this key", key.start, key.end);
    }
    const value = { ...key } as Expression;
    return { ...base, value, shorthand: true, method: false, start: node.from, end: endOf(node) };
  }
  const value = expressionOf(ctx, rest[colon + 1], rest[colon].to);
  return { ...base, value, shorthand: false, method: false, start: node.from, end: endOf(node) };
}

function functionExpression(
  ctx: Converter,
  async: boolean,
  id: Identifier | null,
  params: SyntaxNode,
  body: SyntaxNode,
): FunctionExpression {
  return {
    type: "FunctionExpression",
    id,
    params: paramsOf(ctx, params),
    body: ctx.block(body),
    async,
    start: params.from,
    end: body.to,
  };
}

function functionExpressionNode(ctx: Converter, node: SyntaxNode): Expression {
  const kids = children(node);
  const id = kids.find((c) => c.name === "VariableDefinition");
  const params = kids.find((c) => c.name === "ParamList");
  const body = kids.find((c) => c.name === "Block");
  const fn = {
    type: "FunctionExpression" as const,
    id: id ? identifierOf(ctx, id) : null,
    params: params ? paramsOf(ctx, params) : [],
    body: body ? ctx.block(body) : emptyBlock(node.to),
    async: kids[0]?.name === "async",
    start: node.from,
    end: endOf(node),
  };
  return fn;
}

function emptyBlock(pos: number) {
  return { type: "BlockStatement" as const, body: [], start: pos, end: pos };
}

/** LANGUAGE.md §5: arrow functions, with an expression or a block body. */
function arrowFunction(ctx: Converter, node: SyntaxNode): ArrowFunctionExpression {
  const kids = children(node);
  const params = kids.find((c) => c.name === "ParamList");
  const arrow = kids.find((c) => c.name === "Arrow");
  const bodyNode = arrow ? arrow.nextSibling : null;
  const isBlock = bodyNode?.name === "Block";
  const body = isBlock ? ctx.block(bodyNode!) : expressionOf(ctx, bodyNode, arrow?.to ?? node.to);
  return {
    type: "ArrowFunctionExpression",
    params: params ? paramsOf(ctx, params) : [],
    body,
    expression: !isBlock,
    async: kids[0]?.name === "async",
    start: node.from,
    end: endOf(node),
  };
}

function unaryExpression(ctx: Converter, node: SyntaxNode): Expression {
  const [op] = children(node);
  const operator = textOf(ctx, op);
  const argument = expressionOf(ctx, expressionChildren(node)[0], op.to);
  const span = { start: node.from, end: endOf(node) };
  if (operator === "++" || operator === "--") {
    return {
      type: "UpdateExpression",
      operator,
      prefix: true,
      argument: target(ctx, argument),
      ...span,
    };
  }
  const unary = operator as "-" | "+" | "!" | "typeof";
  return { type: "UnaryExpression", operator: unary, prefix: true, argument, ...span };
}

function postfixExpression(ctx: Converter, node: SyntaxNode): Expression {
  const argument = expressionOf(ctx, expressionChildren(node)[0]);
  const operator = textOf(ctx, node.lastChild!) as "++" | "--";
  const span = { start: node.from, end: node.to };
  return {
    type: "UpdateExpression",
    operator,
    prefix: false,
    argument: target(ctx, argument),
    ...span,
  };
}

/** `++`/`--` and compound assignment need a name or a member (no optional chain). */
function target(ctx: Converter, node: Expression): Identifier | MemberExpression {
  if (node.type === "Identifier" || node.type === "MemberExpression") return node;
  report(ctx, "syntax", "Only a variable or a property can be assigned", node.start, node.end);
  return placeholder(node.start);
}

/** LANGUAGE.md §4: operators with JavaScript precedence; `&&`, `||`, `??` are logical. */
function binaryExpression(ctx: Converter, node: SyntaxNode): Expression {
  const [leftNode, rightNode] = expressionChildren(node);
  const op = children(node).find((c) => /Op$/.test(c.name));
  const operator = op ? textOf(ctx, op) : "+";
  const left = expressionOf(ctx, leftNode, node.from);
  const right = expressionOf(ctx, rightNode, op?.to ?? node.to);
  checkOperatorMix(ctx, operator, leftNode, rightNode);
  const span = { start: node.from, end: endOf(node) };
  if (operator === "&&" || operator === "||" || operator === "??") {
    return { type: "LogicalExpression", operator, left, right, ...span };
  }
  return { type: "BinaryExpression", operator: operator as BinaryOperator, left, right, ...span };
}

/** JavaScript forbids `a ?? b || c` and `-a ** b` without parentheses. */
function checkOperatorMix(ctx: Converter, op: string, left?: SyntaxNode, right?: SyntaxNode) {
  if (op === "**" && left && /^(Unary|Await)Expression$/.test(left.name)) {
    const message = "Put the left side of ** in parentheses: -a ** b is ambiguous";
    report(ctx, "syntax", message, left.from, left.to);
  }
  if (op !== "&&" && op !== "||" && op !== "??") return;
  for (const side of [left, right]) {
    if (side?.name !== "BinaryExpression") continue;
    const inner = children(side).find((c) => c.name === "LogicOp");
    const innerOp = inner ? textOf(ctx, inner) : "";
    if ((innerOp === "??") !== (op === "??") && /^(&&|\|\||\?\?)$/.test(innerOp)) {
      const message = `Mixing ?? with && or || needs parentheses`;
      report(ctx, "syntax", message, side.from, side.to);
    }
  }
}

function conditionalExpression(ctx: Converter, node: SyntaxNode): Expression {
  const [t, c, a] = expressionChildren(node);
  const test = expressionOf(ctx, t, node.from);
  const consequent = expressionOf(ctx, c, test.end);
  const alternate = expressionOf(ctx, a, consequent.end);
  return {
    type: "ConditionalExpression",
    test,
    consequent,
    alternate,
    start: node.from,
    end: endOf(node),
  };
}

/** LANGUAGE.md §4: `=`, compound assignment and destructuring assignment. */
function assignmentExpression(ctx: Converter, node: SyntaxNode): Expression {
  const kids = only(children(node), notError);
  const opIndex = kids.findIndex((c) => c.name === "Equals" || c.name === "UpdateOp");
  const operator = (opIndex >= 0 ? textOf(ctx, kids[opIndex]) : "=") as AssignmentOperator;
  const leftNode = kids[0];
  const left: Pattern = leftNode.name === "ArrayExpression" || leftNode.name === "ObjectExpression"
    ? assignmentPattern(ctx, expressionOf(ctx, leftNode))
    : leftNode.type.is("Expression")
    ? target(ctx, expressionOf(ctx, leftNode))
    : patternOf(ctx, leftNode);
  const right = expressionOf(ctx, kids[opIndex + 1], kids[opIndex]?.to ?? node.to);
  return {
    type: "AssignmentExpression",
    operator,
    left,
    right,
    start: node.from,
    end: endOf(node),
  };
}

function awaitExpression(ctx: Converter, node: SyntaxNode): Expression {
  const argument = expressionOf(ctx, expressionChildren(node)[0], node.firstChild!.to);
  return { type: "AwaitExpression", argument, start: node.from, end: endOf(node) };
}

function sequenceExpression(ctx: Converter, node: SyntaxNode): Expression {
  const expressions = expressionChildren(node).map((c) => expressionOf(ctx, c));
  return { type: "SequenceExpression", expressions, start: node.from, end: endOf(node) };
}

function newExpression(ctx: Converter, node: SyntaxNode): Expression {
  const callee = expressionOf(ctx, expressionChildren(node)[0], node.firstChild!.to);
  const args = node.getChild("ArgList");
  const end = endOf(node);
  const spread = { arguments: argumentsOf(ctx, args ?? undefined) };
  return { type: "NewExpression", callee, ...spread, start: node.from, end };
}

/** A member/call chain, and whether any link in it is optional (`?.`). */
function chainLink(ctx: Converter, node: SyntaxNode): { expr: Expression; optional: boolean } {
  if (node.name !== "MemberExpression" && node.name !== "CallExpression") {
    return { expr: expressionOf(ctx, node), optional: false };
  }
  const kids = children(node);
  const inner = chainLink(ctx, kids[0]);
  const optional = kids.some((c) => c.name === "?.");
  const found = inner.optional || optional;
  if (node.name === "CallExpression") {
    const args = argumentsOf(ctx, kids.find((c) => c.name === "ArgList"));
    const call: CallExpression = {
      type: "CallExpression",
      callee: inner.expr,
      arguments: args,
      optional,
      start: node.from,
      end: endOf(node),
    };
    return { expr: call, optional: found };
  }
  return { expr: memberOf(ctx, node, kids, inner.expr, optional), optional: found };
}

function memberOf(
  ctx: Converter,
  node: SyntaxNode,
  kids: SyntaxNode[],
  object: Expression,
  optional: boolean,
): MemberExpression {
  const name = kids.find((c) => c.name === "PropertyName");
  const computed = !name;
  const property = name
    ? identifierOf(ctx, name)
    : expressionOf(ctx, kids.slice(1).find((c) => c.type.is("Expression")), node.to);
  return {
    type: "MemberExpression",
    object,
    property,
    computed,
    optional,
    start: node.from,
    end: endOf(node),
  };
}

function chainExpression(ctx: Converter, node: SyntaxNode): Expression {
  const { expr, optional } = chainLink(ctx, node);
  if (!optional) return expr;
  const inner = expr as CallExpression | MemberExpression;
  return { type: "ChainExpression", expression: inner, start: inner.start, end: inner.end };
}

const EXPRESSION_HANDLERS: Record<ExpressionNodeName, Handler> = {
  Number: numberLiteral,
  String: stringLiteral,
  TemplateString: templateLiteral,
  VariableName: identifierOf,
  BooleanLiteral: (ctx, node) => literal(ctx, node, textOf(ctx, node) === "true"),
  null: (ctx, node) => literal(ctx, node, null),
  ReservedWord: reservedWord,
  ArrayExpression: arrayExpression,
  ObjectExpression: objectExpression,
  NewExpression: newExpression,
  UnaryExpression: unaryExpression,
  AwaitExpression: awaitExpression,
  ParenthesizedExpression: (ctx, node) =>
    expressionOf(ctx, expressionChildren(node)[0], node.from + 1),
  FunctionExpression: functionExpressionNode,
  ArrowFunction: arrowFunction,
  MemberExpression: chainExpression,
  BinaryExpression: binaryExpression,
  ConditionalExpression: conditionalExpression,
  AssignmentExpression: assignmentExpression,
  PostfixExpression: postfixExpression,
  CallExpression: chainExpression,
  SequenceExpression: sequenceExpression,
};

/** Names with a handler, for the exhaustiveness test against the grammar. */
export const EXPRESSION_NODE_NAMES: readonly string[] = Object.keys(EXPRESSION_HANDLERS);
