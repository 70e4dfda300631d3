/**
 * Entry point: `deno run -A cli.ts <migrate|queue|status|runs|cancel> …` (see `--help`).
 *
 * @module
 */
import process from "node:process";
import { cliMain } from "./worker/cli/commands.ts";
import { runMain } from "./worker/cli/shared.ts";

process.exit(await runMain(() => cliMain(process.argv.slice(2))));
