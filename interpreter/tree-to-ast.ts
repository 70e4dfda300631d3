/**
 * Lezer tree → ESTree statements and the `Program` (LANGUAGE.md §1, §4), the same shape
 * acorn gives for ES2022. One handler per statement node of `flow.grammar`; the table's type
 * makes a missing one a compile error. Expressions live in `tree-to-expression.ts`.
 * @module
 */
import type { Tree } from "@lezer/common";
import type {
  BlockStatement,
  CatchClause,
  Expression,
  ForInStatement,
  ForOfStatement,
  ForStatement,
  Pattern,
  Program,
  Statement,
  VariableDeclaration,
  VariableDeclarator,
} from "./ast.ts";
import { RESERVED_WORDS } from "./builtins.ts";
import {
  children,
  type Converter,
  endOf,
  expand,
  isError,
  nodesOf,
  notError,
  only,
  type Problem,
  release,
  report,
  type SyntaxNode,
} from "./syntax-tree.ts";
import { expressionOf } from "./tree-to-expression.ts";
import { identifierOf, placeholder } from "./tree-to-literal.ts";
import { paramsOf, patternOf } from "./tree-to-pattern.ts";

/** Grammar node names in the `Statement` group, each with its handler below. */
export type StatementNodeName =
  | "ForStatement"
  | "WhileStatement"
  | "DoStatement"
  | "IfStatement"
  | "TryStatement"
  | "ReturnStatement"
  | "ThrowStatement"
  | "BreakStatement"
  | "ContinueStatement"
  | "Block"
  | "LabeledStatement"
  | "FunctionDeclaration"
  | "VariableDeclaration"
  | "ExpressionStatement"
  | "EmptyStatement";

type Handler = (ctx: Converter, node: SyntaxNode) => Statement;

/**
 * Converts a parse tree to a `Program` whose body is the file's statements, plus the
 * problems found on the way (bad literals, unsupported words). Never throws.
 * @example
 * ```ts
 * const { program } = treeToAst(parser.parse("let a = 1"), "let a = 1");
 * program.body[0].type; // "VariableDeclaration"
 * ```
 */
export function treeToAst(tree: Tree, source: string): { program: Program; problems: Problem[] } {
  const ctx: Converter = {
    source,
    problems: [],
    block: (node) => blockOf(ctx, node),
    expression: (node, pos) => expressionOf(ctx, node, pos),
  };
  // One top-level statement's parse nodes at a time (see nodesOf).
  const body: Statement[] = [];
  for (const c of children(nodesOf(tree))) {
    if (!c.type.is("Statement")) continue;
    body.push(statementOf(ctx, expand(c)));
    release(c);
  }
  return {
    program: { type: "Program", body, start: 0, end: source.length },
    problems: ctx.problems,
  };
}

function statementsOf(ctx: Converter, node: SyntaxNode): Statement[] {
  const out: Statement[] = [];
  for (const c of children(node)) if (c.type.is("Statement")) out.push(statementOf(ctx, c));
  return out;
}

/**
 * Converts one statement node.
 * @example
 * ```ts
 * statementOf(ctx, node).type; // "IfStatement"
 * ```
 */
export function statementOf(ctx: Converter, node: SyntaxNode): Statement {
  const handler = STATEMENT_HANDLERS[node.name as StatementNodeName];
  if (handler) return handler(ctx, node);
  return { type: "EmptyStatement", start: node.from, end: node.to };
}

/** The statement child after `index`, or an empty statement where recovery dropped it. */
function bodyAfter(ctx: Converter, node: SyntaxNode, after: SyntaxNode | null): Statement {
  for (let c = after ? after.nextSibling : node.firstChild; c; c = c.nextSibling) {
    if (c.type.is("Statement")) return statementOf(ctx, c);
  }
  return { type: "EmptyStatement", start: node.to, end: node.to };
}

function blockOf(ctx: Converter, node: SyntaxNode): BlockStatement {
  return { type: "BlockStatement", body: statementsOf(ctx, node), start: node.from, end: node.to };
}

/** The condition inside a `ParenthesizedExpression` child. */
function conditionOf(ctx: Converter, node: SyntaxNode): Expression {
  const parens = node.getChild("ParenthesizedExpression");
  return ctx.expression(parens?.getChild("Expression"), parens?.from ?? node.to);
}

function span(node: SyntaxNode) {
  return { start: node.from, end: endOf(node) };
}

