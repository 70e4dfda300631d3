/**
 * The `.flow` editor: CodeMirror 6 with the project's grammar, live diagnostics, autocomplete
 * from the standard library, bracket matching, and a marked line (where a run waits or failed).
 * @module
 */
import { autocompletion } from "@codemirror/autocomplete";
import { bracketMatching } from "@codemirror/language";
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { Diagnostic } from "../../../interpreter/ast.ts";
import { completeFlow } from "./complete.ts";
import { flow } from "./language.ts";
import { flowLinter } from "./lint.ts";

/** How a marked line is shown. */
export type LineMark = { line: number; kind: "waiting" | "failed" | "step" } | null;

const setMark = StateEffect.define<LineMark>();

const markField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    marks = marks.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setMark)) continue;
      const mark = effect.value;
      if (!mark || mark.line < 1 || mark.line > transaction.state.doc.lines) {
        marks = Decoration.none;
        continue;
      }
      const line = transaction.state.doc.line(mark.line);
      const deco = Decoration.line({ class: `cm-mark-${mark.kind}` });
      marks = Decoration.set([deco.range(line.from)]);
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** Options of {@link createFlowEditor}. */
export interface FlowEditorOptions {
  doc: string;
  onChange?: (doc: string) => void;
  onDiagnostics?: (found: Diagnostic[]) => void;
}

/** The editor and the few operations the page needs. */
export interface FlowEditor {
  view: EditorView;
  getDoc(): string;
  setDoc(doc: string): void;
  mark(mark: LineMark): void;
}

/**
 * Mounts a `.flow` editor into `parent`.
 * @example
 * ```ts
 * const editor = createFlowEditor(document.querySelector("#editor")!, { doc: "sleep(5)" });
 * editor.mark({ line: 1, kind: "waiting" });
 * ```
 */
export function createFlowEditor(parent: HTMLElement, options: FlowEditorOptions): FlowEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        basicSetup,
        flow(),
        bracketMatching(),
        autocompletion({ override: [completeFlow], activateOnTyping: true }),
        flowLinter(options.onDiagnostics),
        markField,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange?.(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getDoc: () => view.state.doc.toString(),
    setDoc(doc) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: doc },
        effects: setMark.of(null),
      });
    },
    mark(mark) {
      view.dispatch({ effects: setMark.of(mark) });
    },
  };
}
