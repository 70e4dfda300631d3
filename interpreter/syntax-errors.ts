/**
 * Turns the error nodes Lezer leaves in a recovered parse tree into syntax problems that say
 * what was expected (LANGUAGE.md §8): "Expected an expression after '+'", "Expected ')' to
 * close the '(' on line 2", "Unexpected 'else'".
 * @module
 */
import type { SyntaxNode, Tree } from "@lezer/common";
import { RESERVED_WORDS } from "./builtins.ts";
import type { Problem } from "./syntax-tree.ts";

/** Bracketed constructs: their opening and closing tokens. */
const BRACKETS: Record<string, [string, string]> = {
  ParenthesizedExpression: ["(", ")"],
  ArgList: ["(", ")"],
  ParamList: ["(", ")"],
  ForSpec: ["(", ")"],
  ForInSpec: ["(", ")"],
  ForOfSpec: ["(", ")"],
  CatchClause: ["(", ")"],
  ArrayExpression: ["[", "]"],
  ArrayPattern: ["[", "]"],
  MemberExpression: ["[", "]"],
  ObjectExpression: ["{", "}"],
  ObjectPattern: ["{", "}"],
  Block: ["{", "}"],
  Interpolation: ["InterpolationStart", "InterpolationEnd"],
};

/** Tokens after which an expression must follow. */
const EXPECTS_EXPRESSION = new Set([
  "ArithOp",
  "CompareOp",
  "LogicOp",
  "UpdateOp",
  "Equals",
  "Arrow",
  "Spread",
  "(",
  "[",
  ",",
  ":",
  "InterpolationStart",
  "await",
  "typeof",
  "new",
  "throw",
  "in",
  "of",
]);

const MAX_PROBLEMS = 50;

/**
 * Bracketed lists whose closer may follow their opener or a `,` directly (`f()`, `[1,]`,
 * `{ a, }`): an empty error right after those tokens is only a missing closer.
 */
const OPTIONAL_SLOTS = new Set([
  "ArgList",
  "ArrayExpression",
  "ArrayPattern",
  "ObjectExpression",
  "ObjectPattern",
]);

/**
 * The problems of the error nodes in the tree (at most 50), in source order. Several error
 * nodes at one spot are one problem, except that a missing closing bracket there is reported
 * too: `(2 +` at a line's end lacks both an operand and its `)`. Never the same twice.
 * @example
 * ```ts
 * syntaxProblems(parser.parse("let y = (2 +\nreturn x"), source).map((p) => p.message);
 * // ["Expected an expression after '+'", "Expected ')' to close the '(' on line 1, found 'return'"]
 * ```
 */
export function syntaxProblems(tree: Tree, source: string): Problem[] {
  const problems: Problem[] = [];
  tree.iterate({
    enter(ref) {
      if (problems.length >= MAX_PROBLEMS) return false;
      if (!ref.type.isError) return;
      const { problem, closer } = describe(ref.node, source);
      const last = problems.at(-1);
      const fresh = !last || last.from !== problem.from;
      if (fresh) problems.push(problem);
      const known = (p: Problem) => p.from === closer?.from && p.message === closer.message;
      if (closer && !problems.some(known)) problems.push(closer);
      return false;
    },
  });
  return problems.slice(0, MAX_PROBLEMS);
}

/**
 * What an error node means: its problem, and a missing closer (an empty error right inside
 * an unclosed bracket) that is also there, reported even where the spot has a problem.
 */