/** LANGUAGE.md §4: `let`/`const` with patterns; `inFor` leaves the `;` to the `for`. */
function variableDeclaration(ctx: Converter, node: SyntaxNode): VariableDeclaration {
  const keyword = node.firstChild;
  const kind = keyword?.name === "const" ? "const" : "let";
  if (keyword?.name === "var") {
    report(ctx, "unsupported", `var ${RESERVED_WORDS.var}`, keyword.from, keyword.to);
  }
  const declarations: VariableDeclarator[] = [];
  let slot: SyntaxNode[] = [];
  const flush = () => {
    if (slot.length === 0) return;
    const id = patternOf(ctx, slot[0]);
    const init = slot[1]?.name === "Equals" ? ctx.expression(slot[2], slot[1].to) : null;
    declarations.push({
      type: "VariableDeclarator",
      id,
      init,
      start: id.start,
      end: init ? endOf(slot[2] ?? slot[1]) : id.end,
    });
    slot = [];
  };
  for (const c of children(node).slice(1)) {
    if (c.name === ",") flush();
    else if (c.name !== ";" && !isError(c)) slot.push(c);
  }
  flush();
  return { type: "VariableDeclaration", kind, declarations, ...span(node) };
}

function forStatement(ctx: Converter, node: SyntaxNode): Statement {
  const spec = node.firstChild?.nextSibling;
  const body = bodyAfter(ctx, node, spec ?? null);
  const base = { body, start: node.from, end: endOf(node) };
  if (spec?.name === "ForInSpec" || spec?.name === "ForOfSpec") {
    const { left, right } = forXHead(ctx, spec);
    const type = spec.name === "ForInSpec" ? "ForInStatement" : "ForOfStatement";
    return { type, left, right, ...base } as ForInStatement | ForOfStatement;
  }
  return { type: "ForStatement", ...forHead(ctx, spec), ...base } as ForStatement;
}

/** `(init; test; update)`: a declaration carries its own `;`, so it fills the first slot. */
function forHead(ctx: Converter, spec: SyntaxNode | null | undefined) {
  const kids = spec
    ? only(children(spec), (c) => c.name !== "(" && c.name !== ")" && !isError(c))
    : [];
  const declaration = kids[0]?.name === "VariableDeclaration" ? kids[0] : null;
  const slots: SyntaxNode[][] = declaration ? [[], []] : [[]];
  for (const c of declaration ? kids.slice(1) : kids) {
    if (c.name === ";") slots.push([]);
    else slots[slots.length - 1].push(c);
  }
  const part = (i: number) => (slots[i]?.[0] ? ctx.expression(slots[i][0]) : null);
  const init = declaration ? forDeclaration(ctx, declaration) : part(0);
  return { init, test: part(1), update: part(2) };
}

/** A declaration in a `for` head ends at its last declarator, not at the `;`. */
function forDeclaration(ctx: Converter, node: SyntaxNode): VariableDeclaration {
  const decl = variableDeclaration(ctx, node);
  const last = decl.declarations.at(-1);
  return { ...decl, end: last ? last.end : decl.end };
}

/** `(const x of xs)`, `(k in obj)`, `([a, b] of pairs)`. */
function forXHead(
  ctx: Converter,
  spec: SyntaxNode,
): { left: VariableDeclaration | Pattern; right: Expression } {
  const kids = only(children(spec), (c) => !isError(c) && c.name !== "(" && c.name !== ")");
  const opIndex = kids.findIndex((c) => c.name === "in" || c.name === "of");
  const right = ctx.expression(kids[opIndex + 1], spec.to);
  const first = kids[0];
  if (first?.name === "var") {
    report(ctx, "unsupported", `var ${RESERVED_WORDS.var}`, first.from, first.to);
  }
  if (first?.name === "let" || first?.name === "const" || first?.name === "var") {
    const id = patternOf(ctx, kids[1]);
    const declarator: VariableDeclarator = {
      type: "VariableDeclarator",
      id,
      init: null,
      start: id.start,
      end: id.end,
    };
    const left: VariableDeclaration = {
      type: "VariableDeclaration",
      kind: first.name === "const" ? "const" : "let",
      declarations: [declarator],
      start: first.from,
      end: id.end,
    };
    return { left, right };
  }
  return { left: first ? patternOf(ctx, first) : placeholder(spec.from), right };
}

