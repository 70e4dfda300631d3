/**
 * Registering workflow definitions: each `.flow` source is compiled, and stored by name and
 * SHA-256 version when it has no errors. An unchanged source is a no-op, a changed one becomes
 * the name's current version (executions already started keep theirs), and a source with
 * diagnostics is refused without affecting the others.
 *
 * @module
 */
import { compile, type Diagnostic } from "../../interpreter/mod.ts";
import type { Db } from "../db/driver.ts";
import { type DefinitionChange, upsertDefinition } from "../queries/workflow-definitions.ts";

/** One registered workflow. */
export interface RegisteredWorkflow {
  name: string;
  /** SHA-256 (hex) of the source. */
  version: string;
  /** `created` (new name), `updated` (new version), `unchanged` (same source). */
  change: DefinitionChange;
}

/** A workflow that was refused, with every diagnostic of its source. */
export interface RejectedWorkflow {
  name: string;
  diagnostics: Diagnostic[];
}

/** The result of {@link registerWorkflows}. */
export interface RegisterResult {
  registered: RegisteredWorkflow[];
  rejected: RejectedWorkflow[];
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Compiles and stores workflow sources by name (a `name → source` map, e.g. from a folder of
 * `.flow` files, see `worker/cli/workflow-files.ts`).
 *
 * @example
 * ```ts
 * import { connect, migrate, registerWorkflows } from "./worker/mod.ts";
 * const db = await connect();
 * await migrate(db);
 * const { registered, rejected } = await registerWorkflows(db, {
 *   greet: 'return "hello " + Inputs.name',
 * });
 * // registered: [{ name: "greet", version: "…", change: "created" }], rejected: []
 * ```
 */
export async function registerWorkflows(
  db: Db,
  sources: Readonly<Record<string, string>>,
): Promise<RegisterResult> {
  const result: RegisterResult = { registered: [], rejected: [] };
  for (const [name, source] of Object.entries(sources)) {
    if (!namePattern.test(name)) {
      result.rejected.push({ name, diagnostics: [badName(name)] });
      continue;
    }
    const compiled = compile(source);
    if (!compiled.ok) {
      result.rejected.push({ name, diagnostics: compiled.diagnostics });
      continue;
    }
    const change = await upsertDefinition(db, {
      name,
      version: compiled.hash,
      source,
      compiled: JSON.stringify(compiled.program),
    });
    result.registered.push({ name, version: compiled.hash, change });
  }
  return result;
}

function badName(name: string): Diagnostic {
  return {
    severity: "error",
    code: "workflow-name",
    message: `invalid workflow name ${JSON.stringify(name)}: start with a letter or _, then ` +
      `letters, digits, _ . - (at most 128)`,
    line: 1,
    column: 1,
    from: 0,
    to: 0,
  };
}

/**
 * Diagnostics as `file:line:column: severity: message [code]` lines, the format of compilers
 * and editors.
 *
 * @example
 * ```ts
 * formatDiagnostics("workflows/a.flow", diagnostics);
 * // ["workflows/a.flow:3:5: error: undeclared name \"x\" [undeclared]"]
 * ```
 */
export function formatDiagnostics(file: string, diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) =>
    `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]`
  );
}
