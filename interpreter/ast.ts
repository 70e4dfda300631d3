/**
 * The `.flow` syntax tree: an ESTree subset (the same node types and fields acorn
 * produces for ECMAScript 2022), restricted to what LANGUAGE.md §1–5 allows.
 * Every node carries `start`/`end` source offsets (UTF-16 code units).
 *
 * The parser (`parse.ts`) builds it from the Lezer tree; the checker (`check.ts`) and the
 * compiler (`compile.ts`) read it. Nothing here refers to Lezer, so the tree is plain data.
 * @module
 */

/** Position fields shared by every node. */
export interface Span {
  start: number;
  end: number;
}

/** A compile problem, in `@codemirror/lint`'s shape plus a stable `code` (LANGUAGE.md §8). */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable identifier, e.g. `syntax`, `undeclared`, `const-assign`. */
  code: string;
  message: string;
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units). */
  column: number;
  from: number;
  to: number;
}

/** Front matter values (LANGUAGE.md §1): JSON scalars, bare words, or (retry) a JSON object. */
export type FrontMatter = Record<string, unknown>;

export interface Program extends Span {
  type: "Program";
  body: Statement[];
}

export type Statement =
  | VariableDeclaration
  | FunctionDeclaration
  | ExpressionStatement
  | BlockStatement
  | EmptyStatement
  | IfStatement
  | WhileStatement
  | DoWhileStatement
  | ForStatement
  | ForOfStatement
  | ForInStatement
  | BreakStatement
  | ContinueStatement
  | ReturnStatement
  | ThrowStatement
  | TryStatement
  | LabeledStatement;

export interface VariableDeclaration extends Span {
  type: "VariableDeclaration";
  kind: "let" | "const";
  declarations: VariableDeclarator[];
}
export interface VariableDeclarator extends Span {
  type: "VariableDeclarator";
  id: Pattern;
  init: Expression | null;
}
export interface FunctionDeclaration extends Span {
  type: "FunctionDeclaration";
  id: Identifier;
  params: Pattern[];
  body: BlockStatement;
  async: boolean;
}
export interface ExpressionStatement extends Span {
  type: "ExpressionStatement";
  expression: Expression;
}
export interface BlockStatement extends Span {
  type: "BlockStatement";
  body: Statement[];
}
export interface EmptyStatement extends Span {
  type: "EmptyStatement";
}
export interface IfStatement extends Span {
  type: "IfStatement";
  test: Expression;
  consequent: Statement;
  alternate: Statement | null;
}
export interface WhileStatement extends Span {
  type: "WhileStatement";
  test: Expression;
  body: Statement;
}
export interface DoWhileStatement extends Span {
  type: "DoWhileStatement";
  body: Statement;
  test: Expression;
}
export interface ForStatement extends Span {
  type: "ForStatement";
  init: VariableDeclaration | Expression | null;
  test: Expression | null;
  update: Expression | null;
  body: Statement;
}
export interface ForOfStatement extends Span {
  type: "ForOfStatement";
  left: VariableDeclaration | Pattern;
  right: Expression;
  body: Statement;
}
export interface ForInStatement extends Span {
  type: "ForInStatement";
  left: VariableDeclaration | Pattern;
  right: Expression;
  body: Statement;
}
export interface BreakStatement extends Span {
  type: "BreakStatement";
  label: Identifier | null;
}
export interface ContinueStatement extends Span {
  type: "ContinueStatement";
  label: Identifier | null;
}
export interface ReturnStatement extends Span {
  type: "ReturnStatement";
  argument: Expression | null;
}
export interface ThrowStatement extends Span {
  type: "ThrowStatement";
  argument: Expression;
}
export interface TryStatement extends Span {
  type: "TryStatement";
  block: BlockStatement;
  handler: CatchClause | null;
  finalizer: BlockStatement | null;
}
export interface CatchClause extends Span {
  type: "CatchClause";
  param: Pattern | null;
  body: BlockStatement;
}
/** Labels are allowed on loops only (LANGUAGE.md §9). */
export interface LabeledStatement extends Span {
  type: "LabeledStatement";
  label: Identifier;
  body: Statement;
}

export type Expression =
  | Identifier
  | Literal
  | TemplateLiteral
  | ArrayExpression
  | ObjectExpression
  | FunctionExpression
  | ArrowFunctionExpression
  | UnaryExpression
  | UpdateExpression
  | BinaryExpression
  | LogicalExpression
  | AssignmentExpression
  | ConditionalExpression
  | CallExpression
  | NewExpression
  | MemberExpression
  | ChainExpression
  | AwaitExpression
  | SequenceExpression;

