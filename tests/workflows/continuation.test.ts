import { expect, it } from "vitest";
import { getExecutionEvents, listExecutions, queueTask } from "../../worker/client.ts";
import type { Db } from "../../worker/db/driver.ts";
import { sendSignal, startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver, type TestDatabase } from "../helpers/db.ts";
import { reaches, register, run, settled } from "./helpers.ts";

/** What a worker's statements did: the ids its claims returned, the ids whose step it loaded. */
interface Spy {
  db: Db;
  claimed: string[];
  loaded: string[];
}

/**
 * `db` with every claim (rows of the claim's shape, `ClaimedExecution`) and every step load (the
 * execution read of workflow-load.ts) recorded.
 */
function spy(db: Db): Spy {
  const out: Spy = { db, claimed: [], loaded: [] };
  const query = async (sql: string, params?: unknown[]) => {
    const rows = await db.query(sql, params as never);
    for (const row of rows as Record<string, unknown>[]) {
      if ("waitedMs" in row) out.claimed.push(row.id as string); // a claimed execution
    }
    if (sql.includes("left join workflow_state s")) out.loaded.push(String(params?.[0]));
    return rows;
  };
  out.db = new Proxy(db, {
    get(target, prop) {
      if (prop === "query") return query;
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return out;
}

async function taskIds(t: TestDatabase, workflowId: string): Promise<string[]> {
  return (await listExecutions(t.db, { parentId: workflowId })).map((e) => e.id);
}

forEachDriver("local continuation", (t) => {
  it("runs a task started by a step on the same worker, without a claim", async () => {
    await register(t.db, { one: 'return await Task.run("double", 21)' });
    const s = spy(t.db);
    const worker = await run(t, { double: (n: number) => n * 2 }, {}, s.db);
    const id = await startWorkflow(t.db, "one");
    expect((await settled(t.db, id)).output).toBe(42);
    const [task] = await taskIds(t, id);
    expect(s.claimed).not.toContain(task);
    const events = await getExecutionEvents(t.db, task);
    expect(events.map((e) => e.type)).toEqual(["created", "started", "completed"]);
    expect(events[1].workerId).toBe(worker.id);
    expect(events[1].attempt).toBe(1);
  });

  it("hands off through the queue when the worker turns the continuation off", async () => {
    await register(t.db, { one: 'return await Task.run("double", 21)' });
    const s = spy(t.db);
    await run(t, { double: (n: number) => n * 2 }, { localContinuation: false }, s.db);
    const id = await startWorkflow(t.db, "one");
    expect((await settled(t.db, id)).output).toBe(42);
    expect(s.claimed).toContain((await taskIds(t, id))[0]);
    // the second step loads (the first step's input came with its claim)
    expect(s.loaded.filter((x) => x === id)).toHaveLength(1);
  });

  it("continues the parent from memory: one load for a workflow of three task steps", async () => {
    await register(t.db, {
      three: 'let a = await Task.run("inc", 1)\nlet b = await Task.run("inc", a)\n' +
        'let c = await Task.run("inc", b)\nreturn [a, b, c]',
    });
    const s = spy(t.db);
    await run(t, { inc: (n: number) => n + 1 }, {}, s.db);
    const id = await startWorkflow(t.db, "three");
    const done = await settled(t.db, id);
    expect(done.output).toEqual([2, 3, 4]);
    // none: the first step's input comes with its claim, the others from memory
    expect(s.loaded.filter((x) => x === id)).toHaveLength(0);
    expect(s.claimed.filter((x) => x === id)).toHaveLength(1);
    const types = (await getExecutionEvents(t.db, id)).map((e) => e.type);
    // one inline chain (tests/workflows/inline.test.ts): claimed once, running to the end
    expect(types).toEqual(["created", "started", "step", "step", "step", "completed"]);
  });

  it("continues a parent waiting on parallel tasks from memory, one result or several at once", async () => {
    await register(t.db, {
      fan:
        'let r = await Promise.all([Task.run("inc", 1), Task.run("inc", 2), Task.run("inc", 3)])\n' +
        'let last = await Task.run("inc", r[2])\nreturn [r, last]',
    });
    const s = spy(t.db);
    await run(t, { inc: (n: number) => n + 1 }, {}, s.db);
    const id = await startWorkflow(t.db, "fan");
    expect((await settled(t.db, id)).output).toEqual([[2, 3, 4], 5]);
    expect(s.loaded.filter((x) => x === id)).toHaveLength(0);
    expect(await taskIds(t, id)).toHaveLength(4);
  });

  it("does not start a task ahead of higher-priority work waiting in its queue", async () => {
    await register(t.db, { one: 'return await Task.run("t", 1)' });
    const order: string[] = [];
    let urgent = "";
    const s = spy(t.db);
    await run(t, {
      t: () => order.push("t"),
      urgent: () => order.push("urgent"),
    }, {
      concurrency: 1, // the step holds the only slot: nothing is claimed before its commit
      workflows: {
        beforeCommit: async () => {
          if (!urgent) urgent = await queueTask(t.db, "urgent", {}, { priority: 5 });
        },
      },
    }, s.db);
    const id = await startWorkflow(t.db, "one");
    await settled(t.db, id);
    expect(order).toEqual(["urgent", "t"]);
    expect(s.claimed).toContain((await taskIds(t, id))[0]); // went through the queue
  });

  it("takes the normal path when the parent also waits on a timer", async () => {
    await register(t.db, {
      timed: 'let d = Timer.delay("300ms")\nlet r = await Task.run("inc", 1)\nawait d\nreturn r',
    });
    const s = spy(t.db);
    await run(t, { inc: (n: number) => n + 1 }, {}, s.db);
    const id = await startWorkflow(t.db, "timed");
    expect((await settled(t.db, id)).output).toBe(2);
    // loads: the task's result, the timer (the first step's input comes with its claim)
    expect(s.loaded.filter((x) => x === id).length).toBeGreaterThanOrEqual(2);
  });

  it("takes the normal path when the parent also waits on a signal", async () => {
    await register(t.db, {
      signalled: 'let g = Signal.next("go")\nlet r = await Task.run("inc", 1)\n' +
        "let v = await g\nreturn [r, v]",
    });
    const s = spy(t.db);
    await run(t, { inc: (n: number) => n + 1 }, {}, s.db);
    const id = await startWorkflow(t.db, "signalled");
    await reaches(t.db, id, "suspended");
    const [task] = await taskIds(t, id);
    await expect.poll(() => s.loaded.filter((x) => x === id).length, {
      timeout: 20_000,
      interval: 20,
    }).toBe(1); // the step after the task's completion loaded its input
    expect(s.claimed).not.toContain(task); // the task itself still started here
    await sendSignal(t.db, id, "go", 7);
    expect((await settled(t.db, id)).output).toEqual([2, 7]);
  });

  it("loses nothing when the worker dies after starting a task in its commit", async () => {
    await register(t.db, {
      pair: 'let a = await Task.run("slow", 1)\nlet b = await Task.run("slow", 2)\nreturn a + b',
    });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const doomed = await run(t, {
      slow: () => {
        started();
        return new Promise(() => {}); // never returns: the worker dies holding the task
      },
    }, { leaseMs: 300 });
    const id = await startWorkflow(t.db, "pair");
    await running;
    await doomed.simulateCrash();
    let runs = 0;
    await run(t, {
      slow: (n: number) => {
        runs++;
        return n * 10;
      },
    });
    const done = await settled(t.db, id);
    expect(done.status).toBe("completed");
    expect(done.output).toBe(30);
    expect(runs).toBe(2);
    const [first] = await listExecutions(t.db, { parentId: id, name: "slow" })
      .then((l) => l.sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(first.attempts).toBe(2); // reclaimed after the dead worker's lease expired
  });

  it("loses nothing when the worker dies between continuing the parent and its commit", async () => {
    await register(t.db, {
      pair: 'let a = await Task.run("t", 1)\nlet b = await Task.run("t", 2)\nreturn a + b',
    });
    let steps = 0;
    let reached!: () => void;
    const atCommit = new Promise<void>((r) => (reached = r));
    const s = spy(t.db);
    const doomed = await run(t, { t: (n: number) => n * 10 }, {
      leaseMs: 300,
      workflows: {
        beforeCommit: async () => {
          if (++steps < 2) return; // the second step: continued from memory
          reached();
          await new Promise<void>(() => {});
        },
      },
    }, s.db);
    const id = await startWorkflow(t.db, "pair");
    await atCommit;
    expect(s.loaded.filter((x) => x === id)).toHaveLength(0);
    await doomed.simulateCrash();
    await run(t, { t: (n: number) => n * 10 });
    const done = await settled(t.db, id);
    expect(done.output).toBe(30);
    expect(await taskIds(t, id)).toHaveLength(2); // the re-run step started nothing twice
  });

  it("finishes 100 workflows exactly once each with two continuing workers", async () => {
    await register(t.db, {
      three: 'let s = 1\nwhile (s <= 3) {\n  await Task.run("mark", { w: Inputs.w, s })\n' +
        "  s++\n}\nreturn Inputs.w",
    });
    const runs = new Map<string, number>();
    const mark = (input: { w: number; s: number }) => {
      const key = `${input.w}:${input.s}`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
      return key;
    };
    await run(t, { mark });
    await run(t, { mark });
    const ids = await Promise.all(
      Array.from({ length: 100 }, (_, w) => startWorkflow(t.db, "three", { w })),
    );
    const done = await Promise.all(ids.map((id) => settled(t.db, id)));
    expect(done.map((e) => e.output)).toEqual(Array.from({ length: 100 }, (_, w) => w));
    expect(runs.size).toBe(300);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    for (const id of ids) {
      expect(await taskIds(t, id)).toHaveLength(3); // no step committed twice
      const types = (await getExecutionEvents(t.db, id)).map((e) => e.type);
      expect(types.filter((x) => x === "completed")).toHaveLength(1);
    }
  });
});
