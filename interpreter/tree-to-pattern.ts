/**
 * Lezer tree → ESTree binding patterns (LANGUAGE.md §4): names, object and array patterns
 * with defaults and rest, in declarations, parameters, `for` heads, `catch` and
 * destructuring assignment. Also property keys, which objects and patterns share.
 * @module
 */
import type {
  Expression,
  Pattern,
  PatternProperty,
  Property,
  RestElement,
  SpreadElement,
} from "./ast.ts";
import {
  children,
  commaSlots,
  type Converter,
  endOf,
  notError,
  only,
  report,
  type SyntaxNode,
} from "./syntax-tree.ts";
import { identifierOf, numberLiteral, placeholder, stringLiteral } from "./tree-to-literal.ts";

/**
 * Converts a pattern node: `VariableDefinition`/`VariableName` (a name), `MemberExpression`
 * (assignment targets), `ArrayPattern`, `ObjectPattern`.
 * @example
 * ```ts
 * patternOf(ctx, node); // { type: "ObjectPattern", properties: […], … }
 * ```
 */
export function patternOf(ctx: Converter, node: SyntaxNode | null | undefined): Pattern {
  if (!node) return placeholder(0);
  switch (node.name) {
    case "VariableDefinition":
    case "VariableName":
      return identifierOf(ctx, node);
    case "ArrayPattern":
      return arrayPattern(ctx, node);
    case "ObjectPattern":
      return objectPattern(ctx, node);
    case "MemberExpression": {
      const member = ctx.expression(node);
      if (member.type === "MemberExpression") return member;
      report(ctx, "syntax", "An optional chain cannot be assigned to", node.from, node.to);
      return placeholder(node.from);
    }
    default:
      return placeholder(node.from);
  }
}

/**
 * One element of a parameter list or array pattern: `p`, `p = d`, or `...p`.
 * @example
 * ```ts
 * elementPattern(ctx, [defNode, equalsNode, numberNode]); // AssignmentPattern
 * ```
 */
export function elementPattern(ctx: Converter, slot: SyntaxNode[]): Pattern {
  const nodes = only(slot, notError);
  if (nodes[0]?.name === "Spread") {
    const argument = withDefault(ctx, nodes.slice(1));
    if (argument.type === "AssignmentPattern") {
      report(ctx, "syntax", "A rest element cannot have a default", argument.start, argument.end);
    }
    const rest: RestElement = {
      type: "RestElement",
      argument,
      start: nodes[0].from,
      end: endOf(nodes[nodes.length - 1]),
    };
    return rest;
  }
  return withDefault(ctx, nodes);
}

/** `[pattern, "=", expression]` → AssignmentPattern; `[pattern]` → the pattern. */
function withDefault(ctx: Converter, nodes: SyntaxNode[]): Pattern {
  const left = patternOf(ctx, nodes[0]);
  if (nodes[1]?.name !== "Equals") return left;
  const right = ctx.expression(nodes[2], nodes[1].to);
  const end = nodes[2] ? endOf(nodes[2]) : right.end;
  return { type: "AssignmentPattern", left, right, start: left.start, end };
}

/**
 * The parameters of a `ParamList` node (`(a, b = 1, ...rest)` or an arrow's single name).
 * @example
 * ```ts
 * paramsOf(ctx, paramListNode).length; // 3
 * ```
 */
export function paramsOf(ctx: Converter, node: SyntaxNode): Pattern[] {
  return commaSlots(node, "(", ")").filter((s) => s.length > 0).map((s) => elementPattern(ctx, s));
}

function arrayPattern(ctx: Converter, node: SyntaxNode): Pattern {
  const elements = commaSlots(node, "[", "]").map((slot) =>
    slot.length === 0 ? null : elementPattern(ctx, slot)
  );
  return { type: "ArrayPattern", elements, start: node.from, end: node.to };
}

function objectPattern(ctx: Converter, node: SyntaxNode): Pattern {
  const properties = commaSlots(node, "{", "}").flatMap((slot) =>
    slot[0]?.name === "PatternProperty" ? [patternProperty(ctx, slot[0])] : []
  );
  return { type: "ObjectPattern", properties, start: node.from, end: node.to };
}

