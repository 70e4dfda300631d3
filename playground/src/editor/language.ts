/**
 * `.flow` as a CodeMirror language: the project's Lezer parser (`interpreter/flow.grammar`)
 * with highlighting tags, indentation, folding and bracket matching.
 * @module
 */
import { LanguageSupport, LRLanguage } from "@codemirror/language";
import { delimitedIndent, foldInside, foldNodeProp, indentNodeProp } from "@codemirror/language";
import { flowHighlighting } from "../../../interpreter/highlight.ts";
import { parser } from "../../../interpreter/parser.generated.ts";

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
      flowHighlighting,
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