function ifStatement(ctx: Converter, node: SyntaxNode): Statement {
  const test = conditionOf(ctx, node);
  const consequent = bodyAfter(ctx, node, node.getChild("ParenthesizedExpression"));
  const elseNode = node.getChild("else");
  const alternate = elseNode ? bodyAfter(ctx, node, elseNode) : null;
  return {
    type: "IfStatement",
    test,
    consequent,
    alternate,
    start: node.from,
    end: endOf(node),
  };
}

function tryStatement(ctx: Converter, node: SyntaxNode): Statement {
  const blockNode = node.getChild("Block");
  const block = blockNode
    ? blockOf(ctx, blockNode)
    : { type: "BlockStatement" as const, body: [], start: node.to, end: node.to };
  const catchNode = node.getChild("CatchClause");
  const finallyBlock = node.getChild("FinallyClause")?.getChild("Block");
  const handler = catchNode ? catchClause(ctx, catchNode) : null;
  const finalizer = finallyBlock ? blockOf(ctx, finallyBlock) : null;
  return { type: "TryStatement", block, handler, finalizer, ...span(node) };
}

function catchClause(ctx: Converter, node: SyntaxNode): CatchClause {
  const kids = only(children(node), notError);
  const open = kids.findIndex((c) => c.name === "(");
  const param = open >= 0 ? patternOf(ctx, kids[open + 1]) : null;
  const bodyNode = node.getChild("Block");
  const body = bodyNode
    ? blockOf(ctx, bodyNode)
    : { type: "BlockStatement" as const, body: [], start: node.to, end: node.to };
  return { type: "CatchClause", param, body, start: node.from, end: endOf(node) };
}

/** `break`/`continue` with an optional label. */
function jump(type: "BreakStatement" | "ContinueStatement"): Handler {
  return (ctx, node) => {
    const label = node.getChild("Label");
    return { type, label: label ? identifierOf(ctx, label) : null, ...span(node) };
  };
}

function functionDeclaration(ctx: Converter, node: SyntaxNode): Statement {
  const id = node.getChild("VariableDefinition");
  const params = node.getChild("ParamList");
  const body = node.getChild("Block");
  return {
    type: "FunctionDeclaration",
    id: id ? identifierOf(ctx, id) : placeholder(node.from),
    params: params ? paramsOf(ctx, params) : [],
    body: body
      ? blockOf(ctx, body)
      : { type: "BlockStatement", body: [], start: node.to, end: node.to },
    async: node.firstChild?.name === "async",
    ...span(node),
  };
}

const STATEMENT_HANDLERS: Record<StatementNodeName, Handler> = {
  ForStatement: forStatement,
  WhileStatement: (ctx, node) => {
    const body = bodyAfter(ctx, node, node.getChild("ParenthesizedExpression"));
    return {
      type: "WhileStatement",
      test: conditionOf(ctx, node),
      body,
      start: node.from,
      end: endOf(node),
    };
  },
  DoStatement: (ctx, node) => ({
    type: "DoWhileStatement",
    body: bodyAfter(ctx, node, node.firstChild),
    test: conditionOf(ctx, node),
    ...span(node),
  }),
  IfStatement: ifStatement,
  TryStatement: tryStatement,
  ReturnStatement: (ctx, node) => {
    const argument = node.getChild("Expression");
    return {
      type: "ReturnStatement",
      argument: argument ? ctx.expression(argument) : null,
      ...span(node),
    };
  },
  ThrowStatement: (ctx, node) => ({
    type: "ThrowStatement",
    argument: ctx.expression(node.getChild("Expression"), node.firstChild!.to),
    ...span(node),
  }),
  BreakStatement: jump("BreakStatement"),
  ContinueStatement: jump("ContinueStatement"),
  Block: blockOf,
  LabeledStatement: (ctx, node) => {
    const label = node.getChild("Label");
    const body = bodyAfter(ctx, node, label);
    return {
      type: "LabeledStatement",
      label: label ? identifierOf(ctx, label) : placeholder(node.from),
      body,
      start: node.from,
      end: endOf(node),
    };
  },
  FunctionDeclaration: functionDeclaration,
  VariableDeclaration: variableDeclaration,
  ExpressionStatement: (ctx, node) => ({
    type: "ExpressionStatement",
    expression: ctx.expression(node.getChild("Expression"), node.from),
    ...span(node),
  }),
  EmptyStatement: (_ctx, node) => ({ type: "EmptyStatement", start: node.from, end: node.to }),
};

/** Names with a handler, for the exhaustiveness test against the grammar. */
export const STATEMENT_NODE_NAMES: readonly string[] = Object.keys(STATEMENT_HANDLERS);
