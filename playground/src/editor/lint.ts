/**
 * Live diagnostics as you type: the checker's `Diagnostic[]` (already in `@codemirror/lint`'s
 * shape) shown in the editor, and handed to a listener so the page can show a count and
 * block runs of a flow that does not compile.
 * @module
 */
import { type Diagnostic as LintDiagnostic, linter } from "@codemirror/lint";
import type { Extension } from "@codemirror/state";
import type { Diagnostic } from "../../../interpreter/ast.ts";
import { checkFlow } from "./checker.ts";

/**
 * A CodeMirror linter running the `.flow` checker on every change (debounced).
 * @example
 * ```ts
 * const extensions = [flowLinter((found) => console.log(found.length, "problems"))];
 * ```
 */
export function flowLinter(onResult: (found: Diagnostic[]) => void = () => {}): Extension {
  return linter((view) => {
    const found = checkFlow(view.state.doc.toString());
    onResult(found);
    return found.map((d): LintDiagnostic => ({
      from: Math.min(d.from, view.state.doc.length),
      to: Math.min(Math.max(d.to, d.from), view.state.doc.length),
      severity: d.severity,
      source: d.code,
      message: d.message,
    }));
  }, { delay: 250 });
}
