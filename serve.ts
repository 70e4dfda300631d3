/**
 * Rhythm's HTTP API for `deno serve` and Deno Deploy:
 *
 * ```sh
 * DATABASE_URL=postgres://… RHYTHM_API_TOKEN=s3cret \
 *   deno serve --allow-net --allow-env --host 0.0.0.0 --port 8080 serve.ts
 * ```
 *
 * Configuration comes from the environment only (see `worker/http/config.ts` and
 * `docs/http.md`); migrations come from the bundled module and workflow definitions from the
 * database, so it needs no filesystem permission at all.
 *
 * Who may call it: with `RHYTHM_API_TOKEN` set, anyone with a token. Without one, `deno serve`
 * still binds the host given on its command line (`--host`, default 0.0.0.0), so this module
 * itself refuses every client that is not on the loopback interface (403) unless
 * `RHYTHM_ALLOW_REMOTE=true`; it says which at start. `/health` answers everyone.
 *
 * With `RHYTHM_INLINE_STEPS=true` the server also runs a worker that advances workflow steps
 * (no tasks) on `RHYTHM_INLINE_QUEUES`, so a Deploy-only installation makes progress while its
 * tasks run on workers elsewhere. On Deploy an isolate may be stopped when idle: steps then wait
 * for the next request to wake it (or for any other worker), they are never lost.
 *
 * @module
 */
import type { Hono } from "hono";
import { createPostgresDb } from "./worker/db/postgres.ts";
import { createHttpApp } from "./worker/http.ts";
import { acceptsClient, describeServeConfig, readServeConfig } from "./worker/http/config.ts";
import { loggerFromEnv } from "./worker/logger.ts";
import { migrate } from "./worker/migrate.ts";
import { createWorker } from "./worker/worker.ts";

const logger = loggerFromEnv(Deno.env.get("RHYTHM_LOG"));
const config = readServeConfig((name) => Deno.env.get(name));
logger("info", describeServeConfig(config));

const db = createPostgresDb(config.databaseUrl, {
  max: config.poolSize,
  prepare: config.prepare,
  schema: config.schema,
  applicationName: "rhythm-http",
  onReconnect: (what, error) =>
    logger("warn", `rhythm http: ${what} reconnecting: ${(error as Error).message ?? error}`),
});

const cleanups: (() => Promise<void>)[] = [() => db.close()];
exitOnSignal();

async function start(): Promise<Hono> {
  if (config.migrate) {
    const { applied, version } = await migrate(db);
    logger("info", `rhythm http: schema at migration ${version} (applied ${applied.length} now)`);
  }
  if (config.inlineSteps) {
    const worker = createWorker(db, {
      tasks: [],
      queues: config.inlineQueues,
      name: "rhythm-http-inline-steps",
      logger,
    });
    await worker.start();
    cleanups.unshift(() => worker.stop());
  }
  return createHttpApp({
    db,
    tokens: config.tokens,
    maxPayloadBytes: config.maxPayloadBytes,
    logger,
  });
}

/**
 * On SIGINT/SIGTERM: stop the inline worker (draining its steps), close the pool, exit 0. The
 * open pool would otherwise keep `deno serve` alive after its listener closed.
 */
function exitOnSignal(): void {
  const handler = async () => {
    for (const cleanup of cleanups.splice(0)) {
      await cleanup().catch((e) => logger("warn", `rhythm http: stopping: ${e.message}`));
    }
    Deno.exit(0);
  };
  try {
    Deno.addSignalListener("SIGINT", handler);
    Deno.addSignalListener("SIGTERM", handler);
  } catch {
    // no signals where the platform manages the process (Deno Deploy)
  }
}

let ready: Promise<Hono> | null = null;

/** The app once the database is ready; a failed start is retried by the next request. */
function app(): Promise<Hono> {
  ready ??= start().catch((error) => {
    ready = null;
    logger("error", `rhythm http: not ready: ${(error as Error).message}`);
    throw error;
  });
  return ready;
}
app().then(() => logger("info", "rhythm http: ready"), () => {});

function refuse(status: 403 | 503, code: string, message: string): Response {
  return Response.json({ error: { code, message, details: {} } }, { status });
}

function allowed(request: Request, info: Deno.ServeHandlerInfo): boolean {
  const address = info.remoteAddr as Partial<Deno.NetAddr>;
  return acceptsClient(config, new URL(request.url).pathname, address.hostname);
}

export default {
  async fetch(request: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    if (!allowed(request, info)) {
      return refuse(
        403,
        "remote_not_allowed",
        "no API token is configured, so only local clients are served: set RHYTHM_API_TOKEN",
      );
    }
    let hono: Hono;
    try {
      hono = await app();
    } catch {
      return refuse(503, "unavailable", "the server cannot reach its database yet");
    }
    return hono.fetch(request, info);
  },
} satisfies Deno.ServeDefaultExport;
