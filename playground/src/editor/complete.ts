/**
 * Autocomplete from the table of `.flow` globals (`interpreter/builtins.ts`): global names
 * after a word start, members after `Task.`, `Timer.`, `Signal.`, `Promise.`, `Math.`, …
 * with their documentation, and the language's keywords.
 * @module
 */
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { GLOBALS, type MemberSpec } from "../../../interpreter/builtins.ts";

const KEYWORDS = [
  "let",
  "const",
  "function",
  "async",
  "await",
  "return",
  "if",
  "else",
  "for",
  "of",
  "in",
  "while",
  "do",
  "break",
  "continue",
  "try",
  "catch",
  "finally",
  "throw",
  "new",
  "typeof",
  "true",
  "false",
  "null",
];

function signature(name: string, member: string, spec: MemberSpec): string {
  if (spec.kind === "property") return `${name}.${member}`;
  const args = spec.max === Infinity
    ? "…"
    : spec.min === spec.max
    ? `${spec.min} args`
    : `${spec.min}–${spec.max} args`;
  return `${name}.${member}(${args})${spec.effect ? " → handle" : ""}`;
}

const globalOptions: Completion[] = [
  ...Object.entries(GLOBALS).map(([name, spec]): Completion => ({
    label: name,
    type: spec.kind === "namespace" ? "namespace" : spec.kind === "value" ? "variable" : "function",
    info: spec.doc,
    boost: ["Task", "Timer", "Signal", "Promise", "Workflow", "Inputs"].includes(name) ? 2 : 0,
  })),
  ...KEYWORDS.map((label): Completion => ({ label, type: "keyword" })),
];

/**
 * Completions of members after `Name.` and of globals elsewhere.
 * @example
 * ```ts
 * import { autocompletion } from "@codemirror/autocomplete";
 * const extensions = [autocompletion({ override: [completeFlow] })];
 * ```
 */
export function completeFlow(context: CompletionContext): CompletionResult | null {
  const member = context.matchBefore(/[A-Za-z_$][\w$]*\.[\w$]*$/);
  if (member) {
    const [object, partial] = member.text.split(".");
    const spec = Object.hasOwn(GLOBALS, object) ? GLOBALS[object] : undefined;
    if (!spec || spec.openMembers) return null;
    return {
      from: member.to - partial.length,
      options: Object.entries(spec.members).map(([name, m]): Completion => ({
        label: name,
        type: m.kind === "method" ? "method" : "property",
        detail: signature(object, name, m),
        info: spec.doc,
      })),
      validFor: /^[\w$]*$/,
    };
  }
  const word = context.matchBefore(/[A-Za-z_$][\w$]*$/);
  if (!word && !context.explicit) return null;
  return { from: word?.from ?? context.pos, options: globalOptions, validFor: /^[\w$]*$/ };
}
