/**
 * Checks uses of the built-in globals against `builtins.ts` (LANGUAGE.md §6–8): unknown
 * members with a "did you mean", argument counts, `new` of non-errors, and host globals.
 * Each function returns problems; the walker in `check.ts` decides where they apply.
 * @module
 */
import type {
  CallExpression,
  Expression,
  Identifier,
  MemberExpression,
  NewExpression,
  SpreadElement,
} from "./ast.ts";
import {
  type CallSpec,
  GLOBALS,
  HOST_GLOBALS,
  type MemberSpec,
  UNSUPPORTED_GLOBALS,
} from "./builtins.ts";
import { didYouMean } from "./did-you-mean.ts";
import type { Located } from "./diagnostic.ts";

/** The built-in member a non-computed `Global.member` expression names, if any. */
export interface BuiltinMember {
  global: string;
  member: string;
  spec: MemberSpec | undefined;
}

const at = (node: { start: number; end: number }, code: string, message: string): Located => ({
  code,
  message,
  from: node.start,
  to: node.end,
});

/**
 * Reads `Global.member` (or `Global["member"]`) when `Global` is a built-in.
 * @example
 * ```ts
 * builtinMember(memberNode, (name) => !declared(name)); // { global: "Task", member: "run", spec }
 * ```
 */
export function builtinMember(
  node: MemberExpression,
  isGlobal: (name: string) => boolean,
): BuiltinMember | null {
  if (node.object.type !== "Identifier" || !isGlobal(node.object.name)) return null;
  const global = GLOBALS[node.object.name];
  if (!global) return null;
  const property = node.property;
  const member = !node.computed && property.type === "Identifier"
    ? property.name
    : property.type === "Literal" && typeof property.value === "string"
    ? property.value
    : null;
  if (member === null) return null;
  return {
    global: node.object.name,
    member,
    spec: Object.hasOwn(global.members, member) ? global.members[member] : undefined,
  };
}

/**
 * An unknown member of a built-in (`Task.runn` → `Did you mean "run"?`), or null.
 * @example
 * ```ts
 * unknownMember(memberNode, found)?.message; // 'Task has no member "runn". Did you mean "run"?'
 * ```
 */
export function unknownMember(node: MemberExpression, found: BuiltinMember): Located | null {
  const global = GLOBALS[found.global];
  if (found.spec || global.openMembers) return null;
  const known = Object.keys(global.members);
  const list = known.length > 0
    ? didYouMean(found.member, known)
    : ` ${found.global} has no members.`;
  return at(
    node.property,
    "unknown-member",
    `${found.global} has no member "${found.member}".${list}`,
  );
}

/**
 * Argument-count and callability problems of a call to a built-in.
 * @example
 * ```ts
 * callProblems(callNode, "Timer.delay", spec); // [] or [{ code: "argument-count", … }]
 * ```
 */
export function callProblems(
  node: CallExpression,
  name: string,
  spec: CallSpec | undefined,
): Located[] {
  if (!spec) return [at(node.callee, "not-callable", `${name} is not a function`)];
  const problem = arityProblem(node.arguments, spec, name);
  return problem ? [at(node, "argument-count", problem)] : [];
}

function arityProblem(
  args: (Expression | SpreadElement)[],
  spec: CallSpec,
  name: string,
): string | null {
  const spread = args.some((a) => a.type === "SpreadElement");
  const count = args.filter((a) => a.type !== "SpreadElement").length;
  if (count >= spec.min && (spread || count <= spec.max)) return null;
  if (spread && count < spec.min) return null;
  return `${name} expects ${expected(spec)}, got ${count}`;
}

function expected(spec: CallSpec): string {
  const plural = (n: number) => (n === 1 ? "argument" : "arguments");
  if (spec.max === Infinity) return `at least ${spec.min} ${plural(spec.min)}`;
  if (spec.min === spec.max) return `${spec.min} ${plural(spec.min)}`;
  return `${spec.min} to ${spec.max} arguments`;
}

/**
 * The spec of a call's callee when it is a built-in function or member.
 * @example
 * ```ts
 * calleeSpec(callNode, isGlobal); // { name: "Task.run", spec: { min: 2, max: 3, effect: true } }
 * ```
 */
export function calleeSpec(
  node: CallExpression,
  isGlobal: (name: string) => boolean,
): { name: string; spec: CallSpec | undefined } | null {
  const callee = node.callee;
  if (callee.type === "Identifier" && isGlobal(callee.name) && GLOBALS[callee.name]) {
    return { name: callee.name, spec: GLOBALS[callee.name].call };
  }
  if (callee.type !== "MemberExpression") return null;
  const found = builtinMember(callee, isGlobal);
  if (!found?.spec) return null;
  const spec = found.spec.kind === "method" ? found.spec : undefined;
  return { name: `${found.global}.${found.member}`, spec };
}

/**
 * `new` is only for `Error`, `TypeError` and `RangeError` (LANGUAGE.md §4).
 * @example
 * ```ts
 * newProblem(newNode, isGlobal); // null for `new Error("x")`
 * ```
 */
export function newProblem(
  node: NewExpression,
  isGlobal: (name: string) => boolean,
): Located | null {
  const callee = node.callee;
  if (
    callee.type === "Identifier" && isGlobal(callee.name) && GLOBALS[callee.name]?.kind === "error"
  ) {
    const problem = arityProblem(node.arguments, GLOBALS[callee.name].call!, callee.name);
    return problem ? at(node, "argument-count", problem) : null;
  }
  const message = "new is only for Error, TypeError and RangeError: build plain objects with { … }";
  return at(node, "new-not-allowed", message);
}

/**
 * The problem with a name that is neither declared nor a built-in, with a hint.
 * @example
 * ```ts
 * unknownName(idNode, ["total"]).message; // 'totl is not declared. Did you mean "total"?'
 * ```
 */
export function unknownName(node: Identifier, visible: Iterable<string>): Located {
  const name = node.name;
  if (Object.hasOwn(HOST_GLOBALS, name)) {
    return at(node, "host-global", `${name} is not available in a workflow: ${HOST_GLOBALS[name]}`);
  }
  if (Object.hasOwn(UNSUPPORTED_GLOBALS, name)) {
    return at(
      node,
      "unsupported",
      `${name} is not available in a workflow: ${UNSUPPORTED_GLOBALS[name]}`,
    );
  }
  const hint = didYouMean(name, [...visible, ...Object.keys(GLOBALS)]);
  return at(node, "undeclared", `${name} is not declared.${hint}`);
}
