import { expect, it } from "vitest";
import { getExecution, queueTask } from "../../worker/client.ts";
import type { Db } from "../../worker/db/driver.ts";
import { defineTask } from "../../worker/tasks.ts";
import { createWorker } from "../../worker/worker.ts";
import { forEachDriver, type TestDatabase } from "../helpers/db.ts";
import { deferred, finished, memoryLogger, startWorker } from "../helpers/engine.ts";

const echo = defineTask("echo", (x: unknown) => x);
const NEVER = 3_600_000; // a poll interval that never fires during a test

/**
 * Starts (without awaiting) a worker whose LISTEN takes effect only when the returned `listen()`
 * is called, like one whose listening connection is slow to open; it never polls. `subscribed()`
 * counts its LISTEN subscriptions not yet undone.
 */
function startWithSlowListen(t: TestDatabase) {
  const gate = deferred();
  let subscribed = 0;
  const db: Db = {
    ...t.db,
    listen: async (...args) => {
      await gate.promise;
      const unlisten = await t.db.listen(...args);
      subscribed++;
      return () => (subscribed--, unlisten());
    },
  };
  const worker = createWorker(db, { tasks: [echo], pollIntervalMs: NEVER, logger: () => {} });
  t.defer(() => worker.stop());
  return { worker, starting: worker.start(), listen: gate.resolve, subscribed: () => subscribed };
}

/** A Db whose LISTEN "succeeds" but never delivers, like one behind a transaction pooler. */
function deafListener(db: Db): Db {
  return { ...db, listen: () => Promise.resolve(() => Promise.resolve()) };
}

forEachDriver("wake-ups", (t) => {
  it("wakes an idle worker by NOTIFY, without polling", async () => {
    const worker = await startWorker(t, { tasks: [echo], pollIntervalMs: NEVER });
    expect(worker.listening).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the start-up claim go idle
    const id = await queueTask(t.db, echo, "hi");
    expect((await finished(t.db, id)).output).toBe("hi");
  });

  it("starts delayed work when it is due, without polling", async () => {
    await startWorker(t, { tasks: [echo], pollIntervalMs: NEVER });
    const id = await queueTask(t.db, echo, "later", { delayMs: 200 });
    expect((await getExecution(t.db, id))!.status).toBe("pending");
    expect((await finished(t.db, id)).output).toBe("later");
  });

  it("ignores notifications for queues it does not serve", async () => {
    await startWorker(t, { tasks: [echo], queues: ["mine"], pollIntervalMs: NEVER });
    const other = await queueTask(t.db, echo, 1, { queue: "theirs" });
    const mine = await queueTask(t.db, echo, 2, { queue: "mine" });
    await finished(t.db, mine);
    expect((await getExecution(t.db, other))!.status).toBe("pending");
  });

  it("polls when told not to listen", async () => {
    const worker = await startWorker(t, { tasks: [echo], listen: false, pollIntervalMs: 50 });
    expect(worker.listening).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const id = await queueTask(t.db, echo, "polled");
    expect((await finished(t.db, id)).output).toBe("polled");
  });

  it("claims a waiting backlog before its LISTEN has taken effect", async () => {
    const id = await queueTask(t.db, echo, "backlog");
    const { worker, starting, listen } = startWithSlowListen(t);
    let started = false;
    void starting.then(() => (started = true));
    expect((await finished(t.db, id)).output).toBe("backlog");
    expect(started).toBe(false); // still waiting for LISTEN
    listen();
    await starting;
    expect(worker.listening).toBe(true);
  });

  it("looks again once LISTEN takes effect, for work queued while it was set up", async () => {
    const { starting, listen } = startWithSlowListen(t);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first claim found nothing
    const id = await queueTask(t.db, echo, "in the gap"); // its NOTIFY reaches nobody
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await getExecution(t.db, id))!.status).toBe("pending");
    listen();
    await starting;
    expect((await finished(t.db, id)).output).toBe("in the gap");
  });

  it("leaves nothing subscribed when stopped while LISTEN is being set up", async () => {
    const { worker, starting, listen, subscribed } = startWithSlowListen(t);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.stop();
    listen();
    await starting;
    expect(worker.listening).toBe(false);
    expect(subscribed()).toBe(0);
  });

  it("starts cleanly when stopped while its self-probe waits for an answer", async () => {
    const worker = createWorker(deafListener(t.db), {
      tasks: [echo],
      pollIntervalMs: NEVER,
      probeTimeoutMs: 300,
      logger: () => {},
    });
    t.defer(() => worker.stop());
    const starting = worker.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.stop();
    await expect(starting).resolves.toBeUndefined();
    expect(worker.listening).toBe(false);
  });

  it("falls back to polling, and says so, when the LISTEN self-probe gets no answer", async () => {
    const logger = memoryLogger();
    const worker = await startWorker(
      t,
      { tasks: [echo], pollIntervalMs: 50, probeTimeoutMs: 100, logger },
      deafListener(t.db),
    );
    expect(worker.listening).toBe(false);
    expect(logger.lines.some((l) => l.includes("LISTEN did not deliver a probe notification")))
      .toBe(true);
    const id = await queueTask(t.db, echo, "still runs");
    expect((await finished(t.db, id)).output).toBe("still runs");
  });
});

forEachDriver("reconnects", (t) => {
  it("resubscribes and re-checks after the server drops every connection", async () => {
    const logger = memoryLogger();
    const db = await t.connect({ reconnect: { initialMs: 20, maxMs: 200 } });
    await startWorker(t, { tasks: [echo], pollIntervalMs: NEVER, logger }, db);
    expect(await t.dropConnections()).toBeGreaterThan(0);
    await expect.poll(() => logger.lines.some((l) => l.includes("listen connection restored")), {
      timeout: 10_000,
    }).toBe(true);
    const id = await queueTask(t.db, echo, "after reconnect"); // the client reconnects too
    expect((await finished(t.db, id)).output).toBe("after reconnect");
  });

  it("records the outcome of a task that ran while the connections were dropped", async () => {
    const gate = deferred();
    const started = deferred();
    const task = defineTask("across", async () => {
      started.resolve();
      await gate.promise;
      return "survived";
    });
    const db = await t.connect({ reconnect: { initialMs: 20, maxMs: 200 } });
    await startWorker(t, { tasks: [task], logger: () => {} }, db);
    const id = await queueTask(t.db, task, null);
    await started.promise;
    await t.dropConnections();
    gate.resolve();
    expect(await finished(t.db, id)).toMatchObject({
      status: "completed",
      output: "survived",
      attempts: 1,
    });
  });
}, { drivers: ["postgres"] });
