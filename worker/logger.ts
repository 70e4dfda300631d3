/**
 * Worker logging: one line per transition and per notable condition.
 *
 * @module
 */

/** Severity of a log line. */
export type LogLevel = "info" | "warn" | "error";

/** Receives the worker's log lines. */
export type Logger = (level: LogLevel, message: string) => void;

/**
 * The default logger: `2024-01-01T00:00:00.000Z info  message` on stderr via `console`.
 *
 * @example
 * ```ts
 * consoleLogger("info", "worker started");
 * ```
 */
export const consoleLogger: Logger = (level, message) => {
  const line = `${new Date().toISOString()} ${level.padEnd(5)} ${message}`;
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
};

/**
 * A logger that drops everything (tests, benchmarks). The worker recognises it and does not
 * even build the messages of its per-task info lines (`started …`, `completed … in N ms`).
 *
 * @example
 * ```ts
 * createWorker(db, { tasks, logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = () => {};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * A logger that writes one JSON object per line on stdout: `time`, `level`, `msg`, and the
 * `executionId` the message names, if any (selected by `RHYTHM_LOG=json`).
 *
 * @example
 * ```ts
 * jsonLogger("info", "completed greet 0193f6c2-4b1e-7a3c-9f10-5c2d8e7b6a41 in 3 ms");
 * // {"time":"…","level":"info","msg":"completed greet … in 3 ms","executionId":"0193f6c2-…"}
 * ```
 */
export const jsonLogger: Logger = (level, message) => {
  const line: Record<string, string> = { time: new Date().toISOString(), level, msg: message };
  const id = UUID.exec(message)?.[0];
  if (id) line.executionId = id;
  console.log(JSON.stringify(line));
};

/**
 * The logger the environment asks for: {@link jsonLogger} for `json` (the value of
 * `RHYTHM_LOG`), else {@link consoleLogger}.
 *
 * @example
 * ```ts
 * const logger = loggerFromEnv(Deno.env.get("RHYTHM_LOG"));
 * ```
 */
export function loggerFromEnv(value: string | undefined): Logger {
  return value?.trim().toLowerCase() === "json" ? jsonLogger : consoleLogger;
}
