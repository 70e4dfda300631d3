/**
 * `worker.ts`: run a worker until SIGINT/SIGTERM, then drain and exit 0.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { migrate } from "../migrate.ts";
import { createWorker } from "../worker.ts";
import { loggerFromEnv } from "../logger.ts";
import { CliError, loadTasks, openDatabase, parseIntegerOption } from "./shared.ts";
import { registerWorkflowDir } from "./workflow-files.ts";

/** The `--help` text of `worker.ts`. */
export const WORKER_HELP =
  `Run a Rhythm worker: claim tasks and workflow steps from queues and run them.

usage: deno run -A worker.ts --tasks ./tasks.ts [--workflows ./workflows] [--queue NAME]... [options]

  --tasks PATH          module exporting task definitions (defineTask) or functions
  --workflows DIR       register the .flow files of DIR at start (changed files become new
                        versions; files with errors are refused and their diagnostics printed)
  --queue NAME          queue to serve; repeat for several (default: default)
  --concurrency N       tasks run at once (default 10)
  --database-url URL    Postgres server (default: $DATABASE_URL, else embedded PGlite in .rhythm/)
  --schema NAME         schema of the engine tables (default rhythm)
  --shutdown-timeout MS on SIGINT/SIGTERM wait this long for running tasks (default 10000)
  --poll-interval MS    poll period behind LISTEN/NOTIFY (default 2000)
  --lease MS            lease length, renewed by heartbeat (default 30000)
  --no-listen           poll only (e.g. behind a transaction-mode pooler)
  -h, --help            show this help

Migrates the schema at start. Logs one line per transition.`;

/**
 * Runs the worker command with `args` (without the program name); resolves with the exit code
 * after a signal-triggered drain.
 *
 * @example
 * ```ts
 * process.exitCode = await workerMain(["--tasks", "./tasks.ts", "--queue", "orders"]);
 * ```
 */
export async function workerMain(args: string[]): Promise<number> {
  const { values } = parse(args);
  if (values.help) {
    console.log(WORKER_HELP);
    return 0;
  }
  if (!values.tasks && !values.workflows) {
    throw new CliError("missing --tasks <module> or --workflows <dir> (see --help)", 2);
  }
  const registry = values.tasks ? await loadTasks(values.tasks) : new Map();
  const { db, where } = await openDatabase(values["database-url"], values.schema);
  await migrate(db);
  if (values.workflows) await registerWorkflowDir(db, values.workflows);
  const worker = createWorker(db, {
    tasks: registry,
    queues: values.queue?.length ? values.queue : ["default"],
    concurrency: parseIntegerOption("--concurrency", values.concurrency),
    shutdownTimeoutMs: parseIntegerOption("--shutdown-timeout", values["shutdown-timeout"], 0),
    pollIntervalMs: parseIntegerOption("--poll-interval", values["poll-interval"]),
    leaseMs: parseIntegerOption("--lease", values.lease),
    listen: !values["no-listen"],
    logger: loggerFromEnv(process.env.RHYTHM_LOG),
  });
  console.log(`rhythm worker on ${where}`);
  await worker.start();
  await untilSignal();
  await worker.stop();
  await db.close();
  return 0;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        tasks: { type: "string" },
        workflows: { type: "string" },
        queue: { type: "string", multiple: true },
        concurrency: { type: "string" },
        "database-url": { type: "string" },
        schema: { type: "string" },
        "shutdown-timeout": { type: "string" },
        "poll-interval": { type: "string" },
        lease: { type: "string" },
        "no-listen": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see --help)`, 2);
  }
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once with code 130. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: string) => {
      if (received) {
        console.error(`${signal} again: exiting without draining`);
        process.exit(130);
      }
      received = true;
      console.log(`${signal}: draining`);
      resolve();
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
  });
}