/** `a`, `a = 1`, `k: p`, `k: p = 1`, `[e]: p`, `...rest`. */
function patternProperty(ctx: Converter, node: SyntaxNode): PatternProperty | RestElement {
  const kids = only(children(node), notError);
  if (kids[0]?.name === "Spread") return elementPattern(ctx, kids) as RestElement;
  const base = { type: "Property" as const, kind: "init" as const, method: false as const };
  const span = { start: node.from, end: endOf(node) };
  if (kids[0]?.name === "VariableDefinition") {
    const key = identifierOf(ctx, kids[0]);
    const value = withDefault(ctx, kids);
    return { ...base, key, value, computed: false, shorthand: true, ...span };
  }
  const { key, computed, rest } = propertyKey(ctx, kids);
  const colon = rest.findIndex((c) => c.name === ":");
  const value = withDefault(ctx, rest.slice(colon + 1));
  return { ...base, key, value, computed, shorthand: false, ...span };
}

/**
 * Reads a property key at the start of `kids` (after an optional `async`): a name, a
 * string, a number, or `[expression]`; returns the nodes after it.
 * @example
 * ```ts
 * propertyKey(ctx, children(propertyNode)).computed; // true for `[k]: v`
 * ```
 */
export function propertyKey(
  ctx: Converter,
  kids: SyntaxNode[],
): { key: Expression; computed: boolean; rest: SyntaxNode[] } {
  let i = kids[0]?.name === "async" && kids.length > 1 && kids[1].name !== ":" &&
      kids[1].name !== "ParamList"
    ? 1
    : 0;
  const first = kids[i];
  if (!first) return { key: placeholder(0), computed: false, rest: [] };
  if (first.name === "[") {
    const close = kids.findIndex((c, j) => j > i && c.name === "]");
    const key = ctx.expression(kids[i + 1]?.type.is("Expression") ? kids[i + 1] : null, first.to);
    i = close < 0 ? i + 2 : close + 1;
    return { key, computed: true, rest: kids.slice(i) };
  }
  const rest = kids.slice(i + 1);
  if (first.name === "Number") return { key: numberLiteral(ctx, first), computed: false, rest };
  if (first.name === "String") return { key: stringLiteral(ctx, first), computed: false, rest };
  return { key: identifierOf(ctx, first), computed: false, rest };
}

/**
 * The left side of a destructuring assignment parsed as an array or object literal
 * (`[o.q, o["s"]] = xs`, `({ p: o.q } = x)`) → the pattern acorn builds for it: names and
 * members stay, `t = d` becomes a default, `...t` a rest element, literals nest.
 * @example
 * ```ts
 * assignmentPattern(ctx, arrayExpression).type; // "ArrayPattern"
 * ```
 */
export function assignmentPattern(ctx: Converter, node: Expression): Pattern {
  switch (node.type) {
    case "Identifier":
    case "MemberExpression":
      return node;
    case "ArrayExpression": {
      const last = node.elements.length - 1;
      const elements = node.elements.map((e, i) => e && elementTarget(ctx, e, i === last));
      return { type: "ArrayPattern", elements, start: node.start, end: node.end };
    }
    case "ObjectExpression": {
      const last = node.properties.length - 1;
      const properties = node.properties.map((p, i) =>
        p.type === "SpreadElement" ? restTarget(ctx, p, i === last) : propertyTarget(ctx, p)
      );
      return { type: "ObjectPattern", properties, start: node.start, end: node.end };
    }
    case "AssignmentExpression":
      if (node.operator === "=") {
        const { left, right, start, end } = node;
        return { type: "AssignmentPattern", left, right, start, end };
      }
  }
  report(ctx, "syntax", "Only a variable or a property can be assigned", node.start, node.end);
  return placeholder(node.start);
}

function elementTarget(ctx: Converter, node: Expression | SpreadElement, last: boolean): Pattern {
  return node.type === "SpreadElement" ? restTarget(ctx, node, last) : assignmentPattern(ctx, node);
}

function restTarget(ctx: Converter, node: SpreadElement, last: boolean): RestElement {
  if (!last) report(ctx, "syntax", "A rest element must be last", node.start, node.end);
  const argument = assignmentPattern(ctx, node.argument);
  if (argument.type === "AssignmentPattern") {
    report(ctx, "syntax", "A rest element cannot have a default", argument.start, argument.end);
  }
  return { type: "RestElement", argument, start: node.start, end: node.end };
}

function propertyTarget(ctx: Converter, node: Property): PatternProperty {
  if (node.method) {
    report(ctx, "syntax", "A method cannot be assigned to", node.start, node.end);
  }
  const value = assignmentPattern(ctx, node.value);
  return { ...node, value, method: false };
}
