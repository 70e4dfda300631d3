/**
 * The static checks of a parsed workflow (LANGUAGE.md §8): undeclared names, `const`
 * reassignment, duplicate declarations, `let`/`const` names used before their declaration,
 * `break`/`continue` outside loops and unknown labels, `await` inside callbacks of built-in
 * methods, unknown built-in members, argument counts, host globals, `new` of non-errors,
 * assignment to built-ins, front matter. One walk, one handler per AST node type; all
 * problems are returned at once, nothing throws.
 * @module
 */
import type {
  ArrowFunctionExpression,
  CallExpression,
  Diagnostic,
  FrontMatter,
  FunctionDeclaration,
  FunctionExpression,
  Identifier,
  Node,
  Pattern,
  Program,
  Statement,
} from "./ast.ts";
import { CALLBACK_METHODS, GLOBALS, RESERVED_WORDS } from "./builtins.ts";
import {
  builtinMember,
  calleeSpec,
  callProblems,
  newProblem,
  unknownMember,
  unknownName,
} from "./check-builtins.ts";
import { checkFrontMatter } from "./check-front-matter.ts";
import {
  type Binding,
  boundNames,
  declarationsOf,
  lookup,
  newScope,
  type Scope,
  visibleNames,
} from "./check-scope.ts";
import { diagnosticsFor, type Located } from "./diagnostic.ts";

/** The walker's state; a function starts a fresh loop/label context. */
interface Walk {
  scope: Scope;
  /** The function body (or program) being walked: a fresh object per function. */
  fn: object;
  labels: string[];
  loopDepth: number;
  /** The built-in method whose callback we are in (`map`), or null. */
  callback: string | null;
  problems: Located[];
  line(offset: number): number;
}

/**
 * Checks a program; returns every diagnostic, sorted by position (empty when it is fine).
 * @example
 * ```ts
 * const { program, frontMatter } = parse("const c = 1\nc = 2");
 * check(program, frontMatter, "const c = 1\nc = 2")[0].message;
 * // "Cannot assign to c: it is a constant (declared on line 1)"
 * ```
 */
export function check(program: Program, frontMatter: FrontMatter, source: string): Diagnostic[] {
  const toDiagnostic = diagnosticsFor(source);
  const problems: Located[] = [];
  try {
    problems.push(...checkFrontMatter(frontMatter ?? {}, source));
    const w: Walk = {
      scope: newScope(null),
      fn: {},
      labels: [],
      loopDepth: 0,
      callback: null,
      problems,
      line: (offset) => toDiagnostic({ code: "", message: "", from: offset, to: offset }).line,
    };
    statements(w, program.body);
  } catch (error) {
    const message = `The checker failed on this program: ${(error as Error)?.message ?? error}`;
    problems.push({ code: "internal", message, from: 0, to: 0 });
  }
  return problems.sort((a, b) => a.from - b.from).map(toDiagnostic);
}

function report(w: Walk, code: string, message: string, node: { start: number; end: number }) {
  w.problems.push({ code, message, from: node.start, to: node.end });
}

function isGlobalIn(w: Walk) {
  return (name: string) => !lookup(w.scope, name) && Object.hasOwn(GLOBALS, name);
}

/** Declares names in the current scope, reporting duplicates and shadowed built-ins. */
function declare(w: Walk, bindings: Binding[]) {
  for (const binding of bindings) {
    const { name } = binding.node;
    const previous = w.scope.names.get(name);
    if (previous) {
      const message = `${name} is already declared on line ${w.line(previous.node.start)}`;
      report(w, "duplicate-declaration", message, binding.node);
      continue;
    }
    if (Object.hasOwn(GLOBALS, name)) {
      report(w, "shadow-builtin", `${name} is a built-in name: choose another name`, binding.node);
    }
    w.scope.names.set(name, { ...binding, owner: w.fn });
  }
}

/**
 * LANGUAGE.md §4: a `let`/`const` name has no value before its declaration has run. Reported
 * where that is certain: a use in the declaring function body itself (not in a function
 * nested in it, which may run later), textually before the name gets its value, or in the
 * code its declaration runs first (its initializer). True when reported.
 */
function usedTooEarly(w: Walk, id: Identifier, binding: Binding): boolean {
  if (!tooEarly(w, id.start, binding)) return false;
  const line = w.line(binding.node.start);
  const message = id.start < binding.node.start
    ? `${id.name} is used before its declaration on line ${line}`
    : `${id.name} is used in its own declaration on line ${line}, before it has a value`;
  report(w, "use-before-declaration", message, id);
  return true;
}

