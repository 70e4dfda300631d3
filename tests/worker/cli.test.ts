import { afterEach, expect, inject, it, vi } from "vitest";
import { cliMain } from "../../worker/cli/commands.ts";
import { runMain } from "../../worker/cli/shared.ts";
import { workerMain } from "../../worker/cli/worker-command.ts";
import { registerWorker } from "../../worker/queries/workers.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { forEachDriver } from "../helpers/db.ts";

/** Runs a command in-process; returns its exit code and what it printed. */
async function run(main: () => Promise<number>) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  const code = await runMain(main);
  vi.restoreAllMocks();
  return { code, out: out.join("\n"), err: err.join("\n") };
}

afterEach(() => void vi.restoreAllMocks());

it("prints help for cli.ts and worker.ts", async () => {
  expect(await run(() => cliMain(["--help"]))).toMatchObject({ code: 0 });
  expect((await run(() => cliMain(["--help"]))).out).toMatch(/queue\s+queue a task/);
  expect((await run(() => workerMain(["--help"]))).out).toMatch(/--concurrency N/);
});

it("rejects an unknown command and unknown options in one line", async () => {
  const unknown = await run(() => cliMain(["frobnicate"]));
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(
    /^error: unknown command "frobnicate" \(commands: migrate, queue, status, runs, cancel/,
  );
  const option = await run(() => cliMain(["runs", "--colour"]));
  expect(option.code).toBe(2);
  expect(option.err).toMatch(/^error: Unknown option '--colour'.*usage: cli.ts runs/);
  expect(option.err.split("\n")).toHaveLength(1);
});

it("says clearly when the database URL is bad", async () => {
  const refused = await run(() =>
    cliMain(["runs", "--database-url", "postgres://u:secret@127.0.0.1:1/db"])
  );
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(
    /^error: cannot connect to postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: /,
  );
  const notUrl = await run(() => cliMain(["runs", "--database-url", "mysql://x"]));
  expect(notUrl.err).toBe(
    "error: not a database URL: mysql://x (expected postgres://user@host:port/db)",
  );
});

it("worker.ts needs a tasks module that exists", async () => {
  expect((await run(() => workerMain([]))).err).toMatch(/^error: missing --tasks <module>/);
  expect((await run(() => workerMain(["--tasks", "nope.ts"]))).err).toBe(
    "error: tasks module not found: nope.ts",
  );
});

forEachDriver("cli commands", (t) => {
  const args = () => ["--database-url", inject("postgres").url, "--schema", t.schema];

  it("queues a task and shows its status and the runs", async () => {
    const queued = await run(() =>
      cliMain(["queue", "add", "--inputs", '{"a":1,"b":2}', ...args()])
    );
    expect(queued.code).toBe(0);
    const id = queued.out.trim();
    const status = await run(() => cliMain(["status", id, ...args()]));
    expect(status.out).toContain(`"id":"${id}","name":"add","status":"pending"`);
    expect(status.out).toMatch(/ created/);
    expect((await run(() => cliMain(["runs", "--status", "pending", ...args()]))).out).toContain(
      id,
    );
    expect((await run(() => cliMain(["cancel", id, ...args()]))).out).toBe(
      "cancelled 1 execution(s)",
    );
  });

  it("rejects malformed JSON, a malformed id, and an unknown task in one line", async () => {
    const json = await run(() => cliMain(["queue", "add", "--inputs", "{a:1}", ...args()]));
    expect(json.code).toBe(2);
    expect(json.err).toMatch(/^error: --inputs is not valid JSON: /);
    const id = await run(() => cliMain(["status", "42", ...args()]));
    expect(id.err).toBe('error: not an execution id: "42"');
    await registerWorker(t.db, {
      id: uuidv7(),
      name: "w",
      queues: ["default"],
      tasks: ["add"],
      concurrency: 1,
    });
    const unknown = await run(() => cliMain(["queue", "sub", "--inputs", "1", ...args()]));
    expect(unknown.err).toBe(
      'error: unknown task "sub": no worker has registered it (known: add); --force queues it anyway',
    );
    expect((await run(() => cliMain(["queue", "sub", "--inputs", "1", "--force", ...args()]))).code)
      .toBe(0);
  });

  it("reports a missing execution", async () => {
    const id = uuidv7();
    expect((await run(() => cliMain(["status", id, ...args()]))).err).toBe(
      `error: execution ${id} not found`,
    );
  });
}, { drivers: ["postgres"] });
