/**
 * Small helpers for reading the Lezer tree while building the AST: children, text, and
 * node spans that ignore zero-length tokens (inserted semicolons, recovered errors).
 * @module
 */
import type { NodeType, SyntaxNode as LezerNode, Tree } from "@lezer/common";
import type { BlockStatement, Expression } from "./ast.ts";

/** The children array every leaf shares (never mutated: {@link nodesOf} replaces it). */
const NO_CHILDREN: SyntaxNode[] = [];

/**
 * A node of the parse tree with its children in an array. Lezer's own `SyntaxNode` finds
 * children by scanning its buffers and allocates a fresh object for every step, so the
 * conversion reads the tree once with a cursor ({@link nodesOf}) and walks these instead.
 * Has the subset of `SyntaxNode` the conversion uses, with the same meaning.
 */
export class SyntaxNode {
  /** Every child, comments included (leaves share one empty array). */
  children: SyntaxNode[] = NO_CHILDREN;
  /** The children without comments, once asked for (see {@link children}). */
  withoutComments: SyntaxNode[] | null = null;
  readonly type: NodeType;
  readonly from: number;
  readonly to: number;
  readonly parent: SyntaxNode | null;
  /** Position among the parent's children. */
  readonly index: number;
  constructor(type: NodeType, from: number, to: number, parent: SyntaxNode | null, index: number) {
    this.type = type;
    this.from = from;
    this.to = to;
    this.parent = parent;
    this.index = index;
  }

  get name(): string {
    return this.type.name;
  }

  /** True for line and block comments, which Lezer places inside any node. */
  get comment(): boolean {
    const name = this.type.name;
    return name === "LineComment" || name === "BlockComment";
  }

  get node(): SyntaxNode {
    return this;
  }

  get firstChild(): SyntaxNode | null {
    return this.children.length > 0 ? this.children[0] : null;
  }

  get lastChild(): SyntaxNode | null {
    const n = this.children.length;
    return n > 0 ? this.children[n - 1] : null;
  }

  get nextSibling(): SyntaxNode | null {
    return this.parent?.children[this.index + 1] ?? null;
  }

  get prevSibling(): SyntaxNode | null {
    return this.index > 0 ? this.parent!.children[this.index - 1] : null;
  }

  /** The first child of the type or group `name`, as Lezer's `getChild(name)`. */
  getChild(name: string): SyntaxNode | null {
    for (const c of this.children) if (c.type.is(name)) return c;
    return null;
  }
}

/**
 * Reads a Lezer tree, with a cursor, into {@link SyntaxNode}s (the same nodes Lezer's
 * navigation shows: anonymous nodes are skipped): the root and its children, whose own
 * subtrees {@link expand} reads when they are needed. Converting one top-level statement
 * at a time and then {@link release}-ing it keeps only that statement's nodes alive, not
 * the whole file's (fewer live objects make each young-generation GC cheaper).
 * @example
 * ```ts
 * const root = nodesOf(parser.parse("f(1)"));
 * expand(root.firstChild!).firstChild?.name; // "CallExpression"
 * ```
 */
export function nodesOf(tree: Tree): SyntaxNode {
  const c = tree.cursor();
  const root = new SyntaxNode(c.type, c.from, c.to, null, 0);
  if (!c.firstChild()) return root;
  const kids: SyntaxNode[] = [];
  do {
    const node = new SyntaxNode(c.type, c.from, c.to, root, kids.length);
    kids.push(node);
    unread.set(node, c.node);
  } while (c.nextSibling());
  root.children = kids.slice();
  return root;
}

/** The Lezer nodes of the subtrees {@link nodesOf} left to {@link expand}. */
const unread = new WeakMap<SyntaxNode, LezerNode>();

/**
 * Reads the subtree of a node {@link nodesOf} left unread (nothing to do for others).
 * @example
 * ```ts
 * expand(root.firstChild!).children.length; // its children, now read
 * ```
 */
export function expand(node: SyntaxNode): SyntaxNode {
  const lezer = unread.get(node);
  if (lezer === undefined) return node;
  unread.delete(node);
  const c = lezer.cursor();
  if (!c.firstChild()) return node;
  // The children of the nodes still open, innermost last, from `starts[i]` up to `top`
  // for the i-th open node; a node gets an array of exactly its children when it closes
  // (an array grown by `push` would hold room for 17).
  const pending: SyntaxNode[] = [];
  const starts: number[] = [0];
  let top = 0;
  let parent = node;
  for (;;) {
    const child = new SyntaxNode(c.type, c.from, c.to, parent, top - starts[starts.length - 1]);
    pending[top++] = child;
    if (c.firstChild()) {
      parent = child;
      starts.push(top);
      continue;
    }
    while (!c.nextSibling()) {
      const start = starts.pop()!;
      parent.children = pending.slice(start, top);
      top = start;
      if (parent === node) return node;
      c.parent();
      parent = parent.parent!;
    }
  }
}

/**
 * Drops the subtree of a node that has been converted, so it can be collected.
 * @example
 * ```ts
 * release(statementNode); // statementNode.children is empty again
 * ```
 */
export function release(node: SyntaxNode): void {
  node.children = NO_CHILDREN;
  node.withoutComments = null;
}

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
  if (node.withoutComments) return node.withoutComments;
  return node.withoutComments = only(node.children, notComment);
}

function notComment(node: SyntaxNode): boolean {
  return !node.comment;
}

/**
 * The nodes for which `keep` is true, like `filter`, but `nodes` itself when it keeps them
 * all, else an array of exactly their number (`filter` leaves room for 17). The result
 * may be shared, so it is never to be changed.
 * @example
 * ```ts
 * only(children(node), (c) => !isError(c)); // the same array when there is no error node
 * ```
 */
export function only(nodes: SyntaxNode[], keep: (node: SyntaxNode) => boolean): SyntaxNode[] {
  let kept = 0;
  for (let i = 0; i < nodes.length; i++) if (keep(nodes[i])) kept++;
  if (kept === nodes.length) return nodes;
  const out = new Array<SyntaxNode>(kept);
  for (let i = 0, j = 0; i < nodes.length; i++) if (keep(nodes[i])) out[j++] = nodes[i];
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
  return node.comment;
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

/** Not a recovered-error node (for {@link only}). */
export function notError(node: SyntaxNode): boolean {
  return !node.type.isError;
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
  const kids = only(children(node), (c) => c.name !== open && c.name !== close && !isError(c));
  const slots: SyntaxNode[][] = [];
  let start = 0;
  for (let i = 0; i < kids.length; i++) {
    if (kids[i].name === ",") {
      slots.push(kids.slice(start, i));
      start = i + 1;
    }
  }
  if (start < kids.length) slots.push(kids.slice(start));
  return slots;
}