function tooEarly(w: Walk, at: number, binding: Binding): boolean {
  if (binding.kind !== "let" && binding.kind !== "const") return false;
  if (binding.owner !== w.fn || binding.ready === undefined) return false;
  const before = binding.before;
  return at < binding.ready || (!!before && at >= before.start && at < before.end);
}

/** The names a "did you mean" may suggest at `at`: visible, and usable there. */
function* usableNames(w: Walk, at: number): Generator<string> {
  for (const name of visibleNames(w.scope)) {
    const binding = lookup(w.scope, name);
    if (!binding || !tooEarly(w, at, binding)) yield name;
  }
}

/** A statement list in a new block scope, with `let`/`const`/functions declared first. */
function statements(w: Walk, body: Statement[], scope = newScope(w.scope)) {
  const inner = { ...w, scope };
  declare(inner, declarationsOf(body));
  for (const statement of body) visit(inner, statement);
}

function visit(w: Walk, node: Node | null | undefined) {
  if (node) (HANDLERS[node.type] as (node: Node, w: Walk) => void)(node, w);
}

/** Default values and computed keys inside a binding pattern. */
function patternExpressions(w: Walk, pattern: Pattern | null) {
  if (!pattern) return;
  if (pattern.type === "AssignmentPattern") {
    patternExpressions(w, pattern.left);
    visit(w, pattern.right);
  } else if (pattern.type === "RestElement") patternExpressions(w, pattern.argument);
  else if (pattern.type === "ArrayPattern") {
    pattern.elements.forEach((e) => patternExpressions(w, e));
  } else if (pattern.type === "ObjectPattern") {
    for (const p of pattern.properties) {
      if (p.type === "RestElement") patternExpressions(w, p.argument);
      else {
        if (p.computed) visit(w, p.key);
        patternExpressions(w, p.value);
      }
    }
  } else if (pattern.type === "MemberExpression") visit(w, pattern);
}

/** LANGUAGE.md §4: what may be assigned — not constants, not built-ins. */
function assignTarget(w: Walk, target: Pattern) {
  if (target.type === "Identifier") return assignName(w, target);
  if (target.type === "MemberExpression") {
    visit(w, target);
    const found = builtinMember(target, isGlobalIn(w));
    if (found && !GLOBALS[found.global].openMembers) {
      const message =
        `Cannot change ${found.global}.${found.member}: built-in objects are read-only`;
      report(w, "assign-builtin", message, target);
    }
    return;
  }
  if (target.type === "AssignmentPattern") {
    assignTarget(w, target.left);
    return visit(w, target.right);
  }
  if (target.type === "RestElement") return assignTarget(w, target.argument);
  if (target.type === "ArrayPattern") {
    return target.elements.forEach((e) => e && assignTarget(w, e));
  }
  for (const p of target.properties) {
    if (p.type === "RestElement") assignTarget(w, p.argument);
    else {
      if (p.computed) visit(w, p.key);
      assignTarget(w, p.value);
    }
  }
}

function assignName(w: Walk, id: Identifier) {
  if (id.name === "" || Object.hasOwn(RESERVED_WORDS, id.name)) return;
  const binding = lookup(w.scope, id.name);
  if (binding && usedTooEarly(w, id, binding)) return;
  if (binding?.kind === "const") {
    const message = `Cannot assign to ${id.name}: it is a constant (declared on line ${
      w.line(binding.node.start)
    })`;
    report(w, "const-assign", message, id);
  } else if (!binding && Object.hasOwn(GLOBALS, id.name)) {
    report(w, "assign-builtin", `Cannot assign to ${id.name}: it is a built-in`, id);
  } else if (!binding) visit(w, id);
}

/** LANGUAGE.md §5: a function body sees its closure; loops and labels start afresh. */
function functionBody(
  w: Walk,
  fn: FunctionDeclaration | FunctionExpression | ArrowFunctionExpression,
  callback: string | null,
) {
  let outer = w.scope;
  if (fn.type === "FunctionExpression" && fn.id) {
    outer = newScope(outer);
    outer.names.set(fn.id.name, { kind: "function", node: fn.id });
  }
  const inner: Walk = {
    ...w,
    scope: newScope(outer),
    fn: {},
    labels: [],
    loopDepth: 0,
    callback,
  };
  declare(
    inner,
    fn.params.flatMap((p) => boundNames(p).map((node) => ({ kind: "param" as const, node }))),
  );
  fn.params.forEach((p) => patternExpressions(inner, p));
  if (fn.body.type !== "BlockStatement") return visit(inner, fn.body);
  declare(inner, declarationsOf(fn.body.body));
  for (const statement of fn.body.body) visit(inner, statement);
}

