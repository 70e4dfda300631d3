import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, inject, it } from "vitest";
import {
  acceptsClient,
  describeServeConfig,
  isLoopback,
  readServeConfig,
} from "../../worker/http/config.ts";
import { forEachDriver, type TestDatabase } from "../helpers/db.ts";
import { startWorker } from "../helpers/engine.ts";

const TOKEN = "serve-test-token";
const SOURCE = [
  'const reserved = await Task.run("reserve", Inputs)',
  'const approval = await Signal.next("approval")',
  "return { reserved, approval }",
].join("\n");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

/** Starts `deno serve` on serve.ts with net and env permissions only; stopped after the test. */
async function serve(
  t: TestDatabase,
  env: Record<string, string>,
): Promise<{ base: string; log: () => string }> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(
    "node_modules/.bin/deno",
    ["serve", "--allow-net", "--allow-env", "--port", String(port), "serve.ts"],
    {
      env: {
        ...process.env,
        DATABASE_URL: inject("postgres").url,
        RHYTHM_SCHEMA: t.schema,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  t.defer(async () => {
    child.kill("SIGTERM");
    await exited;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    const health = await fetch(`${base}/health`).catch(() => null);
    if (health?.status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`deno serve did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, log: () => output };
}

async function api(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function statusOf(
  server: { base: string; log: () => string },
  id: string,
  wanted: string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await api(server.base, "GET", `/v1/executions/${id}`);
    if (body.status === wanted) return body;
    if (Date.now() > deadline) {
      throw new Error(`${id} is not ${wanted}: ${JSON.stringify(body)}\n${server.log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

forEachDriver("serve.ts under deno serve", (t) => {
  it("starts, signals and reports a workflow with net and env permissions only", async () => {
    const server = await serve(t, { RHYTHM_API_TOKEN: TOKEN });
    expect((await fetch(`${server.base}/v1/executions`)).status).toBe(401);
    expect(
      (await api(server.base, "POST", "/v1/workflows", { name: "approve", source: SOURCE })).status,
    )
      .toBe(201);
    await startWorker(t, {
      tasks: [{ reserve: (input: { sku: string }) => ({ sku: input.sku, ok: true }) }],
    });
    const started = await api(server.base, "POST", "/v1/workflows/approve/runs", {
      inputs: { sku: "A1" },
    });
    expect(started.status).toBe(201);
    const id = started.body.id;
    await statusOf(server, id, "suspended");
    const signal = await api(server.base, "POST", `/v1/executions/${id}/signals/approval`, {
      payload: { by: "ada" },
    });
    expect(signal.status).toBe(202);
    const done = await statusOf(server, id, "completed");
    expect(done.output).toEqual({ reserved: { sku: "A1", ok: true }, approval: { by: "ada" } });
    expect(server.log()).toContain("bearer auth with 1 token(s)");
    expect(server.log()).not.toMatch(/PermissionDenied|NotCapable/);
  }, 90_000);

  it(
    "advances workflow steps inline when RHYTHM_INLINE_STEPS=true (tasks run elsewhere)",
    async () => {
      const server = await serve(t, {
        RHYTHM_API_TOKEN: TOKEN,
        RHYTHM_INLINE_STEPS: "true",
      });
      await api(server.base, "POST", "/v1/workflows", { name: "approve", source: SOURCE });
      await startWorker(t, { tasks: [{ reserve: () => "reserved" }], workflows: false });
      const id =
        (await api(server.base, "POST", "/v1/workflows/approve/runs", { inputs: {} })).body.id;
      await statusOf(server, id, "suspended");
      await api(server.base, "POST", `/v1/executions/${id}/signals/approval`, { payload: 1 });
      expect((await statusOf(server, id, "completed")).output).toEqual({
        reserved: "reserved",
        approval: 1,
      });
      expect(server.log()).toContain("advancing workflow steps inline on default");
    },
    90_000,
  );

  it("serves loopback clients without a token and says so at start", async () => {
    const server = await serve(t, {});
    expect((await fetch(`${server.base}/v1/executions`)).status).toBe(200);
    expect(server.log()).toContain("answering loopback clients (127.0.0.1, ::1) only");
  }, 90_000);
}, { drivers: ["postgres"] });

describe("serve configuration", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];

  it("reads the environment with defaults", () => {
    const config = readServeConfig(
      env({ DATABASE_URL: "postgres://u:pw@db/x", RHYTHM_API_TOKEN: "a,b" }),
    );
    expect(config).toMatchObject({
      tokens: ["a", "b"],
      allowRemote: false,
      poolSize: 5,
      prepare: true,
      schema: "rhythm",
      migrate: true,
      inlineSteps: false,
      inlineQueues: ["default"],
    });
    expect(describeServeConfig(config)).toContain("postgres://u:***@db/x");
    const pooled = readServeConfig(
      env({ DATABASE_URL: "postgres://db/x", RHYTHM_PREPARE: "false" }),
    );
    expect(describeServeConfig(pooled)).toContain("prepare off");
  });

  it("names the variable that is missing or wrong", () => {
    expect(() => readServeConfig(env({}))).toThrow(/DATABASE_URL/);
    expect(() => readServeConfig(env({ DATABASE_URL: "postgres://x", RHYTHM_POOL_SIZE: "0" })))
      .toThrow(/RHYTHM_POOL_SIZE/);
    expect(() => readServeConfig(env({ DATABASE_URL: "postgres://x", RHYTHM_PREPARE: "nope" })))
      .toThrow(/RHYTHM_PREPARE/);
  });

  it("answers remote clients only with a token or RHYTHM_ALLOW_REMOTE, /health always", () => {
    const open = { tokens: [], allowRemote: false };
    expect(acceptsClient(open, "/v1/executions", "10.0.0.2")).toBe(false);
    expect(acceptsClient(open, "/v1/executions", "127.0.0.1")).toBe(true);
    expect(acceptsClient(open, "/v1/executions", undefined)).toBe(true);
    expect(acceptsClient(open, "/health", "10.0.0.2")).toBe(true);
    expect(acceptsClient({ ...open, allowRemote: true }, "/v1/executions", "10.0.0.2")).toBe(true);
    expect(acceptsClient({ ...open, tokens: ["t"] }, "/v1/executions", "10.0.0.2")).toBe(true);
  });

  it("tells loopback addresses from remote ones", () => {
    for (const host of ["127.0.0.1", "127.8.0.3", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of ["10.0.0.1", "0.0.0.0", "::", "192.168.1.127", "::ffff:10.0.0.1"]) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});
