/**
 * What the two command-line entry points share: a one-line error type, opening the database
 * from `--database-url` / `DATABASE_URL` / the embedded PGlite under `.rhythm/`, and loading a
 * tasks module. May use Node APIs (Deno runs them through its Node compatibility).
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { connect, redact } from "../connect.ts";
import type { Db } from "../db/driver.ts";
import { type TaskRegistry, toTaskRegistry } from "../tasks.ts";

/** An error whose message is shown as is, on one line, without a stack trace. */
export class CliError extends Error {
  /** The process exit code (1 = failure, 2 = usage). */
  readonly exitCode: number;
  /** Creates the error. */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** Where the embedded database lives, relative to the working directory. */
export const EMBEDDED_DIR = ".rhythm/pgdata";

/**
 * Opens the database: `url` (from `--database-url`), else `DATABASE_URL`, else the embedded
 * PGlite in `.rhythm/pgdata` (one process at a time: a lock file refuses a second one).
 *
 * @example
 * ```ts
 * const { db, where } = await openDatabase(values["database-url"]);
 * ```
 */
export async function openDatabase(
  url: string | undefined,
  schema?: string,
): Promise<{ db: Db; where: string }> {
  const target = url ?? process.env.DATABASE_URL;
  if (target !== undefined && target !== "") {
    if (!/^postgres(ql)?:\/\//.test(target)) {
      throw new CliError(
        `not a database URL: ${redact(target)} (expected postgres://user@host:port/db)`,
      );
    }
    try {
      return { db: await connect(target, { schema, connectTimeout: 5 }), where: redact(target) };
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  }
  const unlock = lockEmbedded();
  const db = await connect(resolve(EMBEDDED_DIR), { schema });
  const close = db.close;
  return {
    db: { ...db, close: async () => (await close(), unlock()) },
    where: `embedded PGlite in ${EMBEDDED_DIR}`,
  };
}

function lockEmbedded(): () => void {
  const lock = resolve(".rhythm", "lock");
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8"));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new CliError(
        `the embedded database ${EMBEDDED_DIR} is in use by process ${pid}; stop it, or use ` +
          `a Postgres server (--database-url or DATABASE_URL) to share the database`,
      );
    }
  }
  mkdirSync(resolve(".rhythm"), { recursive: true });
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Imports a tasks module (path relative to the working directory) and registers every export
 * that is a task definition, or a function (named after its export).
 *
 * @example
 * ```ts
 * const registry = await loadTasks("./tasks.ts");
 * ```
 */
export async function loadTasks(path: string): Promise<TaskRegistry> {
  const file = resolve(path);
  if (!existsSync(file)) throw new CliError(`tasks module not found: ${path}`);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new CliError(`cannot load tasks module ${path}: ${(error as Error).message}`);
  }
  const sources = [module];
  if (Array.isArray(module.default)) sources.push(...module.default);
  else if (module.default && typeof module.default === "object") {
    sources.push(module.default as never);
  }
  const registry = toTaskRegistry(sources as never);
  if (registry.size === 0) throw new CliError(`tasks module ${path} exports no tasks`);
  return registry;
}

/**
 * Parses a JSON option value, with a one-line error naming the option.
 *
 * @example
 * ```ts
 * parseJsonOption("--inputs", '{"a":1}'); // { a: 1 }
 * ```
 */
export function parseJsonOption(option: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${option} is not valid JSON: ${(error as Error).message}`, 2);
  }
}

/**
 * Parses a positive integer option, with a one-line error.
 *
 * @example
 * ```ts
 * parseIntegerOption("--concurrency", "8"); // 8
 * ```
 */
export function parseIntegerOption(
  option: string,
  text: string | undefined,
  min = 1,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new CliError(`${option} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`, 2);
  }
  return value;
}

/**
 * Runs a command's main function: prints a CliError (or any error) as one line on stderr and
 * returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runMain(() => main(process.argv.slice(2)));
 * ```
 */
export async function runMain(main: () => Promise<number>): Promise<number> {
  try {
    return await main();
  } catch (error) {
    const code = error instanceof CliError ? error.exitCode : 1;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message.split("\n")[0]}`);
    return code;
  }
}