/** A statement used as a loop or `if` body may not be a bare declaration. */
function body(w: Walk, node: Statement, loop: boolean) {
  if (node.type === "VariableDeclaration" || node.type === "FunctionDeclaration") {
    report(w, "declaration-needs-block", "Put this declaration inside a block { … }", node);
  }
  visit(loop ? { ...w, loopDepth: w.loopDepth + 1 } : w, node);
}

/** LANGUAGE.md §5: callbacks of built-in methods may not wait. */
function call(node: CallExpression, w: Walk) {
  visit(w, node.callee);
  const found = calleeSpec(node, isGlobalIn(w));
  if (found) w.problems.push(...callProblems(node, found.name, found.spec));
  if (w.callback && found?.spec?.effect && node.callee.type === "Identifier") {
    const message = `${found.name}() waits, which a callback passed to ${w.callback} cannot do: ` +
      `start the work with ${found.name === "sleep" ? "Timer.delay" : "Task.run"}(…) instead`;
    report(w, "await-in-callback", message, node);
  }
  const method = node.callee.type === "MemberExpression" && !node.callee.computed &&
      node.callee.property.type === "Identifier" &&
      CALLBACK_METHODS.includes(node.callee.property.name)
    ? node.callee.property.name
    : null;
  for (const arg of node.arguments) {
    const isFunction = arg.type === "ArrowFunctionExpression" || arg.type === "FunctionExpression";
    if (method && isFunction) functionBody(w, arg, method);
    else visit(w, arg);
  }
}

function jump(
  w: Walk,
  node: { label: Identifier | null; start: number; end: number },
  word: string,
) {
  if (node.label) {
    if (!w.labels.includes(node.label.name)) {
      report(
        w,
        "unknown-label",
        `There is no loop labelled ${node.label.name} around this ${word}`,
        node.label,
      );
    }
  } else if (w.loopDepth === 0) {
    report(w, `${word}-outside-loop`, `${word} is only allowed inside a loop`, node);
  }
}

const LOOPS = new Set([
  "WhileStatement",
  "DoWhileStatement",
  "ForStatement",
  "ForOfStatement",
  "ForInStatement",
]);

function forXStatement(
  node: Extract<Node, { type: "ForOfStatement" | "ForInStatement" }>,
  w: Walk,
) {
  const head = { ...w, scope: newScope(w.scope) };
  if (node.left.type === "VariableDeclaration") {
    // The names are in scope, without a value, while the right side runs (as in JavaScript).
    const decl = node.left;
    declare(head, declarationsOf([decl]).map((b) => ({ ...b, before: node.right })));
    visit(head, node.right);
    decl.declarations.forEach((d) => patternExpressions(head, d.id));
  } else {
    visit(head, node.right);
    assignTarget(head, node.left);
  }
  body(head, node.body, true);
}

type Handlers = { [K in Node["type"]]: (node: Extract<Node, { type: K }>, w: Walk) => void };

