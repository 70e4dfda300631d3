/**
 * The workflow commands of `cli.ts`: `start`, `signal`, `events`, `check`, `workflows`.
 * `check` compiles files without a database.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { compile } from "../../interpreter/mod.ts";
import { getExecution, getExecutionEvents, waitForExecution } from "../client.ts";
import { isUuid } from "../ids.ts";
import type { ExecutionEvent } from "../queries/read.ts";
import { listWorkflows, sendSignal, startWorkflow } from "../workflows/client.ts";
import { formatDiagnostics } from "../workflows/definitions.ts";
import type { Command } from "./commands.ts";
import { CliError, parseIntegerOption, parseJsonOption } from "./shared.ts";

const text = (v: unknown) => v as string | undefined;

/** The workflow commands by name (merged into `cli.ts`'s command table). */
export const WORKFLOW_COMMANDS: Record<string, Command> = {
  start: {
    summary: "start a workflow and print its id (--wait: wait and print the result)",
    usage: "start <workflow> --inputs JSON [--queue Q] [--priority N] [--idempotency-key K] " +
      "[--wait] [--timeout MS]",
    options: {
      inputs: { type: "string" },
      queue: { type: "string" },
      priority: { type: "string" },
      "idempotency-key": { type: "string" },
      wait: { type: "boolean" },
      timeout: { type: "string" },
    },
    async run(db, [name], values) {
      if (!name) throw new CliError("missing <workflow>: cli.ts start <workflow> --inputs JSON", 2);
      const inputs = parseJsonOption("--inputs", text(values.inputs) ?? "{}");
      const id = await startWorkflow(db, name, inputs, {
        queue: text(values.queue),
        priority: parseIntegerOption("--priority", text(values.priority), -1e9),
        idempotencyKey: text(values["idempotency-key"]),
      }).catch((e) => {
        throw new CliError(e.message);
      });
      if (!values.wait) {
        console.log(id);
        return 0;
      }
      const timeoutMs = parseIntegerOption("--timeout", text(values.timeout));
      const done = await waitForExecution(db, id, { timeoutMs }).catch((e) => {
        throw new CliError(e.message);
      });
      const { status, output, error } = done;
      console.log(JSON.stringify({ id, name, status, output, error }));
      return status === "completed" ? 0 : 1;
    },
  },
  signal: {
    summary: "send a signal to a workflow execution",
    usage: "signal <id> <name> --payload JSON",
    options: { payload: { type: "string" } },
    async run(db, [id, name], values) {
      if (!id || !isUuid(id)) throw new CliError(`not an execution id: ${JSON.stringify(id)}`, 2);
      if (!name) throw new CliError("missing <name>: cli.ts signal <id> <name> --payload JSON", 2);
      const payload = parseJsonOption("--payload", text(values.payload) ?? "null");
      await sendSignal(db, id, name, payload).catch((e) => {
        throw new CliError(e.message);
      });
      console.log(`sent ${name} to ${id}`);
      return 0;
    },
  },
  events: {
    summary: "print the event history of an execution",
    usage: "events <id>",
    options: {},
    async run(db, [id]) {
      if (!id || !isUuid(id)) throw new CliError(`not an execution id: ${JSON.stringify(id)}`, 2);
      if (!(await getExecution(db, id))) throw new CliError(`execution ${id} not found`);
      for (const e of await getExecutionEvents(db, id)) console.log(formatEvent(e));
      return 0;
    },
  },
  workflows: {
    summary: "list registered workflows and their current versions",
    usage: "workflows",
    options: {},
    async run(db) {
      const rows = await listWorkflows(db);
      for (const w of rows) {
        console.log(`${w.name}  ${w.version.slice(0, 12)}  ${w.updatedAt.toISOString()}`);
      }
      if (rows.length === 0) console.log("no workflows registered");
      return 0;
    },
  },
  check: {
    summary: "compile .flow files and print their diagnostics (no database)",
    usage: "check <files…>",
    options: {},
    withoutDatabase: true,
    run(_db, files) {
      if (files.length === 0) throw new CliError("missing <files…>: cli.ts check a.flow b.flow", 2);
      return Promise.resolve(checkFiles(files));
    },
  },
};

/**
 * Compiles each file, prints its diagnostics as `file:line:column: …`; returns 1 when any file
 * has an error.
 *
 * @example
 * ```ts
 * process.exitCode = checkFiles(["workflows/processOrder.flow"]);
 * ```
 */
export function checkFiles(files: string[]): number {
  let failed = 0;
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
    const result = compile(source);
    for (const line of formatDiagnostics(file, result.diagnostics)) console.log(line);
    if (!result.ok) failed++;
    else console.log(`${file}: ok (${basename(file, ".flow")} ${result.hash.slice(0, 12)})`);
  }
  return failed > 0 ? 1 : 0;
}

/**
 * One event as a line: time, type, attempt, data.
 *
 * @example
 * ```ts
 * formatEvent(event); // "2026-01-01T00:00:00.000Z step #2 {\"started\":[\"task ship\"]}"
 * ```
 */
export function formatEvent(e: ExecutionEvent): string {
  const attempt = e.attempt ? ` #${e.attempt}` : "";
  const data = e.data === null ? "" : ` ${JSON.stringify(e.data)}`;
  return `${e.at.toISOString()} ${e.type}${attempt}${data}`;
}
