/**
 * The configuration of the HTTP server (`serve.ts`), from environment variables only:
 *
 * | variable | meaning (default) |
 * | --- | --- |
 * | `DATABASE_URL` | `postgres://…` of the server (required; TLS with `?sslmode=require`) |
 * | `RHYTHM_API_TOKEN` | comma-separated bearer tokens; none: only loopback clients are served |
 * | `RHYTHM_ALLOW_REMOTE` | `true`: serve non-loopback clients even without a token (`false`) |
 * | `RHYTHM_POOL_SIZE` | connections in the pool (`5`) |
 * | `RHYTHM_PREPARE` | `false` behind a transaction pooler (PgBouncer, Supavisor) (`true`) |
 * | `RHYTHM_SCHEMA` | schema of the engine tables (`rhythm`) |
 * | `RHYTHM_MIGRATE` | `false`: do not apply the bundled migrations at start (`true`) |
 * | `RHYTHM_INLINE_STEPS` | `true`: advance workflow steps in this process (`false`) |
 * | `RHYTHM_INLINE_QUEUES` | queues of the inline steps, comma-separated (`default`) |
 * | `RHYTHM_MAX_PAYLOAD_BYTES` | largest inputs / signal payload in bytes of JSON (1 MiB) |
 * | `RHYTHM_LOG` | `json`: one JSON object per log line (text) |
 *
 * @module
 */
import { redact } from "../connect.ts";
import { DEFAULT_PAYLOAD_LIMIT } from "../payload.ts";
import { parseTokens } from "./auth.ts";

/** The server's settings. */
export interface ServeConfig {
  databaseUrl: string;
  tokens: string[];
  allowRemote: boolean;
  poolSize: number;
  prepare: boolean;
  schema: string;
  migrate: boolean;
  inlineSteps: boolean;
  inlineQueues: string[];
  maxPayloadBytes: number;
}

type Env = (name: string) => string | undefined;

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = env(name)?.trim().toLowerCase();
  if (value === undefined || value === "") return fallback;
  if (["true", "1", "yes"].includes(value)) return true;
  if (["false", "0", "no"].includes(value)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(env(name))}`);
}

function positive(env: Env, name: string, fallback: number): number {
  const value = env(name)?.trim();
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return number;
}

/**
 * Reads the configuration; throws an Error naming the variable when one is missing or wrong.
 *
 * @example
 * ```ts
 * const config = readServeConfig((name) => Deno.env.get(name));
 * ```
 */
export function readServeConfig(env: Env): ServeConfig {
  const databaseUrl = env("DATABASE_URL")?.trim() ?? "";
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(
      "DATABASE_URL must be a postgres:// URL (the HTTP server needs a Postgres server)",
    );
  }
  const queues = parseTokens(env("RHYTHM_INLINE_QUEUES"));
  return {
    databaseUrl,
    tokens: parseTokens(env("RHYTHM_API_TOKEN")),
    allowRemote: flag(env, "RHYTHM_ALLOW_REMOTE", false),
    poolSize: positive(env, "RHYTHM_POOL_SIZE", 5),
    prepare: flag(env, "RHYTHM_PREPARE", true),
    schema: env("RHYTHM_SCHEMA")?.trim() || "rhythm",
    migrate: flag(env, "RHYTHM_MIGRATE", true),
    inlineSteps: flag(env, "RHYTHM_INLINE_STEPS", false),
    inlineQueues: queues.length > 0 ? queues : ["default"],
    maxPayloadBytes: positive(env, "RHYTHM_MAX_PAYLOAD_BYTES", DEFAULT_PAYLOAD_LIMIT),
  };
}

/**
 * Whether a client address is the local machine (127.0.0.0/8, ::1, or IPv4-mapped loopback).
 *
 * @example
 * ```ts
 * isLoopback("127.0.0.1"); // true
 * isLoopback("10.0.0.2"); // false
 * ```
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1" ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(host) || host === "localhost";
}

/**
 * Whether the server answers a client: always with tokens configured (auth decides) or with
 * `RHYTHM_ALLOW_REMOTE=true`; otherwise only loopback clients, except for `/health`.
 * `hostname` is undefined for a Unix socket (local).
 *
 * @example
 * ```ts
 * acceptsClient(config, "/v1/executions", "10.0.0.2"); // false without a token
 * ```
 */
export function acceptsClient(
  config: Pick<ServeConfig, "tokens" | "allowRemote">,
  path: string,
  hostname: string | undefined,
): boolean {
  if (config.tokens.length > 0 || config.allowRemote || path === "/health") return true;
  return hostname === undefined || isLoopback(hostname);
}

/**
 * The line the server logs at start: where it stores, and who may call it.
 *
 * @example
 * ```ts
 * logger("info", describeServeConfig(config));
 * ```
 */
export function describeServeConfig(config: ServeConfig): string {
  const access = config.tokens.length > 0
    ? `bearer auth with ${config.tokens.length} token(s)`
    : config.allowRemote
    ? "NO AUTH and RHYTHM_ALLOW_REMOTE=true: anyone who reaches this port can use the API"
    : "no RHYTHM_API_TOKEN: answering loopback clients (127.0.0.1, ::1) only";
  const steps = config.inlineSteps
    ? `; advancing workflow steps inline on ${config.inlineQueues.join(", ")}`
    : "";
  return `rhythm http: ${redact(config.databaseUrl)} schema ${config.schema}, pool ` +
    `${config.poolSize}${config.prepare ? "" : ", prepare off"}; ${access}${steps}`;
}