export interface Identifier extends Span {
  type: "Identifier";
  name: string;
}
/** Strings, numbers, booleans and null. `raw` is the source text. */
export interface Literal extends Span {
  type: "Literal";
  value: string | number | boolean | null;
  raw: string;
}
export interface TemplateLiteral extends Span {
  type: "TemplateLiteral";
  quasis: TemplateElement[];
  expressions: Expression[];
}
export interface TemplateElement extends Span {
  type: "TemplateElement";
  value: { raw: string; cooked: string };
  tail: boolean;
}
export interface ArrayExpression extends Span {
  type: "ArrayExpression";
  /** `null` is a hole (`[1, , 2]`). */
  elements: (Expression | SpreadElement | null)[];
}
export interface ObjectExpression extends Span {
  type: "ObjectExpression";
  properties: (Property | SpreadElement)[];
}
export interface Property extends Span {
  type: "Property";
  key: Expression;
  value: Expression;
  computed: boolean;
  shorthand: boolean;
  method: boolean;
  kind: "init";
}
export interface SpreadElement extends Span {
  type: "SpreadElement";
  argument: Expression;
}
export interface FunctionExpression extends Span {
  type: "FunctionExpression";
  id: Identifier | null;
  params: Pattern[];
  body: BlockStatement;
  async: boolean;
}
export interface ArrowFunctionExpression extends Span {
  type: "ArrowFunctionExpression";
  params: Pattern[];
  body: BlockStatement | Expression;
  /** True when the body is an expression. */
  expression: boolean;
  async: boolean;
}
export interface UnaryExpression extends Span {
  type: "UnaryExpression";
  operator: "-" | "+" | "!" | "typeof";
  prefix: true;
  argument: Expression;
}
export interface UpdateExpression extends Span {
  type: "UpdateExpression";
  operator: "++" | "--";
  prefix: boolean;
  argument: Identifier | MemberExpression;
}
export type BinaryOperator =
  | "=="
  | "!="
  | "==="
  | "!=="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "**";
export interface BinaryExpression extends Span {
  type: "BinaryExpression";
  operator: BinaryOperator;
  left: Expression;
  right: Expression;
}
export interface LogicalExpression extends Span {
  type: "LogicalExpression";
  operator: "&&" | "||" | "??";
  left: Expression;
  right: Expression;
}
export type AssignmentOperator =
  | "="
  | "+="
  | "-="
  | "*="
  | "/="
  | "%="
  | "**="
  | "??="
  | "||="
  | "&&=";
export interface AssignmentExpression extends Span {
  type: "AssignmentExpression";
  operator: AssignmentOperator;
  /** A pattern only for `=` (destructuring assignment). */
  left: Pattern | MemberExpression;
  right: Expression;
}
export interface ConditionalExpression extends Span {
  type: "ConditionalExpression";
  test: Expression;
  consequent: Expression;
  alternate: Expression;
}
export interface CallExpression extends Span {
  type: "CallExpression";
  callee: Expression;
  arguments: (Expression | SpreadElement)[];
  optional: boolean;
}
/** Only `new Error(…)`, `new TypeError(…)`, `new RangeError(…)` are valid (checked). */
export interface NewExpression extends Span {
  type: "NewExpression";
  callee: Expression;
  arguments: (Expression | SpreadElement)[];
}
export interface MemberExpression extends Span {
  type: "MemberExpression";
  object: Expression;
  property: Expression;
  computed: boolean;
  optional: boolean;
}
/** Wraps an optional chain (`a?.b.c`) so the short-circuit covers the whole chain. */
export interface ChainExpression extends Span {
  type: "ChainExpression";
  expression: CallExpression | MemberExpression;
}
export interface AwaitExpression extends Span {
  type: "AwaitExpression";
  argument: Expression;
}
export interface SequenceExpression extends Span {
  type: "SequenceExpression";
  expressions: Expression[];
}

export type Pattern =
  | Identifier
  | MemberExpression
  | ObjectPattern
  | ArrayPattern
  | AssignmentPattern
  | RestElement;
export interface ObjectPattern extends Span {
  type: "ObjectPattern";
  properties: (PatternProperty | RestElement)[];
}
export interface PatternProperty extends Span {
  type: "Property";
  key: Expression;
  value: Pattern;
  computed: boolean;
  shorthand: boolean;
  method: false;
  kind: "init";
}
export interface ArrayPattern extends Span {
  type: "ArrayPattern";
  elements: (Pattern | null)[];
}
export interface AssignmentPattern extends Span {
  type: "AssignmentPattern";
  left: Pattern;
  right: Expression;
}
export interface RestElement extends Span {
  type: "RestElement";
  argument: Pattern;
}

/** Every node type, for exhaustive handler tables. */
export type Node =
  | Program
  | Statement
  | Expression
  | Pattern
  | VariableDeclarator
  | CatchClause
  | Property
  | PatternProperty
  | SpreadElement
  | TemplateElement;
