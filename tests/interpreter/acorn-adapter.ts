/**
 * Compiles with acorn instead of the Lezer parser (tests only): lets the VM be tested on
 * constructs independently of the front end. No checker runs.
 */
import * as acorn from "acorn";
import type { Program } from "../../interpreter/ast.ts";
import type { CompiledProgram } from "../../interpreter/mod.ts";
import { compileProgram } from "../../interpreter/compile.ts";
import { sha256 } from "../../interpreter/sha256.ts";

/** Drops acorn's extra fields so the tree matches `interpreter/ast.ts`. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "loc" || k === "sourceType" || k === "directive" || k === "bigint") continue;
    out[k] = strip(v);
  }
  return out;
}

/** Parses with acorn (ES2022, top-level return and await) and compiles. */
export function compileWithAcorn(source: string): CompiledProgram {
  const tree = acorn.parse(source, {
    ecmaVersion: 2022,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
  });
  return compileProgram(strip(tree) as Program, {}, source, sha256(source));
}