const HANDLERS: Handlers = {
  Program: (node, w) => statements(w, node.body),
  VariableDeclaration: (node, w) => node.declarations.forEach((d) => visit(w, d)),
  VariableDeclarator: (node, w) => {
    patternExpressions(w, node.id);
    visit(w, node.init);
  },
  FunctionDeclaration: (node, w) => functionBody(w, node, w.callback),
  ExpressionStatement: (node, w) => visit(w, node.expression),
  BlockStatement: (node, w) => statements(w, node.body),
  EmptyStatement: () => {},
  IfStatement: (node, w) => {
    visit(w, node.test);
    body(w, node.consequent, false);
    if (node.alternate) body(w, node.alternate, false);
  },
  WhileStatement: (node, w) => {
    visit(w, node.test);
    body(w, node.body, true);
  },
  DoWhileStatement: (node, w) => {
    body(w, node.body, true);
    visit(w, node.test);
  },
  ForStatement: (node, w) => {
    const head = { ...w, scope: newScope(w.scope) };
    if (node.init?.type === "VariableDeclaration") declare(head, declarationsOf([node.init]));
    visit(head, node.init);
    visit(head, node.test);
    visit(head, node.update);
    body(head, node.body, true);
  },
  ForOfStatement: forXStatement,
  ForInStatement: forXStatement,
  BreakStatement: (node, w) => jump(w, node, "break"),
  ContinueStatement: (node, w) => jump(w, node, "continue"),
  ReturnStatement: (node, w) => visit(w, node.argument),
  ThrowStatement: (node, w) => visit(w, node.argument),
  TryStatement: (node, w) => {
    visit(w, node.block);
    visit(w, node.handler);
    visit(w, node.finalizer);
  },
  CatchClause: (node, w) => {
    const scope = newScope(w.scope);
    const inner = { ...w, scope };
    declare(inner, boundNames(node.param).map((id) => ({ kind: "catch" as const, node: id })));
    patternExpressions(inner, node.param);
    statements(inner, node.body.body, scope);
  },
  LabeledStatement: (node, w) => {
    const name = node.label.name;
    if (!LOOPS.has(node.body.type)) {
      report(
        w,
        "label-not-loop",
        `Only loops can have a label; ${name} labels something else`,
        node.label,
      );
    }
    if (w.labels.includes(name)) {
      report(w, "duplicate-label", `The label ${name} is already in use`, node.label);
    }
    visit({ ...w, labels: [...w.labels, name] }, node.body);
  },
  Identifier: (node, w) => {
    if (node.name === "" || Object.hasOwn(RESERVED_WORDS, node.name)) return;
    const binding = lookup(w.scope, node.name);
    if (binding) return void usedTooEarly(w, node, binding);
    if (Object.hasOwn(GLOBALS, node.name)) return;
    w.problems.push(unknownName(node, usableNames(w, node.start)));
  },
  Literal: () => {},
  TemplateLiteral: (node, w) => node.expressions.forEach((e) => visit(w, e)),
  TemplateElement: () => {},
  ArrayExpression: (node, w) => node.elements.forEach((e) => visit(w, e)),
  ObjectExpression: (node, w) => node.properties.forEach((p) => visit(w, p)),
  Property: (node, w) => {
    if (node.computed) visit(w, node.key);
    visit(w, node.value);
  },
  SpreadElement: (node, w) => visit(w, node.argument),
  FunctionExpression: (node, w) => functionBody(w, node, w.callback),
  ArrowFunctionExpression: (node, w) => functionBody(w, node, w.callback),
  UnaryExpression: (node, w) => visit(w, node.argument),
  UpdateExpression: (node, w) => assignTarget(w, node.argument),
  BinaryExpression: (node, w) => {
    visit(w, node.left);
    visit(w, node.right);
  },
  LogicalExpression: (node, w) => {
    visit(w, node.left);
    visit(w, node.right);
  },
  AssignmentExpression: (node, w) => {
    assignTarget(w, node.left);
    visit(w, node.right);
  },
  ConditionalExpression: (node, w) => {
    visit(w, node.test);
    visit(w, node.consequent);
    visit(w, node.alternate);
  },
  CallExpression: call,
  NewExpression: (node, w) => {
    const problem = newProblem(node, isGlobalIn(w));
    if (problem) w.problems.push(problem);
    if (node.callee.type !== "Identifier") visit(w, node.callee);
    node.arguments.forEach((a) => visit(w, a));
  },
  MemberExpression: (node, w) => {
    visit(w, node.object);
    if (node.computed) visit(w, node.property);
    const found = builtinMember(node, isGlobalIn(w));
    const problem = found && unknownMember(node, found);
    if (problem) w.problems.push(problem);
  },
  ChainExpression: (node, w) => visit(w, node.expression),
  AwaitExpression: (node, w) => {
    if (w.callback) {
      const message = `await is not allowed in a callback passed to ${w.callback}: ` +
        `start the work in the callback and await Promise.all(…) outside it`;
      report(w, "await-in-callback", message, node);
    }
    visit(w, node.argument);
  },
  SequenceExpression: (node, w) => node.expressions.forEach((e) => visit(w, e)),
  ObjectPattern: (node, w) => patternExpressions(w, node),
  ArrayPattern: (node, w) => patternExpressions(w, node),
  AssignmentPattern: (node, w) => patternExpressions(w, node),
  RestElement: (node, w) => patternExpressions(w, node),
};
