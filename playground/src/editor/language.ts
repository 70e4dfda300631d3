/**
 * `.flow` as a CodeMirror language: the project's Lezer parser (`interpreter/flow.grammar`)
 * with highlighting tags, indentation, folding and bracket matching.
 * @module
 */
import { LanguageSupport, LRLanguage } from "@codemirror/language";
import { delimitedIndent, foldInside, foldNodeProp, indentNodeProp } from "@codemirror/language";
import { styleTags, tags as t } from "@lezer/highlight";
import { parser } from "../../../interpreter/parser.generated.ts";

// Tags follow lezer-parser/javascript's highlight.js; the node names are the same.
// TODO(interpreter/highlight.ts): use the interpreter's styleTags once that module lands.
const highlighting = styleTags({
  "for while do if else try catch finally return throw break continue": t.controlKeyword,
  "let const function async": t.definitionKeyword,
  "in of await typeof new": t.operatorKeyword,
  "ReservedWord": t.invalid,
  BooleanLiteral: t.bool,
  null: t.null,
  Number: t.number,
  String: t.string,
  TemplateString: t.special(t.string),
  Escape: t.escape,
  LineComment: t.lineComment,
  BlockComment: t.blockComment,
  FrontMatter: t.meta,
  VariableName: t.variableName,
  "CallExpression/VariableName": t.function(t.variableName),
  VariableDefinition: t.definition(t.variableName),
  "FunctionDeclaration/VariableDefinition": t.function(t.definition(t.variableName)),
  PropertyName: t.propertyName,
  "CallExpression/MemberExpression/PropertyName": t.function(t.propertyName),
  PropertyDefinition: t.definition(t.propertyName),
  Label: t.labelName,
  UpdateOp: t.updateOperator,
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

/**
 * The `.flow` language for CodeMirror.
 * @example
 * ```ts
 * import { EditorView, basicSetup } from "codemirror";
 * new EditorView({ doc: 'task("a", {})', extensions: [basicSetup, flow()] });
 * ```
 */
export const flowLanguage: LRLanguage = LRLanguage.define({
  name: "flow",
  parser: parser.configure({
    props: [
      highlighting,
      indentNodeProp.add({
        "Block ObjectExpression": delimitedIndent({ closing: "}" }),
        ArrayExpression: delimitedIndent({ closing: "]" }),
        "ArgList ParamList": delimitedIndent({ closing: ")" }),
      }),
      foldNodeProp.add({ "Block ObjectExpression ArrayExpression": foldInside }),
    ],
  }),
  languageData: {
    commentTokens: { line: "//", block: { open: "/*", close: "*/" } },
    closeBrackets: { brackets: ["(", "[", "{", "'", '"', "`"] },
  },
});

/**
 * Language support for `.flow` files (highlighting, indentation, folding).
 * @example
 * ```ts
 * const extensions = [flow()];
 * ```
 */
export function flow(): LanguageSupport {
  return new LanguageSupport(flowLanguage);
}
