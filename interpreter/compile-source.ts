/**
 * `compile`: a `.flow` source → diagnostics or a compiled program addressed by the
 * SHA-256 of the source (parse + check + compile). Never throws.
 * @module
 */
import type { Diagnostic } from "./ast.ts";
import { check } from "./check.ts";
import type { CompiledProgram } from "./compile-context.ts";
import { compileProgram } from "./compile.ts";
import { parse } from "./parse.ts";
import { sha256 } from "./sha256.ts";

/** A successful compile. */
export interface CompileOk {
  ok: true;
  program: CompiledProgram;
  /** SHA-256 (hex) of the source: the workflow version. */
  hash: string;
  /** Warnings, if any. */
  diagnostics: Diagnostic[];
}

/** A failed compile: every diagnostic at once. */
export interface CompileFailed {
  ok: false;
  diagnostics: Diagnostic[];
}

/** What `compile` returns. */
export type CompileResult = CompileOk | CompileFailed;

function internal(message: string): Diagnostic {
  return { severity: "error", code: "internal", message, line: 1, column: 1, from: 0, to: 0 };
}

/**
 * Parses, checks and compiles a `.flow` source. Never throws: problems come back as
 * diagnostics (LANGUAGE.md §8).
 * @example
 * ```ts
 * const r = compile("return 1 + 2");
 * if (r.ok) r.hash; // sha-256 of the source
 * else r.diagnostics; // [{ line, column, message, code, … }]
 * ```
 */
export function compile(source: string): CompileResult {
  try {
    const text = String(source);
    const parsed = parse(text);
    const diagnostics = [...parsed.diagnostics];
    diagnostics.push(...check(parsed.program, parsed.frontMatter, text));
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (errors.length) return { ok: false, diagnostics: dedupe(diagnostics) };
    const hash = sha256(text);
    const program = compileProgram(parsed.program, parsed.frontMatter, text, hash);
    return { ok: true, program, hash, diagnostics };
  } catch (e) {
    const why = e instanceof RangeError ? "the program is nested too deeply" : String(e);
    return { ok: false, diagnostics: [internal(`cannot compile: ${why}`)] };
  }
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.from}:${d.to}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
