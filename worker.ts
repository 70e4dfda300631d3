/**
 * Entry point: `deno run -A worker.ts --tasks ./tasks.ts --queue orders` (see `--help`).
 *
 * @module
 */
import process from "node:process";
import { workerMain } from "./worker/cli/worker-command.ts";
import { runMain } from "./worker/cli/shared.ts";

process.exit(await runMain(() => workerMain(process.argv.slice(2))));
