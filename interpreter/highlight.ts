/**
 * Highlighting tags for the `.flow` grammar's nodes (`@lezer/highlight`), for the
 * CodeMirror playground: `parser.configure({ props: [flowHighlighting] })`.
 * @module
 */
import { styleTags, tags as t } from "@lezer/highlight";
import type { NodePropSource } from "@lezer/common";

/**
 * Maps grammar node names to highlighting tags (after lezer-parser/javascript's).
 * @example
 * ```ts
 * import { parser } from "./parser.generated.ts";
 * const highlighted = parser.configure({ props: [flowHighlighting] });
 * ```
 */
export const flowHighlighting: NodePropSource = styleTags({
  async: t.modifier,
  "for while do if else try catch finally return throw break continue": t.controlKeyword,
  "in of await typeof": t.operatorKeyword,
  "let const var function": t.definitionKeyword,
  new: t.keyword,
  ReservedWord: t.invalid,
  TemplateString: t.special(t.string),
  BooleanLiteral: t.bool,
  null: t.null,
  VariableName: t.variableName,
  "CallExpression/VariableName": t.function(t.variableName),
  VariableDefinition: t.definition(t.variableName),
  Label: t.labelName,
  PropertyName: t.propertyName,
  "CallExpression/MemberExpression/PropertyName": t.function(t.propertyName),
  "FunctionDeclaration/VariableDefinition": t.function(t.definition(t.variableName)),
  "NewExpression/VariableName": t.className,
  PropertyDefinition: t.definition(t.propertyName),
  UpdateOp: t.updateOperator,
  LineComment: t.lineComment,
  BlockComment: t.blockComment,
  FrontMatter: t.meta,
  Number: t.number,
  String: t.string,
  Escape: t.escape,
  ArithOp: t.arithmeticOperator,
  LogicOp: t.logicOperator,
  CompareOp: t.compareOperator,
  Equals: t.definitionOperator,
  Arrow: t.function(t.punctuation),
  ": Spread": t.punctuation,
  "( )": t.paren,
  "[ ]": t.squareBracket,
  "{ }": t.brace,
  "InterpolationStart InterpolationEnd": t.special(t.brace),
  ".": t.derefOperator,
  ", ;": t.separator,
});
