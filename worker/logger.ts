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
 * A logger that drops everything (tests).
 *
 * @example
 * ```ts
 * createWorker(db, { tasks, logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = () => {};
