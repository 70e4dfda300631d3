/**
 * `cli.ts`: one-shot commands against the engine database — `migrate`, `queue`, `status`,
 * `runs`, `cancel`. Each command is an entry of {@link COMMANDS}, so more can be added
 * (the workflows issue adds `start`, `signal`, `events`, `check`).
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  cancelExecution,
  getExecution,
  getExecutionEvents,
  listExecutions,
  queueTask,
  waitForExecution,
} from "../client.ts";
import type { Db } from "../db/driver.ts";
import type { Execution, ExecutionStatus } from "../execution.ts";
import { isUuid } from "../ids.ts";
import { migrate } from "../migrate.ts";
import { knownTaskNames } from "../queries/workers.ts";
import { CliError, openDatabase, parseIntegerOption, parseJsonOption } from "./shared.ts";
import { WORKFLOW_COMMANDS } from "./workflow-commands.ts";

type Values = Record<string, string | boolean | string[] | undefined>;

/** One `cli.ts` command. */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Usage line after `cli.ts`. */
  usage: string;
  /** Its options for `parseArgs` (the common `--database-url`, `--schema`, `--help` are added). */
  options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;
  /** True when it needs no database (`check`): `run` then gets no `db`. */
  withoutDatabase?: boolean;
  /** Runs it; returns the exit code. */
  run(db: Db, positionals: string[], values: Values): Promise<number>;
}

const STATUSES = ["pending", "running", "suspended", "completed", "failed", "cancelled"];

/** The commands by name. */
export const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: "create or upgrade the engine schema",
    usage: "migrate",
    options: {},
    async run(db) {
      const { applied, version } = await migrate(db);
      console.log(
        applied.length ? `applied ${applied.join(", ")}` : `up to date (migration ${version})`,
      );
      return 0;
    },
  },
  queue: {
    summary: "queue a task and print its id (--wait: wait and print the result)",
    usage: "queue <task> --inputs JSON [--queue Q] [--priority N] [--delay MS] " +
      "[--idempotency-key K] [--wait] [--timeout MS] [--force]",
    options: {
      inputs: { type: "string" },
      queue: { type: "string" },
      priority: { type: "string" },
      delay: { type: "string" },
      "idempotency-key": { type: "string" },
      wait: { type: "boolean" },
      timeout: { type: "string" },
      force: { type: "boolean" },
    },
    async run(db, [task], values) {
      if (!task) throw new CliError("missing <task>: cli.ts queue <task> --inputs JSON", 2);
      const inputs = parseJsonOption("--inputs", (values.inputs as string | undefined) ?? "null");
      if (!values.force) await checkKnownTask(db, task);
      const id = await queueTask(db, task, inputs, {
        queue: values.queue as string | undefined,
        priority: parseIntegerOption("--priority", values.priority as string | undefined, -1e9),
        delayMs: parseIntegerOption("--delay", values.delay as string | undefined, 0),
        idempotencyKey: values["idempotency-key"] as string | undefined,
      });
      if (!values.wait) {
        console.log(id);
        return 0;
      }
      const timeoutMs = parseIntegerOption("--timeout", values.timeout as string | undefined);
      const done = await waitForExecution(db, id, { timeoutMs }).catch((e) => {
        throw new CliError(e.message);
      });
      printExecution(done);
      return done.status === "completed" ? 0 : 1;
    },
  },
  status: {
    summary: "show one execution and its events",
    usage: "status <id>",
    options: {},
    async run(db, [id]) {
      const execution = await getExecution(db, checkId(id));
      if (!execution) throw new CliError(`execution ${id} not found`);
      printExecution(execution);
      for (const e of await getExecutionEvents(db, id)) {
        const extra = e.data === null ? "" : ` ${JSON.stringify(e.data)}`;
        console.log(
          `  ${e.at.toISOString()} ${e.type}${e.attempt ? ` #${e.attempt}` : ""}${extra}`,
        );
      }
      return 0;
    },
  },
  runs: {
    summary: "list executions, newest first",
    usage: "runs [--status S] [--name N] [--limit N]",
    options: { status: { type: "string" }, name: { type: "string" }, limit: { type: "string" } },
    async run(db, _positionals, values) {
      const status = values.status as string | undefined;
      if (status !== undefined && !STATUSES.includes(status)) {
        throw new CliError(`--status must be one of ${STATUSES.join(", ")}`, 2);
      }
      const rows = await listExecutions(db, {
        status: status as ExecutionStatus | undefined,
        name: values.name as string | undefined,
        limit: parseIntegerOption("--limit", values.limit as string | undefined) ?? 50,
      });
      for (const e of rows) {
        console.log(
          `${e.id}  ${
            e.status.padEnd(9)
          }  ${e.name}  attempts=${e.attempts}  ${e.createdAt.toISOString()}`,
        );
      }
      if (rows.length === 0) console.log("no executions");
      return 0;
    },
  },
  cancel: {
    summary: "cancel an execution (and its unfinished children)",
    usage: "cancel <id> [--reason TEXT]",
    options: { reason: { type: "string" } },
    async run(db, [id], values) {
      const cancelled = await cancelExecution(db, checkId(id), {
        reason: values.reason as string | undefined,
      }).catch((e) => {
        throw new CliError(e.message);
      });
      console.log(
        cancelled.length
          ? `cancelled ${cancelled.length} execution(s)`
          : `${id} had already finished`,
      );
      return 0;
    },
  },
  ...WORKFLOW_COMMANDS,
};

function checkId(id: string | undefined): string {
  if (!id) throw new CliError("missing <id>", 2);
  if (!isUuid(id)) throw new CliError(`not an execution id: ${JSON.stringify(id)}`, 2);
  return id;
}

async function checkKnownTask(db: Db, task: string): Promise<void> {
  const known = await knownTaskNames(db);
  if (known.length > 0 && !known.includes(task)) {
    throw new CliError(
      `unknown task "${task}": no worker has registered it (known: ${known.join(", ")}); ` +
        `--force queues it anyway`,
    );
  }
}

function printExecution(e: Execution): void {
  const { id, name, status, attempts, maxAttempts, inputs, output, error } = e;
  console.log(JSON.stringify({ id, name, status, attempts, maxAttempts, inputs, output, error }));
}

/** The `--help` text of `cli.ts`. */
export function cliHelp(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return [
    "Rhythm command line.",
    "",
    "usage: deno run -A cli.ts <command> [options] [--database-url URL] [--schema NAME]",
    "",
    ...lines,
    "",
    "The database is --database-url, else $DATABASE_URL, else the embedded PGlite in .rhythm/.",
    "`cli.ts <command> --help` shows a command's options.",
  ].join("\n");
}

/**
 * Runs `cli.ts` with `args`; resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await cliMain(["runs", "--status", "failed"]);
 * ```
 */
export async function cliMain(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(cliHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    throw new CliError(
      `unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(", ")})`,
      2,
    );
  }
  const { values, positionals } = parse(command, rest);
  if (values.help) {
    console.log(
      `usage: cli.ts ${command.usage} [--database-url URL] [--schema NAME]\n\n${command.summary}`,
    );
    return 0;
  }
  if (command.withoutDatabase) return await command.run(null as never, positionals, values);
  const { db } = await openDatabase(
    values["database-url"] as string | undefined,
    values.schema as string | undefined,
  );
  try {
    if (name !== "migrate") await migrate(db);
    return await command.run(db, positionals, values);
  } finally {
    await db.close();
  }
}

function parse(command: Command, args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        ...command.options,
        "database-url": { type: "string" },
        schema: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (usage: cli.ts ${command.usage})`, 2);
  }
}
