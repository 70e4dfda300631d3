/**
 * Reading a folder of `.flow` files and registering it (`worker.ts --workflows ./workflows`,
 * `main.ts`): the file name without `.flow` is the workflow's name; files with diagnostics are
 * refused, each diagnostic printed as `file:line:column: severity: message [code]`, and the
 * others are registered anyway. Needs the filesystem, so it lives on the CLI side.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Db } from "../db/driver.ts";
import {
  formatDiagnostics,
  type RegisterResult,
  registerWorkflows,
} from "../workflows/definitions.ts";
import { CliError } from "./shared.ts";

/** The `.flow` files of a folder: sources by workflow name, and the file of each name. */
export interface WorkflowFiles {
  sources: Record<string, string>;
  files: Record<string, string>;
}

/**
 * Reads every `*.flow` file directly in `dir` (sorted by name).
 *
 * @example
 * ```ts
 * const { sources } = readWorkflowDir("examples/order-processing/workflows");
 * Object.keys(sources); // ["fulfillOrder", "processOrder", "shipItem"]
 * ```
 */
export function readWorkflowDir(dir: string): WorkflowFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`--workflows ${dir}: not a folder`);
  }
  const names = readdirSync(dir).filter((f) => f.endsWith(".flow")).sort();
  const out: WorkflowFiles = { sources: {}, files: {} };
  for (const file of names) {
    const path = join(dir, file);
    const name = basename(file, ".flow");
    out.sources[name] = readFileSync(path, "utf8");
    out.files[name] = path;
  }
  return out;
}

/**
 * Registers a folder, printing one line per workflow and every diagnostic of refused files.
 *
 * @example
 * ```ts
 * const { registered, rejected } = await registerWorkflowDir(db, "./workflows");
 * ```
 */
export async function registerWorkflowDir(
  db: Db,
  dir: string,
  print: (line: string) => void = console.log,
  printError: (line: string) => void = console.error,
): Promise<RegisterResult> {
  const { sources, files } = readWorkflowDir(dir);
  const result = await registerWorkflows(db, sources);
  for (const r of result.registered) {
    print(`workflow ${r.name} ${r.change} (version ${r.version.slice(0, 12)})`);
  }
  for (const r of result.rejected) {
    for (const line of formatDiagnostics(files[r.name], r.diagnostics)) printError(line);
    printError(`workflow ${r.name} refused: ${r.diagnostics.length} diagnostic(s)`);
  }
  if (Object.keys(sources).length === 0) print(`no .flow files in ${dir}`);
  return result;
}