function describe(node: SyntaxNode, source: string): { problem: Problem; closer?: Problem } {
  const prev = previousToken(node);
  const prevText = prev ? source.slice(prev.from, prev.to) : "";
  const unclosed = unclosedBracket(node);
  const empty = node.from === node.to;
  // An error that follows a line break belongs to the unfinished line before it.
  const at = empty && prev && /[\n\r]/.test(source.slice(prev.to, node.from)) ? prev.to : node.from;
  const problem = (message: string, from = at, to = empty ? at : node.to): Problem => ({
    code: "syntax",
    message,
    from,
    to,
  });
  const closer = unclosed && problem(closerMessage(source, unclosed.opener, unclosed.close, node));
  const bracket = empty && unclosed && sameNode(unclosed.bracket, node.parent)
    ? unclosed.bracket
    : null;
  const closesHere = bracket && closer ? closer : undefined;
  if (prev && EXPECTS_EXPRESSION.has(prev.name) && startsNothing(node, source)) {
    if (closesHere && bracket && optionalSlot(prev, bracket)) return { problem: closesHere };
    return { problem: problem(`Expected an expression after '${prevText}'`), closer: closesHere };
  }
  if (closer) return { problem: closer, closer: closesHere };
  const word = nextToken(source, node.from);
  const reason = RESERVED_WORDS[word];
  if (reason) return { problem: problem(`${word} ${reason}`, node.from, node.from + word.length) };
  const next = nextTokenName(source, node.from);
  return {
    problem: problem(`Unexpected ${next}`, node.from, node.from + Math.max(word.length, 0)),
  };
}

function closerMessage(source: string, opener: SyntaxNode, close: string, node: SyntaxNode) {
  const line = lineOf(source, opener.from);
  const open = source.slice(opener.from, opener.to);
  const found = node.from === node.to ? `, found ${nextTokenName(source, node.to)}` : "";
  return `Expected '${close}' to close the '${open}' on line ${line}${found}`;
}

/** True when `prev` is the opener or a `,` of a list that may close right after it. */
function optionalSlot(prev: SyntaxNode, bracket: SyntaxNode): boolean {
  if (!OPTIONAL_SLOTS.has(bracket.name) || !sameNode(prev.parent, bracket)) return false;
  return prev.name === "," || prev.from === bracket.from;
}

function sameNode(a: SyntaxNode | null, b: SyntaxNode | null): boolean {
  return !!a && !!b && a.name === b.name && a.from === b.from && a.to === b.to;
}

/** True when the error covers nothing an expression could start with. */
function startsNothing(node: SyntaxNode, source: string): boolean {
  return node.from === node.to || !/^[\w$"'`([{!+\-]/.test(source.slice(node.from, node.to));
}

/** The closest enclosing bracket construct whose closing token is missing. */
function unclosedBracket(node: SyntaxNode) {
  for (let p = node.parent; p; p = p.parent) {
    const pair = BRACKETS[p.name];
    if (!pair) continue;
    const opener = p.getChild(pair[0]);
    if (opener && !p.getChild(pair[1])) {
      return { bracket: p, opener, close: pair[1] === "InterpolationEnd" ? "}" : pair[1] };
    }
    return null;
  }
  return null;
}

/** The last non-empty leaf before `node`. */
function previousToken(node: SyntaxNode): SyntaxNode | null {
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    for (let s = n.prevSibling; s; s = s.prevSibling) {
      const leaf = lastLeaf(s);
      if (leaf) return leaf;
    }
  }
  return null;
}

function lastLeaf(node: SyntaxNode): SyntaxNode | null {
  if (node.from === node.to || node.type.isError) return null;
  for (let c = node.lastChild; c; c = c.prevSibling) {
    const leaf = lastLeaf(c);
    if (leaf) return leaf;
  }
  return node.firstChild ? null : node;
}

/** The first token's text at or after `pos` (skipping whitespace and comments). */
function nextToken(source: string, pos: number): string {
  const rest = source.slice(pos, pos + 200).replace(/^(\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)+/, "");
  const match =
    /^([A-Za-z_$\u00a1-\uffff][\w$\u00a1-\uffff]*|\d[\w.]*|[=!]==|[=!<>]=|=>|\?\?|\?\.|&&|\|\||\*\*|\+\+|--|\.\.\.|\S)/
      .exec(rest);
  return match ? match[0] : "";
}

function nextTokenName(source: string, pos: number): string {
  const token = nextToken(source, pos);
  return token === "" ? "end of file" : `'${token}'`;
}

function lineOf(source: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}
